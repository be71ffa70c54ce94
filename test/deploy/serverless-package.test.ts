import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetailType } from '#lib/events';
import { expectedFor, type Setup, statementsOf, WILDCARD_RESOURCE_EXCEPTIONS } from './iam-allow-list';
import {
  type CfResource,
  type CfTemplate,
  type CfValue,
  idsOfType,
  type PackageRun,
  packageService,
} from './package-service';

/**
 * The deployment as CI can check it without AWS: `serverless package` (osls, offline) with the
 * default parameters and with every optional one set, then assertions on the CloudFormation it
 * writes. The bundles come from the vitest global setup (`node scripts/build.mjs`).
 */

const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/prod/sc-keys-AbCdEf';
const OPERATOR = 'arn:aws:iam::123456789012:role/secops-operator';
const SSO_ADMINS =
  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_*';
const FINDINGS_PROVIDER = 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsVulns-eu-west-1';
const ASSETS_PROVIDER = 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsHosts-eu-west-1';
const SECURITY_LAKE_ARGS = [
  '--param=ocsfOutput=security-lake',
  '--param=securityLakeBucket=aws-security-data-lake-eu-west-1-abc123',
  '--param=securityLakeRegion=eu-west-1',
  '--param=securityLakeAccountId=123456789012',
  '--param=securityLakeExternalId=sc2aws-7f3a9c',
  '--param=securityLakeFindingsSource=sc2awsVulns',
  `--param=securityLakeFindingsRoleArn=${FINDINGS_PROVIDER}`,
  '--param=securityLakeAssetsSource=sc2awsHosts',
  `--param=securityLakeAssetsRoleArn=${ASSETS_PROVIDER}`,
];
/** Packaging needs a destination for the alarms; these runs take the explicit opt-out (stack-settings.test.ts covers the others). */
const NO_ALARM_DESTINATION = '--param=alarmsWithoutDestination=true';
const OPTIONAL_ARGS = [
  '--stage=prod',
  '--region=eu-west-1',
  '--param=scUrl=https://sc.example.com',
  `--param=secretArn=${SECRET}`,
  '--param=caBundle=certs/sc-ca.pem',
  '--param=dataBucketName=acme-sc2aws-data',
  '--param=dataPrefix=tenable/sc',
  '--param=datasets=vulns,fixed',
  `--param=kmsKeyArn=${KMS_KEY}`,
  '--param=subnetIds=subnet-0a1b2c3d,subnet-4e5f6a7b',
  '--param=securityGroupIds=sg-0a1b2c3d',
  '--param=eventBusName=sc2aws-bus',
  '--param=scheduleExpression=rate(30 minutes)',
  '--param=rotationLambdaAttached=true',
  '--param=sourceMaps=true',
  '--param=tracing=true',
  '--param=alarmEmail=secops@example.com',
  '--param=dataLagThresholdHours=3',
  ...SECURITY_LAKE_ARGS,
  '--param=securityHubOutput=on',
  '--param=securityHubSeverityFloor=2',
  '--param=securityHubRefreshDays=20',
];

const DEFAULT_SETUP: Setup = {
  secrets: [{ Ref: 'ScKeysSecret' }],
  bucket: { Ref: 'DataBucket' },
  bus: 'sc2aws-dev',
  ownBus: true,
  prefix: 'sc2aws',
  datasets: ['vulns', 'fixed', 'assets'],
};
const OPTIONAL_SETUP: Setup = {
  secrets: [SECRET],
  bucket: 'acme-sc2aws-data',
  bus: 'sc2aws-bus',
  ownBus: false,
  prefix: 'tenable/sc',
  datasets: ['vulns', 'fixed'],
  kmsKeyArn: KMS_KEY,
  vpc: { subnets: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'], securityGroups: ['sg-0a1b2c3d'] },
  tracing: true,
  ocsf: { output: 'security-lake', providerRoles: [FINDINGS_PROVIDER, ASSETS_PROVIDER] },
  securityHub: true,
};
/** kmsScheduleOff: the stack's own secret, bucket and bus, a KMS key, OCSF into the bucket only. */
const BUCKET_OCSF_SETUP: Setup = { ...DEFAULT_SETUP, kmsKeyArn: KMS_KEY, ocsf: { output: 'bucket' } };

const FUNCTIONS = {
  ValidateKeys: { dir: 'validate-keys', zip: 'validateKeys.zip', timeout: 60, memory: 256 },
  PullAnalysis: { dir: 'pull-analysis', zip: 'pullAnalysis.zip', timeout: 900, memory: 1024 },
  ForwardResults: { dir: 'forward-results', zip: 'forwardResults.zip', timeout: 900, memory: 1024 },
} as const;
type FunctionName = keyof typeof FUNCTIONS;
const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];
const ROLES = ['ForwardResultsRole', 'PullAnalysisRole', 'ValidateKeysRole'];
/** The role EventBridge assumes to copy announcements to the default bus (only with the stack's own bus). */
const FORWARDING_ROLE = 'AnnouncementsForwardingRole';
/** The events sc2aws sends itself: whoever may put them drives the pipeline. */
const INTERNAL_TRIGGERS: string[] = [
  DetailType.ExportContinuationRequested,
  DetailType.ExportCompleted,
  DetailType.DeliveryContinuationRequested,
];
/** The events consumers subscribe to (`Export Failed` ends a run that cannot finish). */
const ANNOUNCEMENTS = [
  'Findings Delivered',
  'Findings Changed',
  'Key Validation Succeeded',
  'Key Validation Failed',
  'Key Rotation Completed',
  'Export Failed',
  'Security Hub Findings Failed',
];

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });
const props = (t: CfTemplate, id: string): Record<string, CfValue> => {
  const resource: CfResource | undefined = t.Resources[id];
  if (resource === undefined) throw new Error(`resource ${id} is missing`);
  return resource.Properties;
};
const env = (t: CfTemplate, fn: FunctionName) =>
  (props(t, `${fn}LambdaFunction`).Environment as { Variables: Record<string, CfValue> }).Variables;

let work: string;
let defaults: PackageRun;
let optional: PackageRun;
let badParameter: PackageRun;
/** ocsfOutput=security-lake without the Security Lake parameters. */
let lakeWithoutRole: PackageRun;
/** kmsKeyArn with the stack's own bucket and secret, operators who may read it, and the schedule switched off. */
let kmsScheduleOff: PackageRun;
let base: CfTemplate;
let full: CfTemplate;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sc2aws-deploy-'));
  // The first run fills osls's validator cache if no other file has yet; the others reuse it (about
  // 1 s each).
  [defaults, badParameter] = await Promise.all([
    packageService(join(work, 'defaults'), [NO_ALARM_DESTINATION]),
    packageService(join(work, 'bad'), [NO_ALARM_DESTINATION, '--param=datasets=vulns,bogus']),
  ]);
  lakeWithoutRole = await packageService(join(work, 'lake-without-role'), [
    NO_ALARM_DESTINATION,
    ...SECURITY_LAKE_ARGS.filter((arg) => !arg.includes('securityLakeAssetsRoleArn')),
  ]);
  [optional, kmsScheduleOff] = await Promise.all([
    packageService(join(work, 'optional'), OPTIONAL_ARGS),
    packageService(join(work, 'kms-schedule-off'), [
      NO_ALARM_DESTINATION,
      `--param=kmsKeyArn=${KMS_KEY}`,
      `--param=secretReaderArns=${OPERATOR},${SSO_ADMINS}`,
      '--param=scheduleEnabled=false',
      '--param=ocsfOutput=bucket',
    ]),
  ]);
  for (const run of [defaults, optional, kmsScheduleOff]) {
    if (run.effective === undefined) throw new Error(`serverless package failed:\n${run.output}`);
  }
  base = defaults.effective as CfTemplate;
  full = optional.effective as CfTemplate;
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('serverless package (offline, osls)', () => {
  it('packages with the default parameters (and the alarms opted out) and with every optional parameter, without network', () => {
    expect(defaults.code, defaults.output).toBe(0);
    expect(optional.code, optional.output).toBe(0);
    expect(kmsScheduleOff.code, kmsScheduleOff.output).toBe(0);
  });

  it('stops on a bad parameter with one line naming it', () => {
    expect(badParameter.code).not.toBe(0);
    expect(badParameter.output).toContain('Parameter datasets names an unknown dataset "bogus"');
  });

  it('stops when ocsfOutput is security-lake and a Security Lake parameter is missing, naming it', () => {
    expect(lakeWithoutRole.code).not.toBe(0);
    expect(lakeWithoutRole.output).toContain(
      'Parameter securityLakeAssetsRoleArn is required when ocsfOutput is security-lake',
    );
  });

  it('ships each function as its own zip holding only its dist/functions/<name> bundle', () => {
    for (const fn of FUNCTION_NAMES) {
      const { dir, zip } = FUNCTIONS[fn];
      const names = defaults.zips[zip] ?? [];
      expect(names).toContain(`dist/functions/${dir}/index.mjs`);
      for (const name of names) expect(name.startsWith(`dist/functions/${dir}/`), name).toBe(true);
    }
  });

  it('ships every chunk the bundle imports on demand (the whole dist/functions/<name> folder)', async () => {
    for (const fn of FUNCTION_NAMES) {
      const { dir, zip } = FUNCTIONS[fn];
      const built = await readdir(join(work, 'defaults', 'service', 'dist/functions', dir));
      expect(built.some((file) => file !== 'index.mjs' && file.endsWith('.mjs'))).toBe(true);
      expect(defaults.zips[zip]).toEqual(built.map((file) => `dist/functions/${dir}/${file}`).sort());
    }
  });

  it("ships forward-results' delivery worker beside its handler, where the handler looks for it", () => {
    expect(defaults.zips['forwardResults.zip']).toContain('dist/functions/forward-results/part-worker.mjs');
  });

  it('ships the source maps with the default parameters, so sourceMaps=true needs no other build', () => {
    for (const fn of FUNCTION_NAMES) {
      const { dir, zip } = FUNCTIONS[fn];
      expect(defaults.zips[zip] ?? []).toContain(`dist/functions/${dir}/index.mjs.map`);
    }
  });
});

describe('functions', () => {
  it('deploys exactly the three functions, nodejs24.x on arm64, with their handlers, roles, timeouts and memory', () => {
    expect(idsOfType(base, 'AWS::Lambda::Function')).toEqual([
      'ForwardResultsLambdaFunction',
      'PullAnalysisLambdaFunction',
      'ValidateKeysLambdaFunction',
    ]);
    for (const fn of FUNCTION_NAMES) {
      const { dir, timeout, memory } = FUNCTIONS[fn];
      expect(props(base, `${fn}LambdaFunction`)).toMatchObject({
        FunctionName: `sc2aws-dev-${dir}`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: `dist/functions/${dir}/index.handler`,
        Timeout: timeout,
        MemorySize: memory,
        Role: getAtt(`${fn}Role`),
      });
      expect(props(full, `${fn}LambdaFunction`).FunctionName).toBe(`sc2aws-prod-${dir}`);
    }
  });

  it('gives pull-analysis two slots for its one console (its run, and one invocation that finds the lease taken)', () => {
    expect(props(base, 'PullAnalysisLambdaFunction').ReservedConcurrentExecutions).toBe(2);
    expect(props(base, 'ValidateKeysLambdaFunction').ReservedConcurrentExecutions).toBeUndefined();
    expect(props(base, 'ForwardResultsLambdaFunction').ReservedConcurrentExecutions).toBeUndefined();
  });

  it('gives every function the settings it reads, with the documented defaults', () => {
    const common = {
      SC_CONSOLES: {
        'Fn::Join': [
          '',
          [
            '[{"id":"default","url":"","secretArn":"',
            { Ref: 'ScKeysSecret' },
            '","datasets":["vulns","fixed","assets"],"pageSize":1000,"severityFloor":1}]',
          ],
        ],
      },
      SC_INSECURE_SKIP_TLS_VERIFY: 'false',
      SC_KEY_CACHE_TTL_SECONDS: '300',
      EVENT_BUS_NAME: { Ref: 'EventBus' },
      POWERTOOLS_METRICS_NAMESPACE: 'sc2aws',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--max-semi-space-size=8',
    };
    expect(env(base, 'ValidateKeys')).toEqual({
      ...common,
      POWERTOOLS_SERVICE_NAME: 'validate-keys',
      SC_EXPECTED_USERNAME: '',
    });
    expect(env(base, 'PullAnalysis')).toEqual({
      ...common,
      POWERTOOLS_SERVICE_NAME: 'pull-analysis',
      DATA_BUCKET: { Ref: 'DataBucket' },
      DATA_PREFIX: 'sc2aws',
      REPOSITORY_IDS: '',
      WAS_FINDINGS: 'exclude',
      SC_MAX_PAGE_MB: '64',
      OVERLAP_MINUTES: '60',
      FIRST_RUN_LOOKBACK_DAYS: '30',
      PART_SIZE_MB: '64',
      TIME_GUARD_SECONDS: '60',
      MAX_INVOCATIONS_PER_RUN: '24',
      KMS_KEY_ARN: '',
    });
    expect(env(base, 'ForwardResults')).toEqual({
      ...common,
      POWERTOOLS_SERVICE_NAME: 'forward-results',
      DATA_BUCKET: { Ref: 'DataBucket' },
      DATA_PREFIX: 'sc2aws',
      PLUGIN_OUTPUT_MAX_BYTES: '8192',
      TIME_GUARD_SECONDS: '60',
      MAX_INVOCATIONS_PER_RUN: '24',
      DELIVERY_THREADS: '0',
      KMS_KEY_ARN: '',
      OCSF_OUTPUT: 'off',
      OCSF_VERSION: '',
      SECURITY_LAKE_BUCKET: '',
      SECURITY_LAKE_REGION: '',
      SECURITY_LAKE_ACCOUNT_ID: '',
      SECURITY_LAKE_EXTERNAL_ID: '',
      SECURITY_LAKE_FINDINGS_SOURCE: '',
      SECURITY_LAKE_FINDINGS_ROLE_ARN: '',
      SECURITY_LAKE_ASSETS_SOURCE: '',
      SECURITY_LAKE_ASSETS_ROLE_ARN: '',
      SECURITY_HUB_OUTPUT: 'off',
      SECURITY_HUB_SEVERITY_FLOOR: '1',
      SECURITY_HUB_REFRESH_DAYS: '30',
    });
  });

  it('passes parameters through to the environment (existing secret and bucket, CA file, custom bus)', () => {
    const consoles = JSON.stringify([
      {
        id: 'default',
        url: 'https://sc.example.com',
        secretArn: SECRET,
        caBundle: 'certs/sc-ca.pem',
        datasets: ['vulns', 'fixed'],
        pageSize: 1000,
        severityFloor: 1,
      },
    ]);
    expect(env(full, 'PullAnalysis')).toMatchObject({
      SC_CONSOLES: consoles,
      EVENT_BUS_NAME: 'sc2aws-bus',
      DATA_BUCKET: 'acme-sc2aws-data',
      DATA_PREFIX: 'tenable/sc',
      KMS_KEY_ARN: KMS_KEY,
    });
    for (const fn of FUNCTION_NAMES) expect(env(full, fn).SC_CONSOLES, fn).toBe(consoles);
    expect(env(full, 'ForwardResults')).toMatchObject({
      DATA_BUCKET: 'acme-sc2aws-data',
      KMS_KEY_ARN: KMS_KEY,
      OCSF_OUTPUT: 'security-lake',
      SECURITY_LAKE_BUCKET: 'aws-security-data-lake-eu-west-1-abc123',
      SECURITY_LAKE_REGION: 'eu-west-1',
      SECURITY_LAKE_ACCOUNT_ID: '123456789012',
      SECURITY_LAKE_EXTERNAL_ID: 'sc2aws-7f3a9c',
      SECURITY_LAKE_FINDINGS_SOURCE: 'sc2awsVulns',
      SECURITY_LAKE_FINDINGS_ROLE_ARN: FINDINGS_PROVIDER,
      SECURITY_LAKE_ASSETS_SOURCE: 'sc2awsHosts',
      SECURITY_LAKE_ASSETS_ROLE_ARN: ASSETS_PROVIDER,
    });
    expect(env(kmsScheduleOff.effective as CfTemplate, 'ForwardResults').OCSF_OUTPUT).toBe('bucket');
  });

  it('bounds the young generation, and adds source-mapped stack traces only when sourceMaps is true', () => {
    for (const fn of FUNCTION_NAMES) {
      expect(env(base, fn).NODE_OPTIONS).toBe('--max-semi-space-size=8');
      expect(env(full, fn).NODE_OPTIONS).toBe('--max-semi-space-size=8 --enable-source-maps');
    }
  });

  it('attaches the functions to the VPC only when subnets and security groups are given', () => {
    for (const fn of FUNCTION_NAMES) {
      expect(props(base, `${fn}LambdaFunction`).VpcConfig).toBeUndefined();
      expect(props(full, `${fn}LambdaFunction`).VpcConfig).toEqual({
        SubnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
        SecurityGroupIds: ['sg-0a1b2c3d'],
      });
    }
  });

  it('keeps each log group with the configured retention', () => {
    for (const fn of FUNCTION_NAMES) {
      expect(props(base, `${fn}LogGroup`)).toEqual({
        LogGroupName: `/aws/lambda/sc2aws-dev-${FUNCTIONS[fn].dir}`,
        RetentionInDays: 30,
      });
    }
  });
});

describe('IAM: one least-privilege role per function', () => {
  it('has one role per function, no managed policies, and only Lambda may assume them, for this account', () => {
    expect(idsOfType(base, 'AWS::IAM::Role')).toEqual([FORWARDING_ROLE, ...ROLES]);
    expect(idsOfType(full, 'AWS::IAM::Role')).toEqual(ROLES);
    for (const t of [base, full]) {
      for (const type of [
        'AWS::IAM::Policy',
        'AWS::IAM::ManagedPolicy',
        'AWS::IAM::User',
        'AWS::IAM::Group',
      ]) {
        expect(idsOfType(t, type), type).toEqual([]);
      }
      for (const role of ROLES) {
        expect(props(t, role).ManagedPolicyArns, role).toBeUndefined();
        expect(props(t, role).AssumeRolePolicyDocument).toEqual({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        });
      }
      for (const id of idsOfType(t, 'AWS::IAM::RolePolicy')) {
        expect([...ROLES, FORWARDING_ROLE].map((r) => ({ Ref: r }))).toContainEqual(props(t, id).RoleName);
      }
    }
  });

  it.each(ROLES)('%s holds exactly the allow-listed statements with the default parameters', (role) => {
    expect(statementsOf(base, role)).toEqual(expectedFor(DEFAULT_SETUP, role));
  });

  it.each(ROLES)('%s holds exactly the allow-listed statements with every optional parameter', (role) => {
    expect(statementsOf(full, role)).toEqual(expectedFor(OPTIONAL_SETUP, role));
  });

  it('lets only EventBridge, for the copying rule of this account, assume the role that copies announcements, which may put on the default bus only', () => {
    expect(props(base, FORWARDING_ROLE).ManagedPolicyArns).toBeUndefined();
    expect(props(base, FORWARDING_ROLE).AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnEquals: {
              'aws:SourceArn': {
                'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/sc2aws-dev/sc2aws-dev-announcements-to-default-bus`,
              },
            },
          },
        },
      ],
    });
    expect(statementsOf(base, FORWARDING_ROLE)).toEqual(expectedFor(DEFAULT_SETUP, FORWARDING_ROLE));
  });

  it('grants no wildcard action, and a "*" resource only to the listed exceptions', () => {
    for (const t of [base, full]) {
      for (const role of idsOfType(t, 'AWS::IAM::Role')) {
        for (const s of statementsOf(t, role)) {
          expect(s.Effect).toBe('Allow');
          expect(Object.keys(s)).not.toContain('NotAction');
          expect(Object.keys(s)).not.toContain('NotResource');
          for (const action of s.Action as string[]) expect(action, `${role} ${s.Sid}`).not.toContain('*');
          if ((s.Resource as CfValue[]).includes('*')) {
            expect(Object.keys(WILDCARD_RESOURCE_EXCEPTIONS), `${role} ${s.Sid}`).toContain(s.Sid);
          }
        }
      }
    }
  });

  it('ForwardResultsRole may write its own ocsf/ objects with ocsfOutput=bucket, and assume no role', () => {
    expect(statementsOf(kmsScheduleOff.effective as CfTemplate, 'ForwardResultsRole')).toEqual(
      expectedFor(BUCKET_OCSF_SETUP, 'ForwardResultsRole'),
    );
  });

  it('grants sts:AssumeRole only with ocsfOutput=security-lake, and only on the two provider roles', () => {
    const assumed = (t: CfTemplate) =>
      ROLES.flatMap((r) => statementsOf(t, r)).filter((s) =>
        (s.Action as string[]).includes('sts:AssumeRole'),
      );
    expect(assumed(base)).toEqual([]);
    expect(assumed(kmsScheduleOff.effective as CfTemplate)).toEqual([]);
    expect(assumed(full).map((s) => s.Resource)).toEqual([[ASSETS_PROVIDER, FINDINGS_PROVIDER]]);
  });

  it("grants securityhub:BatchImportFindings only with securityHubOutput=on, and only on the account's own product", () => {
    const securityHub = (t: CfTemplate) =>
      ROLES.flatMap((r) => statementsOf(t, r).map((s) => ({ role: r, s }))).filter(({ s }) =>
        (s.Action as string[]).some((a) => a.startsWith('securityhub:')),
      );
    expect(securityHub(base)).toEqual([]);
    expect(securityHub(kmsScheduleOff.effective as CfTemplate)).toEqual([]);
    expect(securityHub(full).map(({ role, s }) => [role, s.Action, s.Resource])).toEqual([
      [
        'ForwardResultsRole',
        ['securityhub:BatchImportFindings'],
        [
          {
            'Fn::Sub': `arn:\${AWS::Partition}:securityhub:\${AWS::Region}:\${AWS::AccountId}:product/\${AWS::AccountId}/default`,
          },
        ],
      ],
    ]);
  });

  it('passes securityHubOutput and its settings to forward-results, off by default', () => {
    expect(env(base, 'ForwardResults')).toMatchObject({
      SECURITY_HUB_OUTPUT: 'off',
      SECURITY_HUB_SEVERITY_FLOOR: '1',
      SECURITY_HUB_REFRESH_DAYS: '30',
    });
    expect(env(full, 'ForwardResults')).toMatchObject({
      SECURITY_HUB_OUTPUT: 'on',
      SECURITY_HUB_SEVERITY_FLOOR: '2',
      SECURITY_HUB_REFRESH_DAYS: '20',
    });
  });

  it('grants KMS only when kmsKeyArn is set', () => {
    const kmsActions = (t: CfTemplate) =>
      ROLES.flatMap((r) => statementsOf(t, r)).flatMap((s) =>
        (s.Action as string[]).filter((a) => a.startsWith('kms:')),
      );
    expect(kmsActions(base)).toEqual([]);
    expect(kmsActions(full).length).toBeGreaterThan(0);
  });
});

describe('events', () => {
  const rule = (t: CfTemplate, id: string) => props(t, id);
  const target = (fn: FunctionName) => ({
    Id: FUNCTIONS[fn].dir,
    Arn: getAtt(`${fn}LambdaFunction`),
    DeadLetterConfig: { Arn: getAtt(`${fn}Dlq`) },
  });

  it('has exactly the four rules, and the announcement copy with its own bus', () => {
    const rules = [
      'ForwardResultsExportCompletedRule',
      'PullAnalysisContinuationRule',
      'PullAnalysisScheduleRule',
      'ValidateKeysSecretLabelUpdatedRule',
    ];
    expect(idsOfType(base, 'AWS::Events::Rule')).toEqual(['AnnouncementsToDefaultBusRule', ...rules]);
    expect(idsOfType(full, 'AWS::Events::Rule')).toEqual(rules);
  });

  it('starts pull-analysis for the default console on the schedule (default rate(1 hour), default bus)', () => {
    const r = rule(base, 'PullAnalysisScheduleRule');
    expect(r).toMatchObject({
      Name: 'sc2aws-dev-pull-analysis-schedule',
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [{ ...target('PullAnalysis'), Input: '{"console":"default"}' }],
    });
    expect(r.EventBusName).toBeUndefined();
    expect(rule(full, 'PullAnalysisScheduleRule').ScheduleExpression).toBe('rate(30 minutes)');
  });

  it('continues pull-analysis on "Export Continuation Requested" from sc2aws, on the sc2aws bus', () => {
    for (const [t, bus] of [
      [base, { Ref: 'EventBus' }],
      [full, 'sc2aws-bus'],
    ] as const) {
      expect(rule(t, 'PullAnalysisContinuationRule')).toMatchObject({
        EventBusName: bus,
        EventPattern: {
          source: ['sc2aws'],
          account: [{ Ref: 'AWS::AccountId' }],
          'detail-type': ['Export Continuation Requested'],
        },
        Targets: [target('PullAnalysis')],
      });
    }
  });

  it('runs forward-results on "Export Completed" and its own continuations from sc2aws, on the sc2aws bus', () => {
    for (const [t, bus] of [
      [base, { Ref: 'EventBus' }],
      [full, 'sc2aws-bus'],
    ] as const) {
      expect(rule(t, 'ForwardResultsExportCompletedRule')).toMatchObject({
        EventBusName: bus,
        EventPattern: {
          source: ['sc2aws'],
          account: [{ Ref: 'AWS::AccountId' }],
          'detail-type': ['Export Completed', 'Delivery Continuation Requested'],
        },
        Targets: [target('ForwardResults')],
      });
    }
  });

  it('runs validate-keys when AWSCURRENT moves on this secret only (default bus, native event)', () => {
    for (const [t, secret] of [
      [base, { Ref: 'ScKeysSecret' }],
      [full, SECRET],
    ] as const) {
      const r = rule(t, 'ValidateKeysSecretLabelUpdatedRule');
      expect(r.EventPattern).toEqual({
        source: ['aws.secretsmanager'],
        'detail-type': ['Secret Label Updated'],
        resources: [secret],
        detail: { labelUpdated: ['AWSCURRENT'] },
      });
      expect(r.Targets).toEqual([target('ValidateKeys')]);
      expect(r.EventBusName).toBeUndefined();
    }
  });

  it('lets each rule invoke only its own function, and Secrets Manager only for this secret and account', () => {
    const permissions = idsOfType(base, 'AWS::Lambda::Permission').map((id) => props(base, id));
    expect(permissions).toHaveLength(5);
    for (const [ruleId, fn] of [
      ['PullAnalysisScheduleRule', 'PullAnalysis'],
      ['PullAnalysisContinuationRule', 'PullAnalysis'],
      ['ForwardResultsExportCompletedRule', 'ForwardResults'],
      ['ValidateKeysSecretLabelUpdatedRule', 'ValidateKeys'],
    ] as const) {
      expect(permissions).toContainEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt(`${fn}LambdaFunction`),
        Principal: 'events.amazonaws.com',
        SourceArn: getAtt(ruleId),
      });
    }
    expect(props(base, 'ValidateKeysRotationPermission')).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt('ValidateKeysLambdaFunction'),
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: { Ref: 'ScKeysSecret' },
    });
    expect(props(full, 'ValidateKeysRotationPermission').SourceArn).toBe(SECRET);
  });

  it('puts every sc2aws rule on the sc2aws bus, matching source, detail-type and account', () => {
    for (const [t, bus] of [
      [base, { Ref: 'EventBus' }],
      [full, 'sc2aws-bus'],
    ] as const) {
      const sc2awsRules = idsOfType(t, 'AWS::Events::Rule').filter((id) =>
        JSON.stringify(rule(t, id).EventPattern ?? {}).includes('"sc2aws"'),
      );
      expect(sc2awsRules.length).toBeGreaterThanOrEqual(2);
      for (const id of sc2awsRules) {
        const pattern = rule(t, id).EventPattern as Record<string, CfValue>;
        expect(rule(t, id).EventBusName, id).toEqual(bus);
        expect(pattern.source, id).toEqual(['sc2aws']);
        expect(pattern.account, id).toEqual([{ Ref: 'AWS::AccountId' }]);
        expect((pattern['detail-type'] as string[]).length, id).toBeGreaterThan(0);
      }
    }
  });

  it('turns the schedule off with scheduleEnabled=false', () => {
    const t = kmsScheduleOff.effective as CfTemplate;
    expect(props(t, 'PullAnalysisScheduleRule').State).toBe('DISABLED');
    // No lag alarms without runs: missing data would count as breaching.
    expect(idsOfType(t, 'AWS::CloudWatch::Alarm').filter((id) => id.startsWith('DataLag'))).toEqual([]);
  });
});

describe('event bus', () => {
  it('creates its own bus, where a Deny refuses PutEvents to every principal but the three function roles', () => {
    const bus = base.Resources.EventBus as CfResource;
    expect(bus.Properties.Name).toBe('sc2aws-dev');
    expect(bus.Properties.Policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'OnlyTheSc2awsFunctionsPutEvents',
          Effect: 'Deny',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: {
            'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/sc2aws-dev`,
          },
          Condition: {
            ArnNotEquals: {
              'aws:PrincipalArn': [
                getAtt('ValidateKeysRole'),
                getAtt('PullAnalysisRole'),
                getAtt('ForwardResultsRole'),
              ],
            },
          },
        },
      ],
    });
    expect(idsOfType(base, 'AWS::Events::EventBus')).toEqual(['EventBus']);
    expect(idsOfType(base, 'AWS::Events::EventBusPolicy')).toEqual([]);
  });

  it('gives every function its bus, and names it in the outputs', () => {
    for (const fn of FUNCTION_NAMES) expect(env(base, fn).EVENT_BUS_NAME).toEqual({ Ref: 'EventBus' });
    expect(base.Outputs?.EventBusName).toMatchObject({ Value: { Ref: 'EventBus' } });
    expect(base.Outputs?.EventBusArn).toMatchObject({
      Value: {
        'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/sc2aws-dev`,
      },
    });
  });

  it('uses an existing bus by parameter and then creates no bus, no policy and no announcement copy', () => {
    expect(idsOfType(full, 'AWS::Events::EventBus')).toEqual([]);
    expect(idsOfType(full, 'AWS::Events::EventBusPolicy')).toEqual([]);
    expect(full.Resources.AnnouncementsToDefaultBusRule).toBeUndefined();
    for (const fn of FUNCTION_NAMES) expect(env(full, fn).EVENT_BUS_NAME).toBe('sc2aws-bus');
    expect(full.Outputs?.EventBusName).toMatchObject({ Value: 'sc2aws-bus' });
  });

  it('copies the announcements, and never the internal triggers, to the default bus', () => {
    const copy = props(base, 'AnnouncementsToDefaultBusRule');
    expect(copy).toMatchObject({
      EventBusName: { Ref: 'EventBus' },
      EventPattern: {
        source: ['sc2aws'],
        account: [{ Ref: 'AWS::AccountId' }],
        'detail-type': ANNOUNCEMENTS,
      },
      Targets: [
        {
          Id: 'default-bus',
          Arn: {
            'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`,
          },
          RoleArn: getAtt(FORWARDING_ROLE),
          // A copy EventBridge gave up on waits in a queue of its own, with an alarm, not dropped.
          DeadLetterConfig: { Arn: getAtt('AnnouncementsDlq') },
        },
      ],
    });
    // A new detail type is either an internal trigger or an announcement that is copied.
    for (const type of Object.values(DetailType)) {
      expect([...INTERNAL_TRIGGERS, ...ANNOUNCEMENTS], type).toContain(type);
    }
    for (const type of INTERNAL_TRIGGERS) expect(ANNOUNCEMENTS).not.toContain(type);
  });
});

describe('key secret and rotation', () => {
  it('creates the secret empty (the operator puts the keys) and keeps it when the stack goes', () => {
    const secret = base.Resources.ScKeysSecret as CfResource;
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.Properties.Name).toBe('sc2aws/dev/sc-keys');
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.Properties.GenerateSecretString).toBeUndefined();
    expect(full.Resources.ScKeysSecret).toBeUndefined();
  });

  it('lets only the functions that use the keys read the secret, and refuses public policies', () => {
    expect(props(base, 'ScKeysSecretPolicy')).toEqual({
      SecretId: { Ref: 'ScKeysSecret' },
      BlockPublicPolicy: true,
      ResourcePolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'OnlyTheSc2awsFunctionsReadTheKeys',
            Effect: 'Deny',
            Principal: '*',
            // Only reading: describing, staging, rotating and changing the policy stay with IAM.
            Action: 'secretsmanager:GetSecretValue',
            Resource: '*',
            Condition: {
              ArnNotLike: { 'aws:PrincipalArn': [getAtt('ValidateKeysRole'), getAtt('PullAnalysisRole')] },
            },
          },
        ],
      },
    });
  });

  it('adds the operators of secretReaderArns to the readers, and leaves an existing secret alone', () => {
    const t = kmsScheduleOff.effective as CfTemplate;
    const policy = props(t, 'ScKeysSecretPolicy').ResourcePolicy as { Statement: Record<string, CfValue>[] };
    expect(policy.Statement[0]?.Condition).toEqual({
      ArnNotLike: {
        'aws:PrincipalArn': [getAtt('ValidateKeysRole'), getAtt('PullAnalysisRole'), OPERATOR, SSO_ADMINS],
      },
    });
    expect(idsOfType(full, 'AWS::SecretsManager::ResourcePolicy')).toEqual([]);
  });

  it('leaves rotation detached by default', () => {
    expect(idsOfType(base, 'AWS::SecretsManager::RotationSchedule')).toEqual([]);
  });

  it('attaches validate-keys as the rotation Lambda with rotationLambdaAttached=true, without rotating at once', () => {
    const schedule = full.Resources.ScKeysRotationSchedule as CfResource;
    expect(schedule.Properties).toEqual({
      SecretId: SECRET,
      RotationLambdaARN: getAtt('ValidateKeysLambdaFunction'),
      RotateImmediatelyOnUpdate: false,
      RotationRules: { ScheduleExpression: 'rate(365 days)' },
    });
    expect(schedule.DependsOn).toEqual(['ValidateKeysRotationPermission', 'ValidateKeysKmsPolicy']);
  });
});

describe('data bucket', () => {
  it('blocks public access, enforces bucket ownership, versions objects and encrypts with AES256 by default', () => {
    const bucket = base.Resources.DataBucket as CfResource;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
  });

  it("ages each console's raw/ data (and raw/ from before consoles) and aborts incomplete multipart uploads after a day", () => {
    expect(props(base, 'DataBucket').LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'raw-data-ageing',
          Status: 'Enabled',
          Prefix: 'sc2aws/raw/',
          Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
          ExpirationInDays: 365,
        },
        {
          Id: 'raw-data-ageing-default',
          Status: 'Enabled',
          Prefix: 'sc2aws/console=default/raw/',
          Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
          ExpirationInDays: 365,
        },
        {
          Id: 'noncurrent-versions-and-incomplete-uploads',
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
    });
  });

  it('denies every request that does not use TLS', () => {
    expect(props(base, 'DataBucketPolicy')).toEqual({
      Bucket: { Ref: 'DataBucket' },
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyRequestsWithoutTls',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [getAtt('DataBucket'), { 'Fn::Sub': `\${DataBucket.Arn}/*` }],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    });
  });

  it('uses an existing bucket by parameter and then creates none', () => {
    expect(full.Resources.DataBucket).toBeUndefined();
    expect(full.Resources.DataBucketPolicy).toBeUndefined();
    expect(full.Outputs?.DataBucketName).toMatchObject({ Value: 'acme-sc2aws-data' });
  });

  it('encrypts the bucket and the secret with the KMS key (and an S3 bucket key) when kmsKeyArn is set', () => {
    const t = kmsScheduleOff.effective as CfTemplate;
    expect(props(t, 'DataBucket').BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KMS_KEY },
          BucketKeyEnabled: true,
        },
      ],
    });
    expect(props(t, 'ScKeysSecret').KmsKeyId).toBe(KMS_KEY);
    expect(props(base, 'ScKeysSecret').KmsKeyId).toBe('alias/aws/secretsmanager');
  });
});

describe('dead-letter queues', () => {
  it('has one encrypted queue per function and one for the announcement copy, keeping messages 14 days', () => {
    expect(idsOfType(base, 'AWS::SQS::Queue')).toEqual([
      'AnnouncementsDlq',
      'ForwardResultsDlq',
      'PullAnalysisDlq',
      'ValidateKeysDlq',
    ]);
    const names: Record<string, string> = {
      ...Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, FUNCTIONS[fn].dir])),
      Announcements: 'announcements',
    };
    for (const [queue, name] of Object.entries(names)) {
      expect(props(base, `${queue}Dlq`)).toEqual({
        QueueName: `sc2aws-dev-${name}-dlq`,
        MessageRetentionPeriod: 1209600,
        SqsManagedSseEnabled: true,
      });
    }
    // With an existing bus nothing is copied, so there is no copy to fail.
    expect(idsOfType(full, 'AWS::SQS::Queue')).not.toContain('AnnouncementsDlq');
  });

  it('sends failed asynchronous invocations to the function queue after two retries', () => {
    for (const fn of FUNCTION_NAMES) {
      expect(props(base, `${fn}AsyncConfig`)).toEqual({
        FunctionName: { Ref: `${fn}LambdaFunction` },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: { OnFailure: { Destination: getAtt(`${fn}Dlq`) } },
      });
    }
  });

  it('accepts dead letters only from the rules of its function (or the announcement copy), and only over TLS', () => {
    const rules: Record<string, string[]> = {
      ValidateKeys: ['ValidateKeysSecretLabelUpdatedRule'],
      PullAnalysis: ['PullAnalysisScheduleRule', 'PullAnalysisContinuationRule'],
      ForwardResults: ['ForwardResultsExportCompletedRule'],
      Announcements: ['AnnouncementsToDefaultBusRule'],
    };
    for (const fn of Object.keys(rules)) {
      expect(props(base, `${fn}DlqPolicy`)).toEqual({
        Queues: [{ Ref: `${fn}Dlq` }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'EventBridgeRuleDeadLetters',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: getAtt(`${fn}Dlq`),
              Condition: { ArnEquals: { 'aws:SourceArn': (rules[fn] ?? []).map((r) => getAtt(r)) } },
            },
            {
              Sid: 'DenyRequestsWithoutTls',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sqs:*',
              Resource: getAtt(`${fn}Dlq`),
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      });
    }
  });
});

describe('alarms', () => {
  const alarm = (t: CfTemplate, id: string) => props(t, id);
  const metric = (a: Record<string, CfValue>) => ({
    Namespace: a.Namespace,
    MetricName: a.MetricName,
    Dimensions: a.Dimensions,
    Statistic: a.Statistic,
    ComparisonOperator: a.ComparisonOperator,
    Threshold: a.Threshold,
    TreatMissingData: a.TreatMissingData,
  });

  it('notifies one SNS topic, with the email subscription only when alarmEmail is set', () => {
    for (const t of [base, full]) {
      for (const id of idsOfType(t, 'AWS::CloudWatch::Alarm')) {
        expect(alarm(t, id).AlarmActions, id).toEqual([{ Ref: 'AlarmTopic' }]);
      }
    }
    expect(idsOfType(base, 'AWS::SNS::Subscription')).toEqual([]);
    expect(props(full, 'AlarmEmailSubscription')).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: 'secops@example.com',
    });
  });

  it('alarms on any error of each function and on any message in each dead-letter queue', () => {
    for (const fn of FUNCTION_NAMES) {
      expect(metric(alarm(base, `${fn}ErrorsAlarm`))).toEqual({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${fn}LambdaFunction` } }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
      expect(metric(alarm(base, `${fn}DlqAlarm`))).toEqual({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(`${fn}Dlq`, 'QueueName') }],
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('alarms when a key validation fails', () => {
    expect(metric(alarm(base, 'KeyValidationFailedAlarm'))).toEqual({
      Namespace: 'sc2aws',
      MetricName: 'KeyValidationFailed',
      Dimensions: [{ Name: 'service', Value: 'validate-keys' }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms when the export of any dataset fails (the ExportFailed metric, summed over the datasets)', () => {
    const a = alarm(base, 'ExportFailedAlarm');
    const metrics = a.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: unknown; Stat: string };
    }[];
    expect(metrics[0]?.Expression).toBe('SUM([FILL(vulns, 0), FILL(fixed, 0), FILL(assets, 0)])');
    for (const dataset of ['vulns', 'fixed', 'assets']) {
      expect(metrics.find((m) => m.Id === dataset)?.MetricStat).toEqual({
        Metric: {
          Namespace: 'sc2aws',
          MetricName: 'ExportFailed',
          Dimensions: [
            { Name: 'service', Value: 'pull-analysis' },
            { Name: 'dataset', Value: dataset },
          ],
        },
        Period: 300,
        Stat: 'Sum',
      });
    }
    expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('alarms per exported dataset when the data lags past the threshold or stops being reported', () => {
    for (const dataset of ['vulns', 'fixed', 'assets']) {
      const a = alarm(base, `DataLag${dataset[0]?.toUpperCase()}${dataset.slice(1)}Alarm`);
      expect(metric(a)).toEqual({
        Namespace: 'sc2aws',
        MetricName: 'DataLagSeconds',
        Dimensions: [
          { Name: 'service', Value: 'pull-analysis' },
          { Name: 'dataset', Value: dataset },
        ],
        Statistic: 'Maximum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 6 * 3600,
        TreatMissingData: 'breaching',
      });
      expect(a).toMatchObject({ Period: 3600, EvaluationPeriods: 2 });
    }
    // datasets=vulns,fixed and a 3-hour threshold: no alarm for assets, which is not exported.
    expect(idsOfType(full, 'AWS::CloudWatch::Alarm').filter((id) => id.startsWith('DataLag'))).toEqual([
      'DataLagFixedAlarm',
      'DataLagVulnsAlarm',
    ]);
    expect(alarm(full, 'DataLagVulnsAlarm').Threshold).toBe(3 * 3600);
  });

  it('alarms on any announcement copy left in its dead-letter queue', () => {
    expect(metric(alarm(base, 'AnnouncementsDlqAlarm'))).toEqual({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt('AnnouncementsDlq', 'QueueName') }],
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
    expect(full.Resources.AnnouncementsDlqAlarm).toBeUndefined();
  });

  it('has exactly these alarms', () => {
    expect(idsOfType(base, 'AWS::CloudWatch::Alarm')).toEqual([
      'AnnouncementsDlqAlarm',
      'DataLagAssetsAlarm',
      'DataLagFixedAlarm',
      'DataLagVulnsAlarm',
      'ExportFailedAlarm',
      'ForwardResultsDlqAlarm',
      'ForwardResultsErrorsAlarm',
      'KeyValidationFailedAlarm',
      'PullAnalysisDlqAlarm',
      'PullAnalysisErrorsAlarm',
      'ValidateKeysDlqAlarm',
      'ValidateKeysErrorsAlarm',
    ]);
  });

  it('alarms on findings Security Hub refused only with securityHubOutput=on', () => {
    expect(idsOfType(full, 'AWS::CloudWatch::Alarm')).toContain('SecurityHubFindingsFailedAlarm');
    const metrics = props(full, 'SecurityHubFindingsFailedAlarm').Metrics as {
      MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: string }[] } };
    }[];
    expect(
      metrics.flatMap((m) =>
        m.MetricStat === undefined
          ? []
          : [[m.MetricStat.Metric.MetricName, ...m.MetricStat.Metric.Dimensions.map((d) => d.Value)]],
      ),
    ).toEqual([
      ['SecurityHubFindingsFailed', 'forward-results', 'changes'],
      ['SecurityHubFindingsFailed', 'forward-results', 'refresh'],
    ]);
  });
});
