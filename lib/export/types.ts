import type { EventPublisher } from '#lib/events';
import type { LogSink } from '#lib/logging';
import type { Metrics } from '#lib/metrics';
import type { ObjectStore } from '#lib/sink';
import type { ScClient } from '#lib/tenable';
import type { Dataset, QueryScope } from './datasets';

/** How exports run; every field comes from configuration (lib/config) or the CLI flags. */
export interface ExportSettings extends QueryScope {
  pageSize: number;
  /** Rows re-read at each page boundary against offset drift. */
  pageOverlapRows: number;
  overlapSeconds: number;
  lookbackSeconds: number;
  partSizeBytes: number;
  /** Stop starting new pages when less than this remains before the deadline. */
  timeGuardMs: number;
  leaseSeconds: number;
  /**
   * Invocations one run may take, the first included: a bound on continuation chains (a run that
   * cannot finish fails instead of continuing forever). Infinity for the CLI, which does not chain.
   */
  maxInvocations: number;
  /** Start a new run's window here (epoch seconds) instead of at the checkpoint (CLI `--since`). */
  since?: number;
}

export interface ExportDeps {
  sc: ScClient;
  /** The console `sc` is (README "Several SC consoles"); its runs' manifests name it. Default `default`. */
  consoleId?: string;
  store: ObjectStore;
  events: EventPublisher;
  /** Each value carries its dataset as a dimension. */
  metrics: Metrics;
  logger: LogSink;
  /** Epoch ms. */
  clock: () => number;
  /** Milliseconds left before the invocation's deadline (Infinity outside Lambda). */
  remainingMs: () => number;
  /** Identifies this invocation in the lease. */
  owner: string;
  /**
   * Stops the export at the next safe point (Ctrl-C in the CLI): the page in flight is abandoned,
   * the written rows are stored as a part and the cursor recorded, and the run is `interrupted`.
   */
  cancel?: AbortSignal;
  /** Called after every page (the CLI shows progress with it). */
  onProgress?: (progress: { dataset: Dataset; rows: number; pages: number; totalHint?: number }) => void;
}

export type DatasetOutcome =
  | { dataset: Dataset; status: 'completed'; runId: string; rows: number; parts: number; manifest: string }
  | { dataset: Dataset; status: 'continued'; runId: string; rows: number }
  | { dataset: Dataset; status: 'interrupted'; runId: string; rows: number }
  | { dataset: Dataset; status: 'locked' };
