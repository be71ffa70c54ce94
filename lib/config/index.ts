import { DATASETS, type Dataset } from '#lib/export';
import {
  ConfigError,
  caBundle,
  type Env,
  eventBusName,
  flag,
  integer,
  optionalString,
  requiredString,
  scUrl,
  secretArn,
} from './env';

export { ConfigError, type Env } from './env';

/**
 * The one place that reads `process.env`. Each function parses once at cold start and throws a
 * {@link ConfigError} with one readable line on a bad value.
 */

/** How every Lambda reaches SC and its keys. */
export interface ScConnectionConfig {
  url: string;
  secretArn: string;
  caBundle?: string;
  insecureSkipTlsVerify: boolean;
  keyCacheTtlMs: number;
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
export function loadScConnectionConfig(env: Env): ScConnectionConfig {
  const ca = caBundle(env, 'SC_CA_BUNDLE');
  return {
    url: scUrl(env, 'SC_URL'),
    secretArn: secretArn(env, 'SC_SECRET_ARN'),
    ...(ca === undefined ? {} : { caBundle: ca }),
    insecureSkipTlsVerify: flag(env, 'SC_INSECURE_SKIP_TLS_VERIFY', false),
    keyCacheTtlMs: integer(env, 'SC_KEY_CACHE_TTL_SECONDS', 300, 0, 3600) * 1000,
  };
}

/** Reads the validate-keys Lambda's settings. */
export function loadValidateKeysConfig(env: Env): ValidateKeysConfig {
  const expectedUsername = optionalString(env, 'SC_EXPECTED_USERNAME');
  return {
    sc: loadScConnectionConfig(env),
    ...(expectedUsername === undefined ? {} : { expectedUsername }),
    eventBusName: eventBusName(env, 'EVENT_BUS_NAME'),
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
  pageSize: number;
  overlapSeconds: number;
  lookbackSeconds: number;
  partSizeBytes: number;
  timeGuardMs: number;
}

function outputConfig(env: Env): OutputConfig {
  const bucket = requiredString(env, 'DATA_BUCKET', 'my-sc2aws-data');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigError(
      'DATA_BUCKET',
      `is not a valid S3 bucket name (got "${bucket.slice(0, 80)}")`,
      'my-sc2aws-data',
    );
  }
  const prefix = (optionalString(env, 'DATA_PREFIX') ?? 'sc2aws').replace(/^\/+|\/+$/g, '');
  const kmsKeyArn = optionalString(env, 'KMS_KEY_ARN');
  if (kmsKeyArn !== undefined && !/^arn:aws[a-z-]*:kms:/.test(kmsKeyArn)) {
    throw new ConfigError(
      'KMS_KEY_ARN',
      'must be a KMS key ARN',
      'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    );
  }
  return { bucket, prefix, ...(kmsKeyArn === undefined ? {} : { kmsKeyArn }) };
}

/** `vulns,fixed,assets` (any order, no repeats). */
export function datasetList(value: string | undefined, variable: string): Dataset[] {
  if (value === undefined || value.trim() === '' || value.trim() === 'all') return [...DATASETS];
  const names = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const bad = names.find((n) => !(DATASETS as readonly string[]).includes(n));
  if (bad !== undefined || new Set(names).size !== names.length) {
    throw new ConfigError(
      variable,
      `must list datasets from ${DATASETS.join(', ')} without repeats (got "${value.slice(0, 80)}")`,
      'vulns,fixed,assets',
    );
  }
  return names as Dataset[];
}

/** Reads the pull-analysis Lambda's settings. */
export function loadPullAnalysisConfig(env: Env): PullAnalysisConfig {
  const repos = optionalString(env, 'REPOSITORY_IDS');
  const repositoryIds = repos
    ?.split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (repositoryIds?.some((r) => !/^\d+$/.test(r))) {
    throw new ConfigError(
      'REPOSITORY_IDS',
      `must be a comma-separated list of numeric SC repository ids (got "${repos?.slice(0, 80)}")`,
      '1,3',
    );
  }
  return {
    sc: loadScConnectionConfig(env),
    output: outputConfig(env),
    eventBusName: eventBusName(env, 'EVENT_BUS_NAME'),
    datasets: datasetList(optionalString(env, 'DATASETS'), 'DATASETS'),
    severityFloor: integer(env, 'SEVERITY_FLOOR', 1, 0, 4),
    ...(repositoryIds === undefined || repositoryIds.length === 0 ? {} : { repositoryIds }),
    pageSize: integer(env, 'PAGE_SIZE', 1000, 100, 5000),
    overlapSeconds: integer(env, 'OVERLAP_MINUTES', 60, 0, 7 * 24 * 60) * 60,
    lookbackSeconds: integer(env, 'FIRST_RUN_LOOKBACK_DAYS', 30, 1, 3650) * 86400,
    partSizeBytes: integer(env, 'PART_SIZE_MB', 64, 1, 1024) * 1024 * 1024,
    timeGuardMs: integer(env, 'TIME_GUARD_SECONDS', 60, 5, 600) * 1000,
  };
}

export interface ForwardResultsConfig {
  output: OutputConfig;
  eventBusName: string;
  pluginOutputMaxBytes: number;
  partSizeBytes: number;
}

/** Reads the forward-results Lambda's settings. */
export function loadForwardResultsConfig(env: Env): ForwardResultsConfig {
  return {
    output: outputConfig(env),
    eventBusName: eventBusName(env, 'EVENT_BUS_NAME'),
    pluginOutputMaxBytes: integer(env, 'PLUGIN_OUTPUT_MAX_BYTES', 8192, 0, 1024 * 1024),
    partSizeBytes: integer(env, 'PART_SIZE_MB', 64, 1, 1024) * 1024 * 1024,
  };
}
