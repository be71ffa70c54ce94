/**
 * lib/lifecycle: memory across runs. Each delivered `vulns` / `fixed` run moves the state of the
 * findings it holds (open, fixed, reopened, their severity, risk decisions, SC's times) and says what
 * changed, in a change feed; the open findings are kept as a current table. The state moves only on
 * SC's own times, so runs that arrive late, twice or out of order end in the same state; it is
 * partitioned by host, so a run's cost follows the hosts it holds, not the size of the state.
 *
 * @example
 * ```ts
 * const outcome = await applyLifecycle({ store, shouldStop: () => false }, run);
 * if (outcome.status === 'committed') console.log(outcome.result.counts);
 * ```
 */
export {
  applyLifecycle,
  type LifecycleDeps,
  type LifecycleOutcome,
} from './apply-lifecycle';
export {
  athenaChangesDdl,
  athenaCurrentDdl,
  CHANGE_COLUMNS,
  CURRENT_COLUMNS,
  PLACEHOLDER_DATA_LOCATION,
} from './athena';
export { changePartsInStore, readChangesManifest } from './commit';
export { APPLIED_RUNS_KEPT, CHANGE_TYPES, type ChangeType, PARTITIONS, TRACKED_FIELDS } from './constants';
export {
  FindingsPartCorruptError,
  LifecycleContendedError,
  LifecycleStateCorruptError,
} from './errors';
export { applyRow, compareObservations } from './finding-state';
export {
  CURRENT_LIST_KEY,
  changesCommittedKey,
  changesRunPrefix,
  LIFECYCLE_ROOT_KEY,
  partitionStateKey,
} from './layout';
export type { LifecycleRunInfo } from './lifecycle-run';
export { readPartitionStates } from './partition-objects';
export {
  LifecycleRebuildConflictError,
  type RebuildDeps,
  type RebuildOutcome,
  type RebuildProgress,
  rebuildLifecycle,
} from './rebuild';
export {
  committedFindingsRuns,
  compareRuns,
  FindingsManifestInvalidError,
  type KeyLister,
} from './rebuild-runs';
export { readRoot } from './root';
export {
  type ChangeCounts,
  type ChangesManifest,
  changesManifestSchema,
  type FindingState,
  type LifecycleResult,
  type LifecycleRoot,
  lifecycleResultSchema,
} from './schema';
export { type LifecycleWork, lifecycleWorkSchema } from './work';
