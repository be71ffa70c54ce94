import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { expect } from 'vitest';
import { DEFAULT_READ_AHEAD } from '#lib/tenable';
import { analysis, type FaultCase, faultMatrix, header, warnings } from './support/fault-matrix';

/** Faults of SC itself, of the network to it, and of its keys. */
const SC_FAULTS: FaultCase[] = [
  // ── SC ──────────────────────────────────────────────────────────────────────────────────────────
  {
    fault: 'SC answers a burst of 503s shorter than the retries',
    inject: (w) =>
      w.h.sim.control.injectFault({ kind: 'status', status: 503, times: 2, after: 3, path: analysis }),
    ending: { ends: 'completed' },
    check: (w) => expect(warnings(w).filter((m) => /retrying \(SC_TRANSIENT\)/.test(m))).toHaveLength(2),
  },
  {
    fault: 'SC answers 502 longer than the retries',
    inject: (w) =>
      w.h.sim.control.injectFault({ kind: 'status', status: 502, times: 3, after: 3, path: analysis }),
    ending: { ends: 'failed', code: 'SC_TRANSIENT', cause: /HTTP 502/ },
  },
  {
    fault: 'SC answers 429 with Retry-After',
    inject: (w) =>
      w.h.sim.control.injectFault({
        kind: 'rate-limit',
        retryAfterSeconds: 7,
        times: 2,
        after: 2,
        path: analysis,
      }),
    ending: { ends: 'completed' },
    check: (w) => expect(w.scWaits.filter((ms) => ms === 7000)).toHaveLength(2),
  },
  {
    fault: 'SC reports "database is locked"',
    inject: (w) => w.h.sim.control.injectFault({ kind: 'db-locked', times: 2, after: 3, path: analysis }),
    ending: { ends: 'completed' },
  },
  {
    fault: 'the connection is reset mid-body once',
    inject: (w) => w.h.sim.control.injectFault({ kind: 'reset', times: 1, after: 3, path: analysis }),
    ending: { ends: 'completed' },
  },
  {
    fault: 'the connection is reset mid-body on every attempt',
    inject: (w) => w.h.sim.control.injectFault({ kind: 'reset', times: 3, after: 3, path: analysis }),
    ending: { ends: 'failed', code: 'SC_TRANSIENT', cause: /connection to SC broke/ },
  },
  {
    fault: 'SC sends truncated JSON on every attempt',
    inject: (w) => w.h.sim.control.injectFault({ kind: 'truncate', times: 3, after: 3, path: analysis }),
    ending: { ends: 'failed', code: 'SC_PROTOCOL', cause: /JSON body that was cut off/ },
  },
  {
    fault: 'SC (or a proxy) serves an HTML error page with HTTP 200',
    inject: (w) => w.h.sim.control.injectFault({ kind: 'html', status: 200, after: 3, path: analysis }),
    ending: { ends: 'failed', code: 'SC_PROTOCOL', cause: /HTML page instead of JSON/ },
  },
  {
    fault: 'the body arrives slower than the timeout',
    world: { sc: { timeouts: { bodyMs: 1000 }, maxAttempts: 2 } },
    inject: (w) =>
      // Every request in flight (the page and the read-ahead) stalls on both its attempts.
      w.h.sim.control.injectFault({
        kind: 'slow-body',
        delayMs: 2500,
        times: 2 * (DEFAULT_READ_AHEAD + 1),
        after: 3,
        path: analysis,
      }),
    ending: { ends: 'failed', code: 'SC_TIMEOUT', cause: /did not answer .* in time \(the body stalled\)/ },
  },
  {
    fault: 'the keys are regenerated mid-run and the new pair is in Secrets Manager',
    onPage: (w, page) => {
      if (page !== 3) return;
      const fresh = w.h.sim.control.regenerateKeys();
      w.secrets?.put('v2', header(fresh), ['AWSCURRENT']);
    },
    ending: { ends: 'completed' },
    check: (w) => {
      expect(w.secrets?.mock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
      expect(warnings(w)).toContain(
        'SC rejected the cached keys on POST /rest/analysis; retrying once with the newest secret version.',
      );
    },
  },
  {
    fault: 'the keys are revoked mid-run and no newer secret version exists',
    onPage: (w, page) => {
      if (page === 3) w.h.sim.control.revokeKeys();
    },
    ending: { ends: 'failed', code: 'SC_KEYS_REJECTED', cause: /SC rejected the API keys .* regenerated/ },
    clear: (w) => w.secrets?.put('v2', header(w.h.sim.control.regenerateKeys()), ['AWSCURRENT']),
  },
  {
    fault: 'API keys are disabled on SC mid-run',
    onPage: (w, page) => {
      if (page === 3) w.h.sim.control.setApiKeysEnabled(false);
    },
    ending: { ends: 'failed', code: 'SC_API_KEYS_DISABLED', cause: /Allow API Keys/ },
    clear: (w) => w.h.sim.control.setApiKeysEnabled(true),
  },
  {
    fault: 'SC sends returnedRecords as a float',
    inject: (w) => w.h.sim.control.setReturnedRecordsQuirk('float'),
    ending: { ends: 'completed' },
  },
  {
    fault: 'rows leave and enter the window while it is paged',
    inject: (w) => w.h.sim.control.startDrift({ perPage: 12, seed: 5 }),
    ending: { ends: 'completed' },
    clear: (w) => w.h.sim.control.stopDrift(),
    check: (w) => expect(w.h.sim.control.driftLog().left.length).toBeGreaterThan(0),
  },
];

faultMatrix('SC', SC_FAULTS);
