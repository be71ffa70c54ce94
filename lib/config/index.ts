import type { Dataset, WasFindings } from '#lib/product';
import { ConfigError, caBundle, configValue, type Env } from './env';

export { ConfigError, configValue, type Env } from './env';
export { AWS_REGION, BUCKET_NAME, EVENT_BUS_NAME, KMS_KEY_ARN, SECRET_ARN, type ValueRule } from './rules';
export type { TextSchema } from './schemas';
export {
  CONFIG_VARIABLES,
  type ConfigVariable,
  LAMBDAS,
  type LambdaName,
  type ValueOf,
  type VariableName,
} from './variables';
export { deploymentVocabulary } from './vocabulary';

/**
 * The one place that reads `process.env`. Each function parses once at cold start, from the table
 * in ./variables.ts, and throws a {@link ConfigError} with one readable line on a bad value.
 */

/** How every Lambda reaches SC and its keys. */
export interface ScConnectionConfig {
  url: string;
  secretArn: string;
  /** PEM bundle of the CAs to trust for SC. */
  ca?: string;
  insecureSkipTlsVerify: boolean;
  keyCacheTtlMs: number;
  /** pull-analysis only: the most an analysis page may weigh, in bytes. */
  maxPageBytes?: number;
}

export interface ValidateKeysConfig {
  sc: ScConnectionConfig;
  /** When set, validation fails if the keys belong to another SC user. */
  expectedUsername?: string;
  eventBusName: string;
}

/**
 * Reads the SC connection settings.
 *
 * @example
 * ```ts
 * const sc = loadScConnectionConfig(process.env);
 * ```
 */
function loadScConnectionConfig(env: Env): ScConnectionConfig {
  const ca = caBundle(env);
  const insecureSkipTlsVerify = configValue(env, 'SC_INSECURE_SKIP_TLS_VERIFY');
  if (insecureSkipTlsVerify && ca !== undefined) {
    // As the CLI refuses --insecure with --ca-file: a CA given means verification is wanted.
    throw new ConfigError(
      'SC_INSECURE_SKIP_TLS_VERIFY',
      'is true while SC_CA_BUNDLE is set: the two contradict each other (fix: keep SC_CA_BUNDLE and set SC_INSECURE_SKIP_TLS_VERIFY to false)',
      'false',
    );
  }
  return {
    url: configValue(env, 'SC_URL'),
    secretArn: configValue(env, 'SC_SECRET_ARN'),
    ...(ca === undefined ? {} : { ca }),
    insecureSkipTlsVerify,
    keyCacheTtlMs: configValue(env, 'SC_KEY_CACHE_TTL_SECONDS') * 1000,
  };
}

/** Reads the validate-keys Lambda's settings. */
export function loadValidateKeysConfig(env: Env): ValidateKeysConfig {
  const expectedUsername = configValue(env, 'SC_EXPECTED_USERNAME');
  return {
    sc: loadScConnectionConfig(env),
    ...(expectedUsername === undefined ? {} : { expectedUsername }),
    eventBusName: configValue(env, 'EVENT_BUS_NAME'),
  };
}

/** Where runs land. */
export interface OutputConfig {
  bucket: string;
  prefix: string;
  kmsKeyArn?: string;
}

export interface PullAnalysisConfig {
  sc: ScConnectionConfig;
  output: OutputConfig;
  eventBusName: string;
  datasets: Dataset[];
  severityFloor: number;
  repositoryIds?: string[];
  wasFindings: WasFindings;
  pageSize: number;
  overlapSeconds: number;
  lookbackSeconds: number;
  partSizeBytes: number;
  timeGuardMs: number;
  maxInvocations: number;
}

function outputConfig(env: Env): OutputConfig {
  const bucket = configValue(env, 'DATA_BUCKET');
  const prefix = configValue(env, 'DATA_PREFIX');
  const kmsKeyArn = configValue(env, 'KMS_KEY_ARN');
  return { bucket, prefix, ...(kmsKeyArn === undefined ? {} : { kmsKeyArn }) };
}

/** Reads the pull-analysis Lambda's settings. */
export function loadPullAnalysisConfig(env: Env): PullAnalysisConfig {
  const repositoryIds = configValue(env, 'REPOSITORY_IDS');
  return {
    sc: { ...loadScConnectionConfig(env), maxPageBytes: configValue(env, 'SC_MAX_PAGE_MB') * 1024 * 1024 },
    output: outputConfig(env),
    eventBusName: configValue(env, 'EVENT_BUS_NAME'),
    datasets: configValue(env, 'DATASETS'),
    severityFloor: configValue(env, 'SEVERITY_FLOOR'),
    ...(repositoryIds === undefined || repositoryIds.length === 0 ? {} : { repositoryIds }),
    wasFindings: configValue(env, 'WAS_FINDINGS'),
    pageSize: configValue(env, 'PAGE_SIZE'),
    overlapSeconds: configValue(env, 'OVERLAP_MINUTES') * 60,
    lookbackSeconds: configValue(env, 'FIRST_RUN_LOOKBACK_DAYS') * 86400,
    partSizeBytes: configValue(env, 'PART_SIZE_MB') * 1024 * 1024,
    timeGuardMs: configValue(env, 'TIME_GUARD_SECONDS') * 1000,
    maxInvocations: configValue(env, 'MAX_INVOCATIONS_PER_RUN'),
  };
}

export interface ForwardResultsConfig {
  output: OutputConfig;
  eventBusName: string;
  pluginOutputMaxBytes: number;
  timeGuardMs: number;
  maxInvocations: number;
  /** 0: one per vCPU. */
  deliveryThreads: number;
}

/** Reads the forward-results Lambda's settings. */
export function loadForwardResultsConfig(env: Env): ForwardResultsConfig {
  return {
    output: outputConfig(env),
    eventBusName: configValue(env, 'EVENT_BUS_NAME'),
    pluginOutputMaxBytes: configValue(env, 'PLUGIN_OUTPUT_MAX_BYTES'),
    timeGuardMs: configValue(env, 'TIME_GUARD_SECONDS') * 1000,
    maxInvocations: configValue(env, 'MAX_INVOCATIONS_PER_RUN'),
    deliveryThreads: configValue(env, 'DELIVERY_THREADS'),
  };
}
