import type { LifecycleResult } from '#lib/lifecycle';
import { DEFAULT_CONSOLE_ID } from '#lib/product';
import type { PartInfo } from '#lib/sink';
import { runInOrder } from './in-order';
import type { RunDelivery } from './run-delivery';
import type { DeliveryOutcome, DeliveryResult } from './types';

/** When this invocation started the OCSF phase, for the time the outcome reports. */
const STARTED = new WeakMap<RunDelivery, number>();

/**
 * Phase `ocsf`: the Parquet files of each committed findings part (one per event day), made on the
 * delivery's threads (mapping and encoding are the costly part), stored in part order; false when
 * it stopped early.
 */
export async function ocsf(run: RunDelivery): Promise<boolean> {
  if (run.deps.ocsf === undefined) return true;
  STARTED.set(run, Date.now());
  // Loaded here, not at start: with OCSF output off a cold start never pays for the Parquet writer.
  const { ocsfVersionOf, storeOcsfFile } = await import('#lib/ocsf');
  const version = ocsfVersionOf(run.deps.ocsf);
  // vulns and fixed: from the change run (one record per change); assets: from the findings.
  const source = run.state.ocsfSource;
  const parts = source?.parts ?? run.state.findings;
  const indexes = source?.indexes ?? run.state.indexes;
  const files = run.state.ocsf ?? [];
  run.state.ocsf = files;
  await runInOrder({
    from: run.state.next,
    to: parts.length,
    window: run.runner.concurrency + 1,
    shouldStop: () => run.shouldStop(),
    start: async (position) => {
      const part = parts[position] as PartInfo;
      const stored = await run.read(run.deps.store, part.key);
      const index = indexes[position] as number;
      return run.runner.ocsf({
        stored,
        dataset: run.raw.dataset,
        part,
        ctx: { runId: run.raw.runId, dt: run.dt, index, version, where: run.objects.where(part.key) },
      });
    },
    finish: async (position, made) => {
      const stored = [];
      for (const file of made) stored.push(await storeOcsfFile(run.deps.store, file));
      files[position] = stored;
      run.state.next = position + 1;
      run.progress(parts.length);
    },
  });
  return run.state.next >= parts.length;
}

/** Commits the OCSF run (when on), removes the state, and reports what was delivered. */
export async function finish(run: RunDelivery): Promise<DeliveryOutcome> {
  const { dataset, runId } = run.raw;
  const delivered = run.state.delivered;
  if (delivered === undefined) throw new Error('finish() before the findings were committed');
  let ocsf: DeliveryResult['ocsf'];
  if (run.deps.ocsf !== undefined) {
    const { commitOcsfRun } = await import('#lib/ocsf');
    // A state saved before files were split by day holds one file a part.
    const files = (run.state.ocsf ?? []).flatMap((entry) => (Array.isArray(entry) ? entry : [entry]));
    const committed = await commitOcsfRun(
      run.deps.store,
      run.deps.ocsf,
      {
        dataset,
        runId,
        dt: run.dt,
        source: run.deps.store.bucketKey(run.state.changes?.manifestKey ?? delivered.manifestKey),
        createdAt: run.raw.createdAt,
        consoleId: run.raw.sc.consoleId ?? DEFAULT_CONSOLE_ID,
      },
      files,
    );
    ocsf = {
      manifest: run.deps.store.uri(committed.manifestKey),
      rows: committed.rows,
      files: files.length,
      securityLakeKeys: committed.securityLakeKeys.length,
      durationMs: Date.now() - (STARTED.get(run) ?? Date.now()),
    };
    run.deps.logger.info('OCSF delivered.', { dataset, runId, ...ocsf });
  }
  await run.objects.removeState();
  return {
    status: 'delivered',
    dataset,
    runId,
    manifest: delivered.manifest,
    rows: delivered.rows,
    rejected: delivered.rejected,
    duplicates: delivered.duplicates,
    ...(run.state.changes === undefined ? {} : { changes: reportedChanges(run.state.changes) }),
    ...(ocsf === undefined ? {} : { ocsf }),
    ...(run.state.securityHub === undefined ? {} : { securityHub: run.state.securityHub }),
  };
}

/** A change run as the outcome reports it: without this invocation's own figures. */
function reportedChanges(changes: LifecycleResult): NonNullable<DeliveryResult['changes']> {
  const { io: _io, redone: _redone, ...reported } = changes;
  return reported;
}
