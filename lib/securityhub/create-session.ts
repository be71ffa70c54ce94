import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { EventPublisher } from '#lib/events';
import type { LogSink } from '#lib/logging';
import { type Metrics, noMetrics } from '#lib/metrics';
import type { ObjectStore } from '#lib/sink';
import type { AsffTarget } from './asff';
import { DEFAULT_REFRESH_DAYS, DEFAULT_SEVERITY_FLOOR } from './constants';
import { FindingsImporter, type ImportCall } from './import-client';
import { SentLedger } from './ledger';
import type { SecurityHubSession } from './session';
import { type Pacing, realPacing } from './token-bucket';

export interface SecurityHubSessionOptions {
  store: ObjectStore;
  /** Where progress and the ledger live; default `store`. */
  state?: ObjectStore;
  /** BatchImportFindings (`securityHubImportCall(client)`); absent with `onBatch`. */
  call?: ImportCall;
  /** Receives each batch instead of sending it (`--asff`). */
  onBatch?: (findings: AwsSecurityFinding[]) => Promise<void>;
  target: AsffTarget;
  severityFloor?: number;
  refreshDays?: number;
  logger: LogSink;
  events: EventPublisher;
  metrics?: Metrics;
  pacing?: Pacing;
  /** For the backoff's jitter; default Math.random. */
  random?: () => number;
  shouldStop?: () => boolean;
}

/**
 * A session: one ledger and one token bucket for everything sent in this invocation.
 *
 * @example
 * ```ts
 * const session = createSecurityHubSession({ store, call: securityHubImportCall(client), target, logger, events });
 * ```
 */
export function createSecurityHubSession(options: SecurityHubSessionOptions): SecurityHubSession {
  const pacing = options.pacing ?? realPacing;
  const state = options.state ?? options.store;
  const call: ImportCall =
    options.call ??
    (() => {
      throw new Error('no BatchImportFindings call given');
    });
  return {
    store: options.store,
    state,
    importer: new FindingsImporter(call, pacing, options.random),
    ledger: new SentLedger(state),
    target: options.target,
    severityFloor: options.severityFloor ?? DEFAULT_SEVERITY_FLOOR,
    refreshDays: options.refreshDays ?? DEFAULT_REFRESH_DAYS,
    logger: options.logger,
    events: options.events,
    metrics: options.metrics ?? noMetrics,
    clock: pacing.clock,
    shouldStop: options.shouldStop ?? (() => false),
    ...(options.onBatch === undefined ? {} : { onBatch: options.onBatch }),
  };
}
