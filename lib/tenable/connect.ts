import type { LogSink } from '#lib/logging';
import type { Metrics } from '#lib/metrics';
import type { ScApiKeys } from '#lib/secrets';
import { ScClient } from './client';
import type { AttemptInfo, KeyProvider } from './options';

/** Where SC is and how to trust it: the Lambdas' configuration and the CLI's flags both fit. */
export interface ScConnection {
  url: string;
  /** PEM bundle of the CAs to trust for SC. */
  ca?: string;
  insecureSkipTlsVerify: boolean;
  /** Only for a loopback SC (the local simulator). */
  allowInsecureHttp?: boolean;
  /** The most an analysis page may weigh, in bytes (SC_MAX_PAGE_MB, `--max-page-mb`). */
  maxPageBytes?: number;
}

export interface ScClientDeps {
  keys: ScApiKeys | KeyProvider;
  logger?: LogSink;
  /** Receives each exchange's latency, retries and errors ({@link recordAttempt}). */
  metrics?: Metrics;
  /**
   * The invocation's time left in ms, in Lambda `() => context.getRemainingTimeInMillis()`: every
   * SC call ends a margin before it runs out (`SC_DEADLINE`). The CLI has no deadline.
   */
  remainingMs?: () => number;
}

/**
 * The SC client every Lambda and CLI command uses, built from a connection and its keys.
 *
 * @example
 * ```ts
 * const sc = createScClient(config.sc, {
 *   keys, logger, metrics, remainingMs: () => context.getRemainingTimeInMillis(),
 * });
 * try { await sc.currentUser(); } finally { await sc.close(); }
 * ```
 */
export function createScClient(connection: ScConnection, deps: ScClientDeps): ScClient {
  const { metrics } = deps;
  return new ScClient({
    url: connection.url,
    keys: deps.keys,
    ...(connection.ca === undefined ? {} : { ca: connection.ca }),
    insecureSkipTlsVerify: connection.insecureSkipTlsVerify,
    ...(connection.allowInsecureHttp === undefined
      ? {}
      : { allowInsecureHttp: connection.allowInsecureHttp }),
    ...(connection.maxPageBytes === undefined ? {} : { maxPageBytes: connection.maxPageBytes }),
    ...(deps.remainingMs === undefined ? {} : { deadline: { remainingMs: deps.remainingMs } }),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    ...(metrics === undefined ? {} : { onAttempt: (attempt) => recordAttempt(metrics, attempt) }),
  });
}

/**
 * SC's request metrics, recorded only here: the latency of every exchange, each retry, and each
 * failed exchange by its error code.
 */
function recordAttempt(metrics: Metrics, attempt: AttemptInfo): void {
  metrics.addMetric('ScRequestLatency', 'Milliseconds', attempt.durationMs);
  if (attempt.outcome === 'retry') metrics.addMetric('ScRetries', 'Count', 1);
  if (attempt.code !== undefined) metrics.addMetric('ScErrors', 'Count', 1, { code: attempt.code });
}
