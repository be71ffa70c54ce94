import { describe, expect, it } from 'vitest';
import {
  CONFIG_VARIABLES,
  ConfigError,
  type Env,
  loadForwardResultsConfig,
  loadPullAnalysisConfigs,
  loadValidateKeysConfigs,
} from '#lib/config';
import { canaryKeys, expectNoKeyMaterial } from '#support/keys';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/sc-keys-AbCdEf';
const LOADERS = {
  'validate-keys': {
    load: loadValidateKeysConfigs,
    base: { SC_URL: 'https://sc.example.com', SC_SECRET_ARN: ARN, EVENT_BUS_NAME: 'sc2aws-prod' },
  },
  'pull-analysis': {
    load: loadPullAnalysisConfigs,
    base: {
      SC_URL: 'https://sc.example.com',
      SC_SECRET_ARN: ARN,
      DATA_BUCKET: 'my-sc2aws-data',
      EVENT_BUS_NAME: 'sc2aws-prod',
    },
  },
  'forward-results': {
    load: loadForwardResultsConfig,
    base: { DATA_BUCKET: 'my-sc2aws-data', EVENT_BUS_NAME: 'sc2aws-prod' },
  },
} satisfies Record<string, { load: (env: Env) => unknown; base: Env }>;
type Fn = keyof typeof LOADERS;
const ALL: Fn[] = ['validate-keys', 'pull-analysis', 'forward-results'];
const SC: Fn[] = ['validate-keys', 'pull-analysis'];
const OUTPUT: Fn[] = ['pull-analysis', 'forward-results'];

/** Every variable the loaders read, the functions that read it, and values that must be refused. */
const BAD_VALUES: { variable: string; functions: Fn[]; values: string[] }[] = [
  {
    variable: 'SC_CONSOLES',
    functions: ALL,
    values: [
      'emea',
      '[]',
      '{"id":"emea"}',
      '[{"id":"EMEA"}]',
      '[{"id":"a"},{"id":"a"}]',
      '[{"id":"a","uri":"x"}]',
    ],
  },
  {
    variable: 'SC_URL',
    functions: SC,
    values: [
      'http://sc.example.com',
      'sc.example.com',
      'ftp://sc.example.com',
      'https://u:p@sc.example.com',
      'https://sc/?a=1',
    ],
  },
  {
    variable: 'SC_SECRET_ARN',
    functions: SC,
    values: ['sc2aws/sc-keys', 'arn:aws:s3:::bucket', 'arn:aws:secretsmanager:eu-west-1:1234:secret:x'],
  },
  { variable: 'SC_CA_BUNDLE', functions: SC, values: ['/nonexistent/ca.pem', '-----BEGIN PRIVATE KEY-----'] },
  { variable: 'SC_INSECURE_SKIP_TLS_VERIFY', functions: SC, values: ['maybe', 'ture', '2'] },
  { variable: 'SC_KEY_CACHE_TTL_SECONDS', functions: SC, values: ['-1', '3601', '5m', '1.5'] },
  { variable: 'EVENT_BUS_NAME', functions: ALL, values: ['my bus', 'bus;rm -rf', 'x'.repeat(257)] },
  { variable: 'DATA_BUCKET', functions: OUTPUT, values: ['My_Bucket', 'ab', 's3://my-bucket', '-bucket'] },
  {
    variable: 'KMS_KEY_ARN',
    functions: OUTPUT,
    values: ['alias/sc2aws', '1234abcd-12ab-34cd-56ef-1234567890ab'],
  },
  { variable: 'DATASETS', functions: ['pull-analysis'], values: ['vulns,vulns', 'findings', 'vulns;fixed'] },
  { variable: 'SEVERITY_FLOOR', functions: ['pull-analysis'], values: ['5', '-1', 'high'] },
  { variable: 'REPOSITORY_IDS', functions: ['pull-analysis'], values: ['Main', '1,two', '1;2'] },
  { variable: 'WAS_FINDINGS', functions: ['pull-analysis'], values: ['yes', 'Include', 'exclude,only'] },
  { variable: 'PAGE_SIZE', functions: ['pull-analysis'], values: ['99', '5001', '1e3', '1000.5'] },
  { variable: 'SC_MAX_PAGE_MB', functions: ['pull-analysis'], values: ['0', '513', '64MB', '1.5'] },
  { variable: 'OVERLAP_MINUTES', functions: ['pull-analysis'], values: ['-1', '10081', '1h'] },
  { variable: 'FIRST_RUN_LOOKBACK_DAYS', functions: ['pull-analysis'], values: ['0', '3651', '30d'] },
  { variable: 'PART_SIZE_MB', functions: ['pull-analysis'], values: ['0', '1025', '64MB'] },
  { variable: 'TIME_GUARD_SECONDS', functions: OUTPUT, values: ['4', '601', 'soon'] },
  { variable: 'MAX_INVOCATIONS_PER_RUN', functions: OUTPUT, values: ['0', '1001', 'many'] },
  { variable: 'DELIVERY_THREADS', functions: ['forward-results'], values: ['-1', '17', 'auto', '2.5'] },
  { variable: 'PLUGIN_OUTPUT_MAX_BYTES', functions: ['forward-results'], values: ['-1', '1048577', '8k'] },
  { variable: 'OCSF_OUTPUT', functions: ['forward-results'], values: ['on', 'Bucket', 'securitylake'] },
  { variable: 'OCSF_VERSION', functions: ['forward-results'], values: ['1.3', '1.2.0', 'v1.1.0', 'latest'] },
  { variable: 'SECURITY_LAKE_BUCKET', functions: ['forward-results'], values: ['s3://lake', 'Lake_Bucket'] },
  { variable: 'SECURITY_LAKE_REGION', functions: ['forward-results'], values: ['Ireland', 'eu-west'] },
  { variable: 'SECURITY_LAKE_ACCOUNT_ID', functions: ['forward-results'], values: ['1234', 'extern'] },
  { variable: 'SECURITY_LAKE_EXTERNAL_ID', functions: ['forward-results'], values: ['x', 'id with spaces'] },
  {
    variable: 'SECURITY_LAKE_FINDINGS_SOURCE',
    functions: ['forward-results'],
    values: ['ext/sc2aws/1.0', 'a b', 'x'.repeat(65)],
  },
  {
    variable: 'SECURITY_LAKE_FINDINGS_ROLE_ARN',
    functions: ['forward-results'],
    values: ['AmazonSecurityLake-Provider-x', 'arn:aws:iam::123:role/x'],
  },
  {
    variable: 'SECURITY_LAKE_ASSETS_SOURCE',
    functions: ['forward-results'],
    values: ['ext/hosts/1.0', 'a;b'],
  },
  {
    variable: 'SECURITY_LAKE_ASSETS_ROLE_ARN',
    functions: ['forward-results'],
    values: ['arn:aws:iam::123456789012:user/x', 'role/x'],
  },
  { variable: 'SECURITY_HUB_OUTPUT', functions: ['forward-results'], values: ['true', 'On', 'asff'] },
  { variable: 'SECURITY_HUB_SEVERITY_FLOOR', functions: ['forward-results'], values: ['-1', '5', 'low'] },
  { variable: 'SECURITY_HUB_REFRESH_DAYS', functions: ['forward-results'], values: ['0', '90', '30d'] },
];
/** Free text: any value works (a user name, a key prefix). */
const FREE_TEXT = ['SC_EXPECTED_USERNAME', 'DATA_PREFIX'];

const rows = BAD_VALUES.flatMap(({ variable, functions, values }) =>
  functions.flatMap((fn) => values.map((value) => ({ fn, variable, value }))),
);

function configErrorOf(fn: Fn, env: Env): ConfigError {
  try {
    LOADERS[fn].load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  return expect.fail(`${fn} accepted ${JSON.stringify(env)}`);
}

describe('Lambda configuration from the environment', () => {
  it('covers every variable the loaders read', () => {
    const covered = new Set([...BAD_VALUES.map((b) => b.variable), ...FREE_TEXT]);
    expect(Object.keys(CONFIG_VARIABLES).filter((v) => !covered.has(v))).toEqual([]);
  });

  it.each(rows)(
    '$fn refuses $variable=$value with one line naming the variable and a good example',
    ({ fn, variable, value }) => {
      // Act
      const err = configErrorOf(fn, { ...LOADERS[fn].base, [variable]: value });

      // Assert
      expect(err).toMatchObject({ code: 'CONFIG_INVALID', variable });
      expect(err.message.split('\n')).toHaveLength(1);
      expect(err.message.startsWith(`Configuration error: ${variable} `)).toBe(true);
      expect(err.message).toContain(`Example: ${variable}=`);
      expect(err.message.length).toBeLessThan(600);
    },
  );

  it.each(ALL.flatMap((fn) => Object.keys(LOADERS[fn].base).map((variable) => ({ fn, variable }))))(
    '$fn refuses to start without $variable',
    ({ fn, variable }) => {
      const env: Env = { ...LOADERS[fn].base, [variable]: undefined };
      expect(configErrorOf(fn, env).message).toMatch(
        new RegExp(`^Configuration error: ${variable} is not set\\.`),
      );
    },
  );

  it.each(SC)(
    '%s refuses SC_INSECURE_SKIP_TLS_VERIFY=true with SC_CA_BUNDLE set, in one line naming both and the fix',
    (fn) => {
      // Prepare: a CA given means verification is wanted; skipping it too is a contradiction.
      const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

      // Act
      const err = configErrorOf(fn, {
        ...LOADERS[fn].base,
        SC_CA_BUNDLE: ca,
        SC_INSECURE_SKIP_TLS_VERIFY: 'true',
      });

      // Assert
      expect(err).toMatchObject({ code: 'CONFIG_INVALID', variable: 'SC_INSECURE_SKIP_TLS_VERIFY' });
      expect(err.message.split('\n')).toHaveLength(1);
      expect(err.message).toMatch(/^Configuration error: SC_INSECURE_SKIP_TLS_VERIFY .*SC_CA_BUNDLE/);
      expect(err.message).toContain('keep SC_CA_BUNDLE');
      expect(err.message).toContain('Example: SC_INSECURE_SKIP_TLS_VERIFY=false');
      expect(() =>
        LOADERS[fn].load({ ...LOADERS[fn].base, SC_CA_BUNDLE: ca, SC_INSECURE_SKIP_TLS_VERIFY: 'false' }),
      ).not.toThrow();
    },
  );

  it.each(ALL)('%s treats empty strings as unset and starts on the defaults', (fn) => {
    const blank = Object.fromEntries(BAD_VALUES.map((b) => [b.variable, '  ']));
    expect(() => LOADERS[fn].load({ ...blank, ...LOADERS[fn].base })).not.toThrow();
  });

  it.each(
    BAD_VALUES.filter((b) => b.variable !== 'SC_CA_BUNDLE').flatMap(({ variable, functions }) =>
      functions.map((fn) => ({ fn, variable })),
    ),
  )('$fn never repeats API keys pasted into $variable', ({ fn, variable }) => {
    // Prepare: the secret's value where its ARN (or anything else) belongs.
    const canary = canaryKeys();

    // Act
    const err = configErrorOf(fn, { ...LOADERS[fn].base, [variable]: canary.keys.headerValue() });

    // Assert
    expectNoKeyMaterial(err.message, canary.accessKey, canary.secretKey);
  });
});
