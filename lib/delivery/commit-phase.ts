import { DetailType } from '#lib/events';
import {
  commitRun,
  committedKey,
  type FindingsRunManifest,
  MANIFEST_VERSION,
  manifestKey,
  partsForManifest,
  runPrefix,
  totalsOf,
} from '#lib/sink';
import type { DeliveryState } from './delivery-state';
import type { RunDelivery } from './run-delivery';

/** Commits the findings (manifest, then committed list) and announces them. */
export async function commit(run: RunDelivery): Promise<void> {
  const { dataset, runId } = run.raw;
  // A part every row of which lost to a newer duplicate was removed by the prune.
  const kept = run.state.findings.flatMap((p, i) =>
    p.rows > 0 ? [[p, run.state.indexes[i] as number] as const] : [],
  );
  const parts = kept.map(([p]) => p);
  const duplicates = run.duplicates;
  const outPrefix = runPrefix('findings', dataset, run.dt, runId);
  const store = run.deps.store;
  const manifest: FindingsRunManifest = {
    manifestVersion: MANIFEST_VERSION,
    kind: 'findings',
    dataset,
    runId,
    ...(store.bucket === undefined ? {} : { bucket: store.bucket }),
    window: run.raw.window,
    sc: run.raw.sc,
    parts: partsForManifest(store, parts),
    totals: totalsOf(parts),
    createdAt: run.raw.createdAt,
    details: {
      source: run.source.bucketKey(run.rawKey),
      rawRows: run.raw.totals.rows,
      duplicates,
      rejected: { rows: run.state.rejectedRows, parts: partsForManifest(store, run.state.rejected) },
    },
  };
  const key = manifestKey(outPrefix);
  await commitRun(
    run.deps.store,
    { manifestKey: key, committedKey: committedKey('findings', dataset, run.dt, runId) },
    manifest,
  );
  await run.deps.events.publish({
    detailType: DetailType.FindingsDelivered,
    detail: {
      detailVersion: 2,
      dataset,
      runId,
      manifest: store.uri(key),
      ...(store.bucket === undefined ? {} : { bucket: store.bucket }),
      manifestKey: store.bucketKey(key),
      rowCount: manifest.totals.rows,
      rejectedCount: run.state.rejectedRows,
      duplicateCount: duplicates,
    },
  });
  run.deps.logger.info('Findings delivered.', {
    dataset,
    runId,
    rows: manifest.totals.rows,
    rejected: run.state.rejectedRows,
    duplicates,
    invocations: run.state.invocations,
  });
  // An empty run changes no finding: it is not applied (nor does it use up its dataset's baseline).
  const changesState = run.tracksLifecycle && manifest.totals.rows > 0;
  // From here on the state describes the committed parts only: OCSF file i comes from findings part i.
  const next: DeliveryState = {
    ...run.state,
    phase: changesState ? 'lifecycle' : 'ocsf',
    next: 0,
    findings: parts,
    indexes: kept.map(([, index]) => index),
    candidates: [],
    best: {},
    delivered: {
      manifest: run.deps.store.uri(key),
      manifestKey: key,
      rows: manifest.totals.rows,
      rejected: run.state.rejectedRows,
      duplicates,
    },
    ocsf: [],
  };
  // The saved state moves on (or goes) before the ids it points at are removed: a retry after a
  // crash here never looks for ids that are gone.
  if (run.deps.ocsf !== undefined || changesState) await run.objects.save(next, undefined);
  else await run.objects.removeState();
  await run.objects.removeDedupe(run.state.indexes);
  run.state = next;
}
