import { manifestKey, type ObjectStore, type PartInfo } from '#lib/sink';
import {
  changePartsInStore,
  commitWork,
  listChanges,
  publishCurrent,
  readChangesManifest,
  removeLeftovers,
} from './commit';
import type { APPLIED_RUNS_KEPT } from './constants';
import { changesCommittedKey, changesRunPrefix } from './layout';
import { applyRun, type LifecycleRunInfo, startWork } from './lifecycle-run';
import { readRoot } from './root';
import { type ChangesManifest, isBaseline, type LifecycleResult, type LifecycleRoot } from './schema';
import type { LifecycleWork } from './work';

export interface LifecycleDeps {
  store: ObjectStore;
  /** True when the invocation must stop at the next boundary (time, or cancelled). */
  shouldStop: () => boolean;
  /** Rows per group in memory (uncompressed bytes); default GROUP_TARGET_BYTES. */
  groupTargetBytes?: number;
}

export type LifecycleOutcome =
  | { status: 'stopped'; work: LifecycleWork }
  | {
      status: 'committed';
      result: LifecycleResult;
      /** The change run's parts, by the keys the store reads them with (what OCSF is made from). */
      parts: PartInfo[];
    };

function resultOf(
  store: ObjectStore,
  key: string,
  manifest: ChangesManifest,
  work: LifecycleWork | undefined,
): LifecycleResult {
  const { details } = manifest;
  return {
    manifestKey: key,
    manifest: store.uri(key),
    rows: manifest.totals.rows,
    counts: details.counts,
    unchanged: details.unchanged,
    baseline: details.baseline,
    generation: details.generation,
    partitionsTouched: details.partitionsTouched,
    redone: work?.redone ?? 0,
    io: work?.io ?? { reads: 0, writes: 0 },
  };
}

/**
 * The change manifest of `run` if the state holds it: a run the root lists, or one that left the
 * list (see {@link APPLIED_RUNS_KEPT}) whose change run is listed for its table, which happens only
 * after its commit. Applying a forgotten run again would change nothing in the state, but would
 * write an empty change run over the one it committed.
 */
async function appliedChanges(
  store: ObjectStore,
  root: LifecycleRoot,
  run: LifecycleRunInfo,
): Promise<{ changes: string } | undefined> {
  const listed = root.applied.find((a) => a.dataset === run.dataset && a.runId === run.runId);
  if (listed !== undefined || (root.forgotten ?? 0) === 0) return listed;
  const committed = await store.getText(changesCommittedKey(run.dt, run.runId));
  return committed === undefined ? undefined : { changes: manifestKey(changesRunPrefix(run.dt, run.runId)) };
}

/**
 * Applies a delivered run (`vulns` or `fixed`) to the finding lifecycle, resuming `saved` work.
 * A run the state already holds is not applied again: its committed change run is listed and
 * returned as it was, so a redelivery, or a rerun after a crash, makes no second change.
 *
 * @example
 * ```ts
 * const outcome = await applyLifecycle({ store, shouldStop }, run, saved);
 * if (outcome.status === 'stopped') saveForLater(outcome.work);
 * ```
 */
export async function applyLifecycle(
  deps: LifecycleDeps,
  run: LifecycleRunInfo,
  saved?: LifecycleWork,
): Promise<LifecycleOutcome> {
  const { store } = deps;
  const before = await readRoot(store);
  const applied = before === undefined ? undefined : await appliedChanges(store, before.root, run);
  if (before !== undefined && applied !== undefined) {
    const manifest = await readChangesManifest(store, applied.changes);
    await publishCurrent(store, before.root);
    await listChanges(store, run, manifest);
    // A rerun after a crash past the commit: the routed rows its saved work names are left over.
    await removeLeftovers(store, before.root, before.root, run, saved);
    return {
      status: 'committed',
      result: resultOf(store, applied.changes, manifest, saved),
      parts: changePartsInStore(store, manifest),
    };
  }
  const work = saved ?? startWork(run, deps.groupTargetBytes);
  if (saved === undefined) work.baseline = isBaseline(before?.root, run.dataset);
  if (work.step !== 'commit' && !(await applyRun(deps, run, work, before?.root)))
    return { status: 'stopped', work };
  // Applied in this invocation against `before`: that root is the commit's first guess.
  const committed = await commitWork(deps, run, work, saved === undefined ? before : undefined);
  if (committed === undefined) return { status: 'stopped', work };
  await publishCurrent(store, committed.root);
  await listChanges(store, run, committed.manifest);
  await removeLeftovers(store, committed.base, committed.root, run, work);
  return {
    status: 'committed',
    result: resultOf(store, committed.manifestKey, committed.manifest, work),
    parts: committed.parts,
  };
}
