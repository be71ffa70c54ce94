import { DetailType } from '#lib/events';
import { applyLifecycle } from '#lib/lifecycle';
import type { RunDelivery } from './run-delivery';

/**
 * Phase `lifecycle`: the committed findings applied to the finding lifecycle (lib/lifecycle),
 * then `Findings Changed` announced; false when it stopped early.
 */
export async function lifecycle(run: RunDelivery): Promise<boolean> {
  const { dataset, runId } = run.raw;
  const delivered = run.state.delivered;
  if (delivered === undefined || (dataset !== 'vulns' && dataset !== 'fixed'))
    throw new Error('the lifecycle phase runs on committed vulns or fixed findings');
  const outcome = await applyLifecycle(
    {
      store: run.deps.store,
      shouldStop: () => run.shouldStop(),
      ...(run.settings.lifecycleGroupTargetBytes === undefined
        ? {}
        : { groupTargetBytes: run.settings.lifecycleGroupTargetBytes }),
    },
    {
      dataset,
      runId,
      dt: run.dt,
      window: run.raw.window,
      createdAt: run.raw.createdAt,
      source: delivered.manifestKey,
      parts: run.state.findings,
    },
    run.state.lifecycle,
  );
  if (outcome.status === 'stopped') {
    run.state.lifecycle = outcome.work;
    return false;
  }
  const changes = outcome.result;
  run.state.lifecycle = undefined;
  run.state.changes = changes;
  if (run.deps.ocsf !== undefined) {
    const { parts } = outcome;
    run.state.ocsfSource = { parts, indexes: parts.map((p) => partNumberOf(p.key)) };
  }
  await run.deps.events.publish({
    detailType: DetailType.FindingsChanged,
    detail: {
      detailVersion: 2,
      dataset,
      runId,
      manifest: changes.manifest,
      ...(run.deps.store.bucket === undefined ? {} : { bucket: run.deps.store.bucket }),
      manifestKey: run.deps.store.bucketKey(changes.manifestKey),
      rowCount: changes.rows,
      baseline: changes.baseline,
      counts: changes.counts,
      generation: changes.generation,
    },
  });
  run.deps.logger.info('Finding changes committed.', {
    dataset,
    runId,
    rows: changes.rows,
    ...changes.counts,
    unchanged: changes.unchanged,
    baseline: changes.baseline,
    partitions: changes.partitionsTouched,
    objectsRead: changes.io.reads,
    objectsWritten: changes.io.writes,
  });
  return true;
}

/** The number of a part from its key (`…/part-00042.ndjson.gz` → 42). */
function partNumberOf(key: string): number {
  return Number(/part-(\d+)\.ndjson\.gz$/.exec(key)?.[1] ?? Number.NaN);
}
