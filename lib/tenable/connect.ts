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
}

export interface ScClientDeps {
  keys: ScApiKeys | KeyProvider;
  logger?: LogSink;
  /** Receives each exchange's latency, retries and errors ({@link recordAttempt}). */
  metrics?: Metrics;
}

/**
 * The SC client every Lambda and CLI command uses, built from a connection and its keys.
 *
 * @example
 * ```ts
 * const sc = createScClient(config.sc, { keys, logger, metrics });
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
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    ...(metrics === undefined ? {} : { onAttempt: (attempt) => recordAttempt(metrics, attempt) }),
  });
}

/**
 * SC's request metrics, recorded only here: the latency of every exchange, each retry, and each
 * failed exchange by its error code.
 */
export function recordAttempt(metrics: Metrics, attempt: AttemptInfo): void {
  metrics.addMetric('ScRequestLatency', 'Milliseconds', attempt.durationMs);
  if (attempt.outcome === 'retry') metrics.addMetric('ScRetries', 'Count', 1);
  if (attempt.code !== undefined) metrics.addMetric('ScErrors', 'Count', 1, { code: attempt.code });
}
