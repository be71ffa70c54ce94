/** The export job: datasets, windows, checkpoints, drift-safe paging, time guard and continuation. */
export {
  DATASET_SPECS,
  DATASETS,
  type Dataset,
  type DatasetSpec,
  datasetQuery,
  type QueryScope,
} from './datasets';
export { type ExportSummary, exportDatasets } from './datasets-run';
export { identityTag, rowIdentity, rowTextIdentity } from './identity';
export {
  type DatasetOutcome,
  type ExportDeps,
  type ExportMetrics,
  type ExportSettings,
  exportDataset,
} from './run';
export { exportSettings, LEASE_SECONDS, pageOverlapFor } from './settings';
export {
  DEFAULT_READ_AHEAD,
  type FetchRows,
  type PageCursor,
  START_CURSOR,
  type StablePage,
  stablePages,
} from './stable-pager';
export {
  ExportLockedError,
  type ExportState,
  type InflightRun,
  StateCorruptError,
  StateHandle,
} from './state';
export { datasetsForEvent } from './trigger';
export { type ExportWindow, isoOf, nextWindow, partitionDate, runIdFor } from './window';
