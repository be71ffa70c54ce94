import { afterEach, describe, expect, it } from 'vitest';
import { isSc2awsError } from '#lib/errors';
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
} from './pipeline';

/** How the invocation that meets the fault ends. */
export type Ending =
  /** The product absorbs the fault: the run completes and is delivered in the same invocation. */
  | { ends: 'completed' }
  /** The invocation pauses and hands over to a continuation. */
  | { ends: 'continued' }
  /** The invocation fails with this code; the message names the cause (`cause`) and the fix. */
  | { ends: 'failed'; code: string; cause: RegExp; in?: 'export' | 'delivery' }
  /** The process dies: no error reaches anyone, nothing after the kill reaches S3. */
  | { ends: 'killed' };

export interface FaultCase {
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

export const header = (k: { accessKey: string; secretKey: string }) =>
  `accesskey=${k.accessKey}; secretkey=${k.secretKey};`;
export const analysis = '/rest/analysis';
export const rawPart = /^sc2aws\/console=default\/raw\/.*\/part-00002\.ndjson\.gz$/;
export const partCommands = ['PutObjectCommand', 'UploadPartCommand', 'CreateMultipartUploadCommand'];
export const warnings = (w: PipelineWorld) =>
  w.logger.records.filter((r) => r.level === 'warn').map((r) => r.message);

/**
 * The fault matrix's harness: each case injects one fault into pull-analysis → forward-results over
 * the SC simulator and s3rver, then checks that nothing was lost or duplicated, the checkpoint did not
 * run ahead, the tables show committed runs only, and the failure (if any) was explained. The cases
 * live in one test file per kind of fault, so the files run side by side.
 */
export function faultMatrix(faults: string, cases: readonly FaultCase[]): void {
  describe(`fault matrix, ${faults}: pull-analysis → forward-results over the SC simulator and s3rver`, () => {
    let w: PipelineWorld | undefined;
    afterEach(async () => {
      await w?.close();
      w = undefined;
    });

    it.each(cases)(
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
}
