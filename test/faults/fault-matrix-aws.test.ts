import { expect } from 'vitest';
import { analysis, type FaultCase, faultMatrix, header, partCommands, rawPart } from './support/fault-matrix';

/** Faults of the AWS side: S3, EventBridge, Secrets Manager and the Lambda itself. */
const AWS_FAULTS: FaultCase[] = [
  // ── S3 ──────────────────────────────────────────────────────────────────────────────────────────
  {
    fault: 'S3 answers 503 SlowDown on a part upload, within the SDK retries',
    inject: (w) =>
      w.s3Faults.add({ commands: partCommands, key: rawPart, status: 503, code: 'SlowDown', times: 2 }),
    ending: { ends: 'completed' },
    check: (w) => expect(w.s3Faults.hits).toHaveLength(2),
  },
  {
    fault: 'S3 answers 500 InternalError on a part upload, persistently',
    inject: (w) =>
      w.s3Faults.add({
        commands: partCommands,
        key: rawPart,
        status: 500,
        code: 'InternalError',
        times: Infinity,
      }),
    ending: {
      ends: 'failed',
      code: 'SINK_WRITE_FAILED',
      cause: /part-00002\.ndjson\.gz failed \(InternalError, HTTP 500\)/,
    },
  },
  {
    fault: 'S3 answers 503 SlowDown on the raw manifest write, persistently',
    inject: (w) =>
      w.s3Faults.add({
        commands: ['PutObjectCommand'],
        key: /^sc2aws\/console=default\/raw\/.*\/_manifest\.json$/,
        status: 503,
        code: 'SlowDown',
        times: Infinity,
      }),
    ending: {
      ends: 'failed',
      code: 'SINK_WRITE_FAILED',
      cause: /_manifest\.json failed \(SlowDown, HTTP 503\)/,
    },
    check: (w) => expect(w.completedEvents().filter((e) => e.runId === w.run.runId)).toHaveLength(1),
  },
  {
    fault: 'S3 answers 503 SlowDown on the findings manifest write, persistently',
    inject: (w) =>
      w.s3Faults.add({
        commands: ['PutObjectCommand'],
        key: /^sc2aws\/console=default\/findings\/.*\/_manifest\.json$/,
        status: 503,
        code: 'SlowDown',
        times: Infinity,
      }),
    ending: {
      ends: 'failed',
      in: 'delivery',
      code: 'SINK_WRITE_FAILED',
      cause: /findings\/.*_manifest\.json failed/,
    },
    check: (w) =>
      expect(w.eventBridge.accepted.filter((e) => e.detailType === 'Findings Delivered')).toHaveLength(1),
  },
  {
    fault: 'the invocation is killed while it writes a part',
    inject: (w) => w.kill.arm('while-writing-part', 3),
    ending: { ends: 'killed' },
  },
  {
    fault: 'the invocation is killed after a part is stored, before the state lists it',
    inject: (w) => w.kill.arm('before-cursor-saved', 3),
    ending: { ends: 'killed' },
  },
  // ── EventBridge ─────────────────────────────────────────────────────────────────────────────────
  {
    fault: 'EventBridge answers FailedEntryCount > 0, then accepts the retried entry',
    inject: (w) => {
      w.eventBridge.failingCalls = 2;
    },
    ending: { ends: 'completed' },
    check: (w) => {
      expect(w.eventBridge.calls).toBe(5); // Export Completed: 2 refused + 1 accepted; Findings Delivered and Changed: 1 each
      expect(w.completedEvents().map((e) => e.runId)).toEqual([w.run.runId]);
    },
  },
  {
    fault: 'EventBridge keeps answering FailedEntryCount > 0',
    inject: (w) => {
      w.eventBridge.failingCalls = Number.POSITIVE_INFINITY;
    },
    ending: {
      ends: 'failed',
      code: 'EVENTS_PUBLISH_FAILED',
      cause: /did not accept the "Export Completed" event/,
    },
  },
  // ── Secrets Manager ─────────────────────────────────────────────────────────────────────────────
  {
    fault: 'Secrets Manager throttles GetSecretValue',
    world: { secrets: 'endpoint' },
    inject: (w) => {
      if (w.secretsEndpoint) w.secretsEndpoint.throttling = true;
    },
    ending: {
      ends: 'failed',
      code: 'SECRET_UNAVAILABLE',
      cause: /throttled the read .*even after the SDK's retries/,
    },
    clear: (w) => {
      if (w.secretsEndpoint) w.secretsEndpoint.throttling = false;
    },
    // The SDK's own retries ran (3 attempts) before the typed error was raised.
    check: (_w, faulted) =>
      expect((faulted.error as Error).cause).toMatchObject({
        name: 'ThrottlingException',
        $metadata: { attempts: 3 },
      }),
  },
  {
    fault: 'the secret is missing',
    inject: (w) => w.secrets?.versions.clear(),
    ending: {
      ends: 'failed',
      code: 'SECRET_NOT_FOUND',
      cause: /was not found \(ResourceNotFoundException\)/,
    },
    clear: (w) => w.secrets?.put('v2', header(w.h.sim.keys), ['AWSCURRENT']),
  },
  {
    fault: 'the secret is not in the keys format',
    inject: (w) => w.secrets?.put('v2', '{"username":"svc","password":"hunter2"}', ['AWSCURRENT']),
    ending: { ends: 'failed', code: 'SECRET_FORMAT', cause: /is not a pair of Tenable SC API keys/ },
    clear: (w) => w.secrets?.put('v3', header(w.h.sim.keys), ['AWSCURRENT']),
  },
  // ── Lambda ──────────────────────────────────────────────────────────────────────────────────────
  {
    fault: 'the Lambda deadline comes between pages',
    remainingMs: (pages) => () => (pages() >= 3 ? 500 : 60_000),
    ending: { ends: 'continued' },
  },
  {
    fault: 'the Lambda deadline comes while a page is in flight',
    inject: (w) => w.h.sim.control.injectFault({ kind: 'latency', delayMs: 4000, after: 3, path: analysis }),
    // The time guard is 1 s: the in-flight call is cut at guard/2, 1.5 s after the start.
    remainingMs: () => {
      const deadline = Date.now() + 2000;
      return () => deadline - Date.now();
    },
    ending: { ends: 'continued' },
    // The page in flight was cut short by the deadline, not left to finish.
    check: (w) => expect(w.scAttempts.filter((a) => a.code === 'SC_ABORTED').length).toBeGreaterThan(0),
  },
  {
    fault: 'the continuation and the completion events are each delivered twice',
    act: async (w) => {
      let pages = 0;
      const paused = await w.exportInvocation({
        owner: 'first',
        remainingMs: () => (pages >= 2 ? 500 : 60_000),
        onPage: (n) => {
          pages = n;
        },
      });
      expect(paused.outcome?.status).toBe('continued');
      const resumed = await w.exportInvocation({ owner: 'continuation' });
      const rawBefore = await w.h.store.getText(w.run.rawManifest);
      const again = await w.exportInvocation({ owner: 'continuation-again' });
      expect([resumed.outcome?.status, again.outcome?.status]).toEqual(['completed', 'completed']);
      // The duplicate found no run in flight: it pulled the next (overlapping) window, never rewrote this one.
      expect((await w.h.store.getText(w.run.rawManifest))?.body).toBe(rawBefore?.body);
      const [completed] = w.completedEvents();
      const first = await w.deliver(completed as Record<string, unknown>);
      const findings1 = await w.h.store.getText(w.run.findingsManifest);
      const second = await w.deliver(completed as Record<string, unknown>);
      const findings2 = await w.h.store.getText(w.run.findingsManifest);
      expect(second).toEqual(first);
      expect(findings2?.body).toBe(findings1?.body);
      return resumed;
    },
    ending: { ends: 'completed' },
  },
];

faultMatrix('AWS', AWS_FAULTS);
