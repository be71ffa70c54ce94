import type * as z from 'zod/mini';
import { DEFAULT_PLUGIN_OUTPUT_MAX_BYTES, MAX_PLUGIN_OUTPUT_MAX_BYTES } from '#lib/findings';
import { DATASETS, DEFAULT_WAS_FINDINGS } from '#lib/product';
import { DEFAULT_KEY_TTL_MS } from '#lib/secrets';
import { DEFAULT_MAX_PAGE_BYTES, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '#lib/tenable';
import {
  AWS_REGION,
  BUCKET_NAME,
  EVENT_BUS,
  EXTERNAL_ID,
  IAM_ROLE_ARN,
  KMS_KEY_ARN,
  SECRET_ARN,
  SECURITY_LAKE_ACCOUNT,
  SECURITY_LAKE_SOURCE,
} from './rules';
import {
  datasetList,
  flag,
  integer,
  keyPrefix,
  matching,
  ocsfOutput,
  ocsfVersion,
  repositoryIds,
  scUrl,
  securityHubOutput,
  type TextSchema,
  text,
  wasFindings,
} from './schemas';

/** The Lambdas, by the names their folders, services and log groups use. */
export const LAMBDAS = ['validate-keys', 'pull-analysis', 'forward-results'] as const;
export type LambdaName = (typeof LAMBDAS)[number];

/** One environment variable of the Lambdas. */
export interface ConfigVariable<T = unknown> {
  /** Parses the value (trimmed; empty counts as unset). */
  schema: TextSchema<T>;
  /** Unset means an error. */
  required?: true;
  /** Unset means this, spelled as the environment would; without it (and not required) unset means no value. */
  default?: string;
  /** A good value, shown in every error about the variable. */
  example: string;
  readBy: readonly LambdaName[];
  /** The serverless.yml parameter that sets it; `params.default` holds the same default (a test checks). */
  param: string;
  /** The `sc2aws export` flag that sets the same thing; its default and help text follow this entry. */
  flag?: string;
  /** The `sc2aws deliver` flag that sets the same thing, held to this entry as `flag` is. */
  deliverFlag?: string;
  /** Whole numbers: the bounds, which the CLI flag shares. */
  range?: { min: number; max: number };
  description: string;
}

const SC: LambdaName[] = ['validate-keys', 'pull-analysis'];
const OUTPUT: LambdaName[] = ['pull-analysis', 'forward-results'];
const ALL: LambdaName[] = [...LAMBDAS];

/**
 * Every setting of the Lambdas, once: the loaders (./index.ts) read them from here, and tests hold
 * the CLI's flags and help, serverless.yml's parameters, infra/derived.cjs and the README to it.
 */
export const CONFIG_VARIABLES = {
  SC_CONSOLES: {
    schema: text,
    example:
      '[{"id":"emea","url":"https://sc-emea.example.com","secretArn":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/prod/emea/sc-keys-AbCdEf"}]',
    readBy: ALL,
    param: 'consoles',
    description:
      'the SC consoles of the deployment, a JSON list (README "Several SC consoles"); each entry `id`, `url`, `secretArn` and optionally `caBundle`, `datasets`, `pageSize`, `severityFloor`. Unset: one console, `default`, from SC_URL, SC_SECRET_ARN, SC_CA_BUNDLE, DATASETS, PAGE_SIZE and SEVERITY_FLOOR',
  },
  SC_URL: {
    schema: scUrl,
    required: true,
    example: 'https://sc.example.com',
    readBy: SC,
    param: 'scUrl',
    description: 'SC base address, `https://`',
  },
  SC_SECRET_ARN: {
    schema: matching(SECRET_ARN, 120),
    required: true,
    example: SECRET_ARN.example,
    readBy: SC,
    param: 'secretArn',
    description: 'full ARN of the secret holding `accesskey=…; secretkey=…;`',
  },
  SC_CA_BUNDLE: {
    schema: text,
    example: 'certs/sc-ca.pem',
    readBy: SC,
    param: 'caBundle',
    description: "SC's CA: inline PEM, or a file path relative to the function root (default: system CAs)",
  },
  SC_INSECURE_SKIP_TLS_VERIFY: {
    schema: flag,
    default: 'false',
    example: 'false',
    readBy: SC,
    param: 'insecureSkipTlsVerify',
    description:
      '`true/false/1/0/yes/no/on/off`; `true` skips certificate checks (warned about on every run)',
  },
  SC_KEY_CACHE_TTL_SECONDS: {
    ...integer(0, 3600),
    default: String(DEFAULT_KEY_TTL_MS / 1000),
    example: '300',
    readBy: SC,
    param: 'keyCacheTtlSeconds',
    description: 'how long keys read from the secret are kept; 0 reads the secret on every call',
  },
  SC_EXPECTED_USERNAME: {
    schema: text,
    example: 'svc-sc2aws',
    readBy: ['validate-keys'],
    param: 'expectedUsername',
    description: 'fail validation when the keys belong to another SC user',
  },
  // Required, like the secret and the bucket: the deployment always names the bus (its own, or
  // the one eventBusName gives), and a Lambda that quietly fell back to the default bus would
  // publish its continuations where no rule of the stack listens.
  EVENT_BUS_NAME: {
    schema: matching(EVENT_BUS, 40),
    required: true,
    example: EVENT_BUS.example,
    readBy: ALL,
    param: 'eventBusName',
    description: 'bus for the sc2aws events (name or ARN)',
  },
  DATA_BUCKET: {
    schema: matching(BUCKET_NAME),
    required: true,
    example: BUCKET_NAME.example,
    readBy: OUTPUT,
    param: 'dataBucketName',
    description: 'the S3 bucket for runs and state',
  },
  DATA_PREFIX: {
    schema: keyPrefix,
    default: 'sc2aws',
    example: 'sc2aws',
    readBy: OUTPUT,
    param: 'dataPrefix',
    description: 'key prefix inside the bucket',
  },
  KMS_KEY_ARN: {
    schema: matching(KMS_KEY_ARN),
    example: KMS_KEY_ARN.example,
    readBy: OUTPUT,
    param: 'kmsKeyArn',
    description: 'encrypt objects with this KMS key (default: SSE-S3)',
  },
  DATASETS: {
    schema: datasetList,
    default: DATASETS.join(','),
    example: DATASETS.join(','),
    readBy: ['pull-analysis'],
    param: 'datasets',
    flag: '--dataset',
    description: 'which datasets to export (`all` is all of them)',
  },
  SEVERITY_FLOOR: {
    ...integer(0, 4),
    default: '1',
    example: '1',
    readBy: ['pull-analysis'],
    param: 'severityFloor',
    flag: '--severity-floor',
    description: 'lowest severity id exported (0 Info … 4 Critical)',
  },
  REPOSITORY_IDS: {
    schema: repositoryIds,
    example: '1,3',
    readBy: ['pull-analysis'],
    param: 'repositoryIds',
    description: 'only these SC repository ids, comma-separated (default: all)',
  },
  // SC 6 serves web-application findings in cumulative vulndetails unless asked not to (reference
  // §3.1); they describe a URL, not a host, so they stay out unless asked for.
  WAS_FINDINGS: {
    schema: wasFindings,
    default: DEFAULT_WAS_FINDINGS,
    example: 'include',
    readBy: ['pull-analysis'],
    param: 'wasFindings',
    flag: '--was-findings',
    description: 'web-application-scanning findings: `exclude`, `include` or `only`',
  },
  PAGE_SIZE: {
    ...integer(100, MAX_PAGE_SIZE),
    default: String(DEFAULT_PAGE_SIZE),
    example: String(DEFAULT_PAGE_SIZE),
    readBy: ['pull-analysis'],
    param: 'pageSize',
    flag: '--page-size',
    description: 'rows per SC page',
  },
  SC_MAX_PAGE_MB: {
    ...integer(1, 512),
    default: String(DEFAULT_MAX_PAGE_BYTES / (1024 * 1024)),
    example: '64',
    readBy: ['pull-analysis'],
    param: 'maxPageMb',
    flag: '--max-page-mb',
    description: 'refuse an SC page larger than this many MiB (a proxy sending an endless body)',
  },
  OVERLAP_MINUTES: {
    ...integer(0, 7 * 24 * 60),
    default: '60',
    example: '60',
    readBy: ['pull-analysis'],
    param: 'overlapMinutes',
    description: 'how far each window reaches back before the checkpoint',
  },
  FIRST_RUN_LOOKBACK_DAYS: {
    ...integer(1, 3650),
    default: '30',
    example: '30',
    readBy: ['pull-analysis'],
    param: 'firstRunLookbackDays',
    description: "the first window's length",
  },
  PART_SIZE_MB: {
    ...integer(1, 1024),
    default: '64',
    example: '64',
    readBy: ['pull-analysis'],
    param: 'partSizeMb',
    flag: '--part-size-mb',
    description: 'raw parts roll at this many MiB uncompressed (findings part i is made from raw part i)',
  },
  TIME_GUARD_SECONDS: {
    ...integer(5, 600),
    default: '60',
    example: '60',
    readBy: OUTPUT,
    param: 'timeGuardSeconds',
    description: 'stop and hand off to a continuation when this little time is left',
  },
  MAX_INVOCATIONS_PER_RUN: {
    ...integer(1, 1000),
    default: '24',
    example: '24',
    readBy: OUTPUT,
    param: 'maxInvocationsPerRun',
    description:
      'an export or a delivery continued more often than this fails (EXPORT_INVOCATION_LIMIT, DELIVERY_INVOCATION_LIMIT) instead of chaining continuations',
  },
  DELIVERY_THREADS: {
    ...integer(0, 16),
    default: '0',
    example: '0',
    readBy: ['forward-results'],
    param: 'deliveryThreads',
    deliverFlag: '--threads',
    description:
      'threads that deliver parts side by side: 0 = one per vCPU of the memory setting (1 vCPU per 1769 MB), 1 = the calling thread only',
  },
  PLUGIN_OUTPUT_MAX_BYTES: {
    ...integer(0, MAX_PLUGIN_OUTPUT_MAX_BYTES),
    default: String(DEFAULT_PLUGIN_OUTPUT_MAX_BYTES),
    example: String(DEFAULT_PLUGIN_OUTPUT_MAX_BYTES),
    readBy: ['forward-results'],
    param: 'pluginOutputMaxBytes',
    deliverFlag: '--plugin-output-max-bytes',
    description: 'cap on `plugin_output` (UTF-8 bytes)',
  },
  // OCSF output (lib/ocsf, README "OCSF output"). The SECURITY_LAKE_* settings are required when
  // OCSF_OUTPUT is security-lake (loadForwardResultsConfig says which is missing) and unused otherwise.
  OCSF_OUTPUT: {
    schema: ocsfOutput,
    default: 'off',
    example: 'security-lake',
    readBy: ['forward-results'],
    param: 'ocsfOutput',
    description:
      '`off`; `bucket`: OCSF Parquet under `<prefix>/ocsf/` with Athena DDL; `security-lake`: also copied to the two custom sources at commit',
  },
  OCSF_VERSION: {
    schema: ocsfVersion,
    example: '1.1.0',
    readBy: ['forward-results'],
    param: 'ocsfVersion',
    description:
      "OCSF schema version of the records: `1.1.0` or `1.3.0`; unset: `1.1.0` with `security-lake` (what AWS's custom-source validator and Security Lake's own sources use), `1.3.0` with `bucket`",
  },
  SECURITY_LAKE_BUCKET: {
    schema: matching(BUCKET_NAME),
    example: 'aws-security-data-lake-eu-west-1-abc123',
    readBy: ['forward-results'],
    param: 'securityLakeBucket',
    description: "Security Lake's bucket (the custom sources' provider location)",
  },
  SECURITY_LAKE_REGION: {
    schema: matching(AWS_REGION),
    example: 'eu-west-1',
    readBy: ['forward-results'],
    param: 'securityLakeRegion',
    description: "the `region=` partition and the bucket's region",
  },
  SECURITY_LAKE_ACCOUNT_ID: {
    schema: matching(SECURITY_LAKE_ACCOUNT),
    example: '123456789012',
    readBy: ['forward-results'],
    param: 'securityLakeAccountId',
    description: 'the `accountId=` partition: the account the data is about, or `external`',
  },
  SECURITY_LAKE_EXTERNAL_ID: {
    schema: matching(EXTERNAL_ID),
    example: 'sc2aws-7f3a9c',
    readBy: ['forward-results'],
    param: 'securityLakeExternalId',
    description: 'the external id both custom sources were registered with',
  },
  SECURITY_LAKE_FINDINGS_SOURCE: {
    schema: matching(SECURITY_LAKE_SOURCE),
    example: 's3://aws-security-data-lake-eu-west-1-abc123/ext/sc2awsVulns/1.0/',
    readBy: ['forward-results'],
    param: 'securityLakeFindingsSource',
    description:
      'custom source of Vulnerability Finding (2002), findings of `vulns` and `fixed`: its `provider.location` as create-custom-log-source returned it',
  },
  SECURITY_LAKE_FINDINGS_ROLE_ARN: {
    schema: matching(IAM_ROLE_ARN, 120),
    example: IAM_ROLE_ARN.example,
    readBy: ['forward-results'],
    param: 'securityLakeFindingsRoleArn',
    description: 'provider role of the findings source (`AmazonSecurityLake-Provider-<source>-<region>`)',
  },
  SECURITY_LAKE_ASSETS_SOURCE: {
    schema: matching(SECURITY_LAKE_SOURCE),
    example: 's3://aws-security-data-lake-eu-west-1-abc123/ext/sc2awsHosts/1.0/',
    readBy: ['forward-results'],
    param: 'securityLakeAssetsSource',
    description:
      'custom source of Device Inventory Info (5001), hosts of `assets`: its `provider.location` as create-custom-log-source returned it',
  },
  SECURITY_LAKE_ASSETS_ROLE_ARN: {
    schema: matching(IAM_ROLE_ARN, 120),
    example: 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsHosts-eu-west-1',
    readBy: ['forward-results'],
    param: 'securityLakeAssetsRoleArn',
    description: 'provider role of the hosts source',
  },
  // Security Hub output (lib/securityhub, README "Security Hub").
  SECURITY_HUB_OUTPUT: {
    schema: securityHubOutput,
    default: 'off',
    example: 'on',
    readBy: ['forward-results'],
    param: 'securityHubOutput',
    description:
      "`on`: each committed change run is sent to Security Hub CSPM as ASFF (BatchImportFindings to the account's own product)",
  },
  SECURITY_HUB_SEVERITY_FLOOR: {
    ...integer(0, 4),
    default: '1',
    example: '1',
    readBy: ['forward-results'],
    param: 'securityHubSeverityFloor',
    description:
      'SC severity id below which a finding is not sent to Security Hub (0 Info … 4 Critical; default 1: Info findings cost money and are rarely triaged there)',
  },
  SECURITY_HUB_REFRESH_DAYS: {
    ...integer(1, 89),
    default: '30',
    example: '30',
    readBy: ['forward-results'],
    param: 'securityHubRefreshDays',
    description:
      'an open finding not sent to Security Hub for this many days is sent again (Security Hub deletes findings not updated for 90 days)',
  },
} as const satisfies Record<string, ConfigVariable>;

export type VariableName = keyof typeof CONFIG_VARIABLES;

/** The value a variable yields: never undefined when it is required or has a default. */
export type ValueOf<N extends VariableName> = (typeof CONFIG_VARIABLES)[N] extends
  | { required: true }
  | { default: string }
  ? z.output<(typeof CONFIG_VARIABLES)[N]['schema']>
  : z.output<(typeof CONFIG_VARIABLES)[N]['schema']> | undefined;
