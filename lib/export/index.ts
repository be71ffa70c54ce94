/** The export job: datasets, windows, checkpoints, runs (open, pump, complete), time guard and continuation. */
export { DATASETS, type Dataset, type DatasetSpec, type QueryScope } from './datasets';
export { type ExportSummary, exportDatasets } from './datasets-run';
export { ExportInvocationLimitError } from './errors';
export { exportDataset } from './run';
export { exportSettings } from './settings';
export {
  ExportLockedError,
  type ExportState,
  exportStateSchema,
  type InflightRun,
  StateCorruptError,
  StateHandle,
} from './state';
export { type ExportConsole, type ExportRequest, exportRequestOf } from './trigger';
export type { DatasetOutcome, ExportDeps, ExportSettings } from './types';
export { type ExportWindow, isoOf } from './window';
