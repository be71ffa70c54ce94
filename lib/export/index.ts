/** The export job: datasets, windows, checkpoints, runs (open, pump, complete), time guard and continuation. */
export {
  DATASET_SPECS,
  DATASETS,
  type Dataset,
  type DatasetSpec,
  datasetQuery,
  type QueryScope,
} from './datasets';
export { type ExportSummary, exportDatasets } from './datasets-run';
export { ExportInvocationLimitError } from './errors';
export { exportDataset } from './run';
export { exportSettings, LEASE_SECONDS, pageOverlapFor } from './settings';
export {
  ExportLockedError,
  type ExportState,
  exportStateSchema,
  type InflightRun,
  StateCorruptError,
  StateHandle,
} from './state';
export { datasetsForEvent } from './trigger';
export type { DatasetOutcome, ExportDeps, ExportSettings } from './types';
export { type ExportWindow, isoOf, nextWindow, partitionDate, runIdFor } from './window';
