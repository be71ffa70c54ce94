import { type Dataset, DEFAULT_OCSF_VERSION, type OcsfVersion, type WasFindings } from '#lib/product';
import { consoleEnvs, readConsole } from './consoles';
import { ConfigError, caBundle, configValue, type Env } from './env';
import { CONFIG_VARIABLES } from './variables';

export { type ConsoleEnv, consoleEnvs } from './consoles';
export { ConfigError, configValue, type Env } from './env';
export {
  AWS_REGION,
  BUCKET_NAME,
  CONSOLE_ID,
  EVENT_BUS_NAME,
  KMS_KEY_ARN,
  SECRET_ARN,
  type ValueRule,
} from './rules';
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
  /** The console whose keys these are (README "Several SC consoles"). */
  consoleId: string;
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

/** Reads the validate-keys Lambda's settings, one per console. */
export function loadValidateKeysConfigs(env: Env): ValidateKeysConfig[] {
  const consoles = consoleEnvs(env).map((entry) => ({
    consoleId: entry.id,
    sc: readConsole(entry, loadScConnectionConfig),
  }));
  const expectedUsername = configValue(env, 'SC_EXPECTED_USERNAME');
  const eventBusName = configValue(env, 'EVENT_BUS_NAME');
  return consoles.map((console) => ({
    ...console,
    ...(expectedUsername === undefined ? {} : { expectedUsername }),
    eventBusName,
  }));
}

/** Where runs land. */
export interface OutputConfig {
  bucket: string;
  prefix: string;
  kmsKeyArn?: string;
}

export interface PullAnalysisConfig {
  /** The console these settings export (README "Several SC consoles"). */
  consoleId: string;
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

/** Reads the pull-analysis Lambda's settings, one per console. */
export function loadPullAnalysisConfigs(env: Env): PullAnalysisConfig[] {
  const shared = pullAnalysisSettings(env);
  return consoleEnvs(env).map((entry) =>
    readConsole(entry, (consoleEnv) => ({
      consoleId: entry.id,
      sc: { ...loadScConnectionConfig(consoleEnv), maxPageBytes: shared.maxPageBytes },
      datasets: configValue(consoleEnv, 'DATASETS'),
      severityFloor: configValue(consoleEnv, 'SEVERITY_FLOOR'),
      pageSize: configValue(consoleEnv, 'PAGE_SIZE'),
      ...shared.settings,
    })),
  );
}

/** The settings every console of pull-analysis shares. */
function pullAnalysisSettings(env: Env) {
  const repositoryIds = configValue(env, 'REPOSITORY_IDS');
  const maxPageBytes = configValue(env, 'SC_MAX_PAGE_MB') * 1024 * 1024;
  const settings = {
    output: outputConfig(env),
    eventBusName: configValue(env, 'EVENT_BUS_NAME'),
    ...(repositoryIds === undefined || repositoryIds.length === 0 ? {} : { repositoryIds }),
    wasFindings: configValue(env, 'WAS_FINDINGS'),
    overlapSeconds: configValue(env, 'OVERLAP_MINUTES') * 60,
    lookbackSeconds: configValue(env, 'FIRST_RUN_LOOKBACK_DAYS') * 86400,
    partSizeBytes: configValue(env, 'PART_SIZE_MB') * 1024 * 1024,
    timeGuardMs: configValue(env, 'TIME_GUARD_SECONDS') * 1000,
    maxInvocations: configValue(env, 'MAX_INVOCATIONS_PER_RUN'),
  };
  return { maxPageBytes, settings };
}

/** One Security Lake custom source: its location under `ext/` (`<source>/<version>`) and provider role. */
export interface SecurityLakeSourceConfig {
  sourceName: string;
  roleArn: string;
}

/**
 * A source setting as its folder under `ext/`: `provider.location` verbatim
 * (`s3://<bucket>/ext/sc2awsVulns/1.0/` → `sc2awsVulns/1.0`), whose bucket must be the lake's, or
 * that folder as given.
 */
function sourceFolder(name: SecurityLakeVariable, value: string, lakeBucket: string): string {
  const location = /^s3:\/\/([^/]+)\/ext\/(.+?)\/?$/.exec(value);
  if (location === null) return value.replace(/\/$/, '');
  if (location[1] !== lakeBucket)
    throw new ConfigError(
      name,
      `is a location in the bucket ${location[1]}, not in SECURITY_LAKE_BUCKET (${lakeBucket}): both come from the same create-custom-log-source answers`,
      CONFIG_VARIABLES[name].example,
    );
  return location[2] as string;
}

/** Where OCSF records go (README "OCSF output"), and in which OCSF version. */
export type OcsfOutputConfig =
  | { output: 'off' }
  | { output: 'bucket'; version: OcsfVersion }
  | {
      output: 'security-lake';
      version: OcsfVersion;
      securityLake: {
        bucket: string;
        region: string;
        accountId: string;
        externalId: string;
        /** Vulnerability Finding (2002), from `vulns` and `fixed`. */
        findings: SecurityLakeSourceConfig;
        /** Device Inventory Info (5001), from `assets`. */
        assets: SecurityLakeSourceConfig;
      };
    };

export interface ForwardResultsConfig {
  /** The consoles whose runs it delivers (README "Several SC consoles"). */
  consoleIds: string[];
  output: OutputConfig;
  eventBusName: string;
  pluginOutputMaxBytes: number;
  timeGuardMs: number;
  maxInvocations: number;
  /** 0: one per vCPU. */
  deliveryThreads: number;
  ocsf: OcsfOutputConfig;
  securityHub: SecurityHubOutputConfig;
}

/** Security Hub output (README "Security Hub"): off, or on with its settings. */
export type SecurityHubOutputConfig =
  | { output: 'off' }
  | { output: 'on'; severityFloor: number; refreshDays: number };

type SecurityLakeVariable =
  | 'SECURITY_LAKE_BUCKET'
  | 'SECURITY_LAKE_REGION'
  | 'SECURITY_LAKE_ACCOUNT_ID'
  | 'SECURITY_LAKE_EXTERNAL_ID'
  | 'SECURITY_LAKE_FINDINGS_SOURCE'
  | 'SECURITY_LAKE_FINDINGS_ROLE_ARN'
  | 'SECURITY_LAKE_ASSETS_SOURCE'
  | 'SECURITY_LAKE_ASSETS_ROLE_ARN';

/**
 * The OCSF settings. OCSF_VERSION and a SECURITY_LAKE_* value that is set are checked whatever the
 * mode (a bad value fails the start, not the first commit); in security-lake mode every
 * SECURITY_LAKE_* is required. OCSF_VERSION unset: 1.1.0 for security-lake, 1.3.0 for bucket.
 */
function ocsfOutputConfig(env: Env): OcsfOutputConfig {
  const output = configValue(env, 'OCSF_OUTPUT');
  const chosenVersion = configValue(env, 'OCSF_VERSION');
  const lake = {
    bucket: configValue(env, 'SECURITY_LAKE_BUCKET'),
    region: configValue(env, 'SECURITY_LAKE_REGION'),
    accountId: configValue(env, 'SECURITY_LAKE_ACCOUNT_ID'),
    externalId: configValue(env, 'SECURITY_LAKE_EXTERNAL_ID'),
    findingsSource: configValue(env, 'SECURITY_LAKE_FINDINGS_SOURCE'),
    findingsRole: configValue(env, 'SECURITY_LAKE_FINDINGS_ROLE_ARN'),
    assetsSource: configValue(env, 'SECURITY_LAKE_ASSETS_SOURCE'),
    assetsRole: configValue(env, 'SECURITY_LAKE_ASSETS_ROLE_ARN'),
  };
  if (output === 'off') return { output };
  const version = chosenVersion ?? DEFAULT_OCSF_VERSION[output];
  if (output === 'bucket') return { output, version };
  const required = (name: SecurityLakeVariable, value: string | undefined): string => {
    if (value === undefined)
      throw new ConfigError(
        name,
        'is required when OCSF_OUTPUT is security-lake',
        CONFIG_VARIABLES[name].example,
      );
    return value;
  };
  const bucket = required('SECURITY_LAKE_BUCKET', lake.bucket);
  const source = (name: SecurityLakeVariable, value: string | undefined) =>
    sourceFolder(name, required(name, value), bucket);
  return {
    output,
    version,
    securityLake: {
      bucket,
      region: required('SECURITY_LAKE_REGION', lake.region),
      accountId: required('SECURITY_LAKE_ACCOUNT_ID', lake.accountId),
      externalId: required('SECURITY_LAKE_EXTERNAL_ID', lake.externalId),
      findings: {
        sourceName: source('SECURITY_LAKE_FINDINGS_SOURCE', lake.findingsSource),
        roleArn: required('SECURITY_LAKE_FINDINGS_ROLE_ARN', lake.findingsRole),
      },
      assets: {
        sourceName: source('SECURITY_LAKE_ASSETS_SOURCE', lake.assetsSource),
        roleArn: required('SECURITY_LAKE_ASSETS_ROLE_ARN', lake.assetsRole),
      },
    },
  };
}

/** Reads the forward-results Lambda's settings. */
export function loadForwardResultsConfig(env: Env): ForwardResultsConfig {
  return {
    // forward-results reads only the ids: a console's URL, secret and CA are pull-analysis' concern.
    consoleIds: consoleIds(env),
    output: outputConfig(env),
    eventBusName: configValue(env, 'EVENT_BUS_NAME'),
    pluginOutputMaxBytes: configValue(env, 'PLUGIN_OUTPUT_MAX_BYTES'),
    timeGuardMs: configValue(env, 'TIME_GUARD_SECONDS') * 1000,
    maxInvocations: configValue(env, 'MAX_INVOCATIONS_PER_RUN'),
    deliveryThreads: configValue(env, 'DELIVERY_THREADS'),
    ocsf: ocsfOutputConfig(env),
    securityHub: securityHubOutputConfig(env),
  };
}

/** The Security Hub settings; the floor and refresh are checked whatever the mode. */
function securityHubOutputConfig(env: Env): SecurityHubOutputConfig {
  const output = configValue(env, 'SECURITY_HUB_OUTPUT');
  const severityFloor = configValue(env, 'SECURITY_HUB_SEVERITY_FLOOR');
  const refreshDays = configValue(env, 'SECURITY_HUB_REFRESH_DAYS');
  return output === 'on' ? { output, severityFloor, refreshDays } : { output };
}

/** The consoles' ids: SC_CONSOLES' entries (checked as pull-analysis checks them), or `default`. */
function consoleIds(env: Env): string[] {
  return consoleEnvs(env).map((entry) => entry.id);
}
