import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { isSc2awsError } from '#lib/errors';
import { DEFAULT_READ_AHEAD } from '#lib/tenable';
import { expectTablesShowCommittedRunsOnly } from '#support/athena-table';
import { simIdentity } from '#support/export-harness';
import {
  deliveredRun,
  type ExportInvocation,
  expectStateSafe,
  InvocationKilled,
  PAGE_SIZE,
  PipelineWorld,
  type WorldOptions,
} from './support/pipeline';

/** How the invocation that meets the fault ends. */
type Ending =
  /** The product absorbs the fault: the run completes and is delivered in the same invocation. */
  | { ends: 'completed' }
  /** The invocation pauses and hands over to a continuation. */
  | { ends: 'continued' }
  /** The invocation fails with this code; the message names the cause (`cause`) and the fix. */
  | { ends: 'failed'; code: string; cause: RegExp; in?: 'export' | 'delivery' }
  /** The process dies: no error reaches anyone, nothing after the kill reaches S3. */
  | { ends: 'killed' };

interface FaultCase {
  fault: string;
  world?: WorldOptions;
  /** Sets the fault up before the invocation. */
  inject?(w: PipelineWorld): void;
  /** Called after each page of the invocation, for faults that arrive mid-run. */
  onPage?(w: PipelineWorld, page: number): void;
  /** The Lambda's remaining time during the invocation, given its page count so far. */
  remainingMs?(pages: () => number): () => number;
  /** Replaces the single faulted invocation (for faults that are about repeated invocations). */
  act?(w: PipelineWorld): Promise<ExportInvocation>;
  ending: Ending;
  /** The fault passes, or the operator applies the fix the message named. */
  clear?(w: PipelineWorld): void;
  /** What else this fault must show (retries seen, events, logs), given the faulted invocation. */
  check?(w: PipelineWorld, faulted: ExportInvocation): void | Promise<void>;
}

const header = (k: { accessKey: string; secretKey: string }) =>
  `accesskey=${k.accessKey}; secretkey=${k.secretKey};`;
const analysis = '/rest/analysis';
const rawPart = /^sc2aws\/raw\/.*\/part-00002\.ndjson\.gz$/;
const partCommands = ['PutObjectCommand', 'UploadPartCommand', 'CreateMultipartUploadCommand'];
const warnings = (w: PipelineWorld) =>
  w.logger.records.filter((r) => r.level === 'warn').map((r) => r.message);

const CASES: FaultCase[] = [
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
        key: /^sc2aws\/raw\/.*\/_manifest\.json$/,
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
        key: /^sc2aws\/findings\/.*\/_manifest\.json$/,
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

describe('fault matrix: pull-analysis → forward-results over the SC simulator and s3rver', () => {
  let w: PipelineWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it.each(CASES)(
    '$fault: nothing lost, nothing duplicated, checkpoint safe, tables show committed runs only, failure explained',
    async (c) => {
      // Prepare
      const world = await PipelineWorld.start(c.world);
      w = world;
      c.inject?.(world);
      let pages = 0;

      // Act: the invocation that meets the fault, then forward-results for whatever it announced.
      const first = c.act
        ? await c.act(world)
        : await world.exportInvocation({
            owner: 'faulted',
            ...(c.remainingMs ? { remainingMs: c.remainingMs(() => pages) } : {}),
            onPage: (n) => {
              pages = n;
              c.onPage?.(world, n);
            },
          });
      const delivery = first.outcome?.status === 'completed' ? await world.deliverAnnounced() : {};
      const state = await expectStateSafe(world);
      // The shipped tables read committed runs only: the run's findings show once delivered, never before.
      const tables = await expectTablesShowCommittedRunsOnly(world.bucket, 'sc2aws');
      expect(tables.findings.includes(world.run.runId)).toBe(c.ending.ends === 'completed');

      // Assert: how it ended, what the operator is told, and that the checkpoint did not run ahead.
      const error = first.error ?? delivery.error;
      switch (c.ending.ends) {
        case 'completed':
          expect(error).toBeUndefined();
          expect(first.outcome?.status).toBe('completed');
          expect(state?.checkpoint?.end).toBe(world.window.end);
          break;
        case 'continued':
          expect(error).toBeUndefined();
          expect(first.outcome?.status).toBe('continued');
          expect(state?.checkpoint).toEqual(world.checkpointBefore);
          expect(state?.inflight?.runId).toBe(world.run.runId);
          expect(state?.lease).toBeUndefined();
          break;
        case 'killed':
          expect(error).toBeInstanceOf(InvocationKilled);
          expect(state?.checkpoint).toEqual(world.checkpointBefore);
          expect(state?.inflight?.parts.length).toBeGreaterThan(0);
          expect(state?.lease?.owner).toBe('faulted'); // a dead invocation releases nothing
          break;
        case 'failed': {
          expect(isSc2awsError(error), `a typed error, got ${String(error)}`).toBe(true);
          expect(error).toMatchObject({
            code: c.ending.code,
            message: expect.stringMatching(c.ending.cause),
          });
          expect((error as Error).message).toMatch(/Fix:/);
          if ((c.ending.in ?? 'export') === 'export') {
            expect(first.error).toBe(error);
            expect(state?.checkpoint).toEqual(world.checkpointBefore);
            expect(state?.lease).toBeUndefined();
            expect(world.metrics.filter((m) => m.name === 'ExportFailed')).toEqual([
              { name: 'ExportFailed', value: 1 },
            ]);
            expect(world.completedEvents().filter((e) => e.runId === world.run.runId)).toEqual([]);
          } else {
            expect(state?.checkpoint?.runId).toBe(world.run.runId);
            expect(await world.h.store.getText(world.run.findingsManifest)).toBeUndefined();
          }
          break;
        }
      }

      // Act: the fault passes (or the operator applies the fix) and the pipeline runs again.
      c.clear?.(world);
      world.h.sim.control.clearFaults();
      world.s3Faults.clear();
      world.kill.revive();
      world.eventBridge.failingCalls = 0;
      const rerun = await world.rerun();

      // Assert: every row that was in the window and stayed there is delivered, each exactly once.
      const { findings, raw } = await deliveredRun(world);
      const left = new Set(
        world.h.sim.control
          .driftLog()
          .left.map((i) => `${i.repositoryID}|${i.ip}|${i.port}|${i.protocol}|${i.pluginID}`),
      );
      const mustHave = [...world.expected].filter(([identity]) => !left.has(identity)).map(([, id]) => id);
      expect(mustHave.length).toBeGreaterThan(3 * PAGE_SIZE);
      const delivered = findings.rows.map((r) => r.finding_id as string);
      const deliveredSet = new Set(delivered);
      expect(mustHave.filter((id) => !deliveredSet.has(id))).toEqual([]);
      expect(delivered.length).toBe(deliveredSet.size);
      if (left.size === 0) {
        // Without drift the window holds exactly these rows, and the raw run holds each once.
        expect(deliveredSet).toEqual(new Set(world.expected.values()));
        const rawIds = raw.rows.map(simIdentity);
        expect(rawIds.length).toBe(new Set(rawIds).size);
      }
      expect((await world.state())?.checkpoint?.end).toBe(world.window.end);
      expect((await expectTablesShowCommittedRunsOnly(world.bucket, 'sc2aws')).findings).toContain(
        world.run.runId,
      );
      expect(rerun.locked).toBe(c.ending.ends === 'killed' ? 1 : 0);
      await c.check?.(world, first);
    },
  );
});
