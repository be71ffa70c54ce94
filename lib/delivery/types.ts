import { ErrorCode, Sc2awsError } from '#lib/errors';
import type { EventPublisher } from '#lib/events';
import type { LifecycleResult } from '#lib/lifecycle';
import type { LogSink } from '#lib/logging';
import type { OcsfTarget } from '#lib/ocsf';
import type { ObjectStore } from '#lib/sink';
import type { DeliveryState } from './delivery-state';
import type { PartRunner } from './part-runner';
import type { SecurityHubDelivery } from './securityhub-phase';

export interface DeliveryDeps {
  /** Where findings, rejected rows, the committed list and the delivery state go. */
  store: ObjectStore;
  /**
   * Where what every console shares lives (the Security Hub sender lease: one sender for the
   * account's limits); default `store`. The Lambda's is the data prefix; `store` is its console's.
   */
  deploymentStore?: ObjectStore;
  /** Where the raw run is read from; default `store` (the Lambda reads and writes one bucket). */
  source?: ObjectStore;
  events: EventPublisher;
  logger: LogSink;
  /** Runs the part tasks; default inline on this thread. */
  runner?: PartRunner;
  /** Milliseconds left in this invocation (Lambda's `getRemainingTimeInMillis`); absent: no limit. */
  remainingMs?: () => number;
  /** Stop at the next part boundary, as when time runs out (the CLI's Ctrl-C). */
  cancel?: AbortSignal;
  /** Also write each delivered run as OCSF Parquet (lib/ocsf; the target says the version), after its findings; absent: off. */
  ocsf?: OcsfTarget;
  /** Also send each committed change run to Security Hub (lib/securityhub); absent: off. */
  securityHub?: SecurityHubDelivery;
  /** Called after each part of each phase, for progress reports. */
  onProgress?: (progress: DeliveryProgress) => void;
  /** Names this invocation in the run's delivery lease (Lambda request id, `cli-<pid>`); default a random id. */
  owner?: string;
  /** Epoch ms, for the lease's expiry; default `Date.now`. */
  clock?: () => number;
  /** Waits between looks at a lease it waits to take over; default a timer (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliverySettings {
  pluginOutputMaxBytes: number;
  /** Stop when fewer than this many milliseconds are left, and continue in a new invocation. */
  timeGuardMs: number;
  /** A delivery that takes more invocations than this fails (DELIVERY_INVOCATION_LIMIT). */
  maxInvocations: number;
  /**
   * The lifecycle applies a run in groups of about this many uncompressed bytes (one group in
   * memory at a time; one change part per group). Default: lib/lifecycle's GROUP_TARGET_BYTES.
   */
  lifecycleGroupTargetBytes?: number;
}

export interface DeliveryProgress {
  dataset: string;
  runId: string;
  phase: DeliveryState['phase'];
  done: number;
  of: number;
}

export interface DeliveryResult {
  dataset: string;
  runId: string;
  manifest: string;
  rows: number;
  rejected: number;
  duplicates: number;
  /**
   * `vulns` and `fixed`: the run's committed changes to the finding lifecycle (what a redelivery
   * reports the same; the objects one invocation read and wrote are in the log).
   */
  changes?: Omit<LifecycleResult, 'io' | 'redone'>;
  /**
   * With OCSF output on: the committed OCSF run (its manifest's address, rows, files), and the time
   * this invocation spent making, storing and committing its files (the bench's OCSF rows/s).
   */
  ocsf?: { manifest: string; rows: number; files: number; securityLakeKeys: number; durationMs: number };
  /** With Security Hub output on, for `vulns` and `fixed`: the change run as sent (and open findings refreshed). */
  securityHub?: NonNullable<DeliveryState['securityHub']>;
}

/**
 * `delivered`: committed. `continued`: out of time, state saved, continuation published.
 * `interrupted`: cancelled, state saved. `locked`: another live invocation is delivering this run
 * (its lease, `holder`, lasts until `expiresAt`); nothing was read, written or published.
 */
export type DeliveryOutcome =
  | ({ status: 'delivered' } & DeliveryResult)
  | { status: 'locked'; dataset: string; runId: string; holder: string; expiresAt: string }
  | {
      status: 'continued' | 'interrupted';
      dataset: string;
      runId: string;
      phase: DeliveryState['phase'];
      next: number;
      invocations: number;
    };

/** A delivery took more invocations than allowed: it fails instead of continuing forever. */
export class DeliveryInvocationLimitError extends Sc2awsError {
  constructor(uri: string, invocations: number, limit: number) {
    super(
      ErrorCode.DeliveryInvocationLimit,
      `Delivering ${uri} has taken ${invocations} invocations, more than MAX_INVOCATIONS_PER_RUN (${limit}); it was stopped instead of continued again. What was delivered so far stays invisible (nothing is committed). Fix: raise maxInvocationsPerRun or the function's memory (more vCPUs deliver faster), or deliver the run with \`sc2aws deliver\`.`,
    );
  }
}
