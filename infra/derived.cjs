// Checks the deployment parameters and works out what CloudFormation cannot: numbers from the
// string parameters (`--param` values are strings; the config schema wants integers), the consoles
// the stack serves with each one's secret, schedule and SC_CONSOLES entry, the stack's own bucket,
// event bus and alarm topic or the given ones, who may read the secrets, the VPC setting, which KMS
// file to include, one switch per dataset for the data-lag alarms, the alarm period from the
// schedules, the data bucket's lifecycle rules, and NODE_OPTIONS from the sourceMaps switch.
// serverless.yml reads it as `${file(infra/derived.cjs):<key>}`; osls calls the exported function
// with a resolver for `param:` variables. A bad value stops `serverless package/deploy` with one
// line naming the parameter.
// The dataset list and the rules the Lambdas share (secret and KMS key ARNs, bucket and bus names)
// come from lib/config through vocabulary.json (written by scripts/vocabulary.mjs; a test keeps it
// current), so a parameter the deployment accepts is one the Lambdas accept.
// The checks themselves, the consoles and their resources, the secret readers and the IAM
// statements built from parameters live in infra/derived/.
'use strict';

const {
  datasets: KNOWN_DATASETS,
  ocsfOutputs: OCSF_OUTPUTS,
  ocsfVersions: OCSF_VERSIONS,
  securityHubOutputs: SECURITY_HUB_OUTPUTS,
  rules,
} = require('./vocabulary.json');
const {
  HOUR,
  datasetsProblem,
  fail,
  flag,
  follows,
  integer,
  matches,
  refuse,
  scheduleInterval,
} = require('./derived/checks.cjs');
const { consoles: consoleList, logicalIdSuffix } = require('./derived/consoles.cjs');
const {
  MAX_RULE_NAME,
  consoleResources,
  consolesEnvironment,
  longestRuleName,
  ownSecretName,
  secretArnOf,
} = require('./derived/console-resources.cjs');
const { dataBucketLifecycleRules } = require('./derived/data-lifecycle.cjs');
const { dataBucketLogging } = require('./derived/access-logs.cjs');
const { alarmTopicArn } = require('./derived/alarm-destination.cjs');
const { secretReaderArns } = require('./derived/secret-readers.cjs');
const { ocsfStatements, pullAnalysisObjects, vpcStatements } = require('./derived/statements.cjs');
// CloudWatch Logs accepts only these retention periods.
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
// Alarms evaluate 2 periods; CloudWatch caps periods × evaluation periods at one day.
const MAX_ALARM_PERIOD = 12 * HOUR;
// The longest name CloudFormation gives the stack's own bucket (S3's limit).
const MAX_BUCKET_NAME = 63;
/**
 * The longest ARN a secret named `name` can get: the longest partition, a 12-digit account, the
 * 6-character suffix Secrets Manager adds.
 */
const secretArnLength = (name, region) =>
  `arn:aws-us-gov:secretsmanager:${region}:123456789012:secret:${name}-AbCdEf`.length;
/** The ARN of the bus named `name` in the stack's account and region. */
const busArn = (name) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${name}`,
});

module.exports = async ({ resolveVariable }) => {
  const p = async (name) => String((await resolveVariable(`param:${name}`)) ?? '').trim();

  const datasets = (await p('datasets')).split(',').map((d) => d.trim());
  const badDatasets = datasetsProblem(datasets, KNOWN_DATASETS);
  if (badDatasets !== undefined) fail('datasets', badDatasets, 'vulns,fixed');
  const schedule = await p('scheduleExpression');
  scheduleInterval('scheduleExpression', schedule);
  const pageSize = integer('pageSize', await p('pageSize'), 100, 5000, '1000');
  const severityFloor = integer('severityFloor', await p('severityFloor'), 0, 4, '1');
  follows('secretArn', await p('secretArn'), rules.secretArn);
  // The consoles this stack serves (infra/derived/consoles.cjs); the parameters above are what an
  // entry falls back to, and without the consoles parameter they make up the default console.
  const consoles = consoleList(await resolveVariable('param:consoles'), {
    single: { url: await p('scUrl'), secretArn: await p('secretArn'), caBundle: await p('caBundle') },
    defaults: { schedule, datasets, pageSize, severityFloor },
  });
  // Every dataset some console exports: the checkpoints pull-analysis may write, the lag alarms.
  const exported = KNOWN_DATASETS.filter((d) => consoles.some((c) => c.datasets.includes(d)));
  // One alarm period covers one scheduled run of the slowest console (rounded up to whole hours;
  // an hour for cron), so a single late run does not alarm but two missed periods do.
  const alarmPeriod = Math.max(
    ...consoles.map((c) => {
      const interval = scheduleInterval('schedule', c.schedule);
      return interval === undefined
        ? HOUR
        : Math.min(MAX_ALARM_PERIOD, Math.max(HOUR, Math.ceil(interval / HOUR) * HOUR));
    }),
  );

  const rotation = await p('rotationScheduleExpression');
  if (!/^(rate\(\d+ (hours|days)\)|cron\(.+\))$/.test(rotation)) {
    fail(
      'rotationScheduleExpression',
      `must be rate(<n> days) or cron(...) (got "${rotation}")`,
      'rate(365 days)',
    );
  }
  const rotationAttached = flag('rotationLambdaAttached', await p('rotationLambdaAttached'));
  const scheduleEnabled = flag('scheduleEnabled', await p('scheduleEnabled'));
  const sourceMaps = flag('sourceMaps', await p('sourceMaps'));
  const tracing = flag('tracing', await p('tracing'));

  follows('kmsKeyArn', await p('kmsKeyArn'), rules.kmsKeyArn);
  follows('dataBucketName', await p('dataBucketName'), rules.dataBucketName);
  const prefix = await p('dataPrefix');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9._-]+)*$/.test(prefix)) {
    fail('dataPrefix', `must be a key prefix without leading or trailing "/" (got "${prefix}")`, 'sc2aws');
  }
  const busName = await p('eventBusName');
  follows('eventBusName', busName, rules.eventBusName);
  const readers = secretReaderArns(await p('secretReaderArns'));
  const subnets = await p('subnetIds');
  const groups = await p('securityGroupIds');
  if ((subnets === '') !== (groups === '')) {
    fail(
      subnets === '' ? 'subnetIds' : 'securityGroupIds',
      'must be set together with the other VPC parameter',
      subnets === '' ? 'subnet-0a1b2c3d' : 'sg-0a1b2c3d',
    );
  }
  matches(
    'subnetIds',
    subnets,
    /^subnet-[0-9a-f]+(,subnet-[0-9a-f]+)*$/,
    'must be subnet ids separated by commas',
    'subnet-0a1b2c3d,subnet-4e5f6a7b',
  );
  matches(
    'securityGroupIds',
    groups,
    /^sg-[0-9a-f]+(,sg-[0-9a-f]+)*$/,
    'must be security group ids separated by commas',
    'sg-0a1b2c3d',
  );

  const transition = integer('rawTransitionDays', await p('rawTransitionDays'), 0, 36500, '30');
  const expiration = integer('rawExpirationDays', await p('rawExpirationDays'), 0, 36500, '365');
  if (transition !== 0 && transition < 30) {
    fail(
      'rawTransitionDays',
      `must be 0 (no transition) or at least 30, S3's minimum for STANDARD_IA (got "${transition}")`,
      '30',
    );
  }
  if (transition !== 0 && expiration !== 0 && expiration <= transition) {
    fail(
      'rawExpirationDays',
      `must be greater than rawTransitionDays (${transition}) or 0 (got "${expiration}")`,
      '365',
    );
  }
  const noncurrentDays = integer(
    'noncurrentVersionExpirationDays',
    await p('noncurrentVersionExpirationDays'),
    1,
    36500,
    '30',
  );

  const retention = integer('logRetentionDays', await p('logRetentionDays'), 1, 3653, '30');
  if (!LOG_RETENTION_DAYS.includes(retention)) {
    fail('logRetentionDays', `must be one of ${LOG_RETENTION_DAYS.join(', ')} (got "${retention}")`, '30');
  }

  const lagHours = integer('dataLagThresholdHours', await p('dataLagThresholdHours'), 1, 8760, '6');
  const memory = async (name, example) => integer(name, await p(name), 128, 10240, example);
  const validateKeysMemorySize = await memory('validateKeysMemorySize', '256');
  const pullAnalysisMemorySize = await memory('pullAnalysisMemorySize', '1024');
  const forwardResultsMemorySize = await memory('forwardResultsMemorySize', '1024');
  const bucket = await p('dataBucketName');
  const kmsKeyArn = await p('kmsKeyArn');
  // OCSF output: security-lake needs every Security Lake parameter; the others leave them unused.
  const ocsfOutput = await p('ocsfOutput');
  if (!OCSF_OUTPUTS.includes(ocsfOutput)) {
    fail('ocsfOutput', `must be one of ${OCSF_OUTPUTS.join(', ')} (got "${ocsfOutput}")`, 'security-lake');
  }
  const ocsfVersion = await p('ocsfVersion');
  if (ocsfVersion !== '' && !OCSF_VERSIONS.includes(ocsfVersion)) {
    fail(
      'ocsfVersion',
      `must be one of ${OCSF_VERSIONS.join(', ')}, or empty (got "${ocsfVersion}")`,
      '1.1.0',
    );
  }
  const lake = ocsfOutput === 'security-lake';
  const lakeParams = [
    ['securityLakeBucket', rules.dataBucketName],
    ['securityLakeRegion', rules.awsRegion],
    ['securityLakeAccountId', rules.securityLakeAccount],
    ['securityLakeExternalId', rules.externalId],
    ['securityLakeFindingsSource', rules.securityLakeSource],
    ['securityLakeFindingsRoleArn', rules.iamRoleArn],
    ['securityLakeAssetsSource', rules.securityLakeSource],
    ['securityLakeAssetsRoleArn', rules.iamRoleArn],
  ];
  const lakeValues = {};
  for (const [name, rule] of lakeParams) {
    lakeValues[name] = await p(name);
    if (lake && lakeValues[name] === '')
      fail(name, 'is required when ocsfOutput is security-lake', rule.example);
    follows(name, lakeValues[name], rule);
  }
  // A source given as its provider.location must lie in the lake bucket, as the Lambda checks.
  for (const name of ['securityLakeFindingsSource', 'securityLakeAssetsSource']) {
    const bucketOf = /^s3:\/\/([^/]+)\//.exec(lakeValues[name])?.[1];
    const lakeBucket = lakeValues.securityLakeBucket;
    if (bucketOf !== undefined && lakeBucket !== '' && bucketOf !== lakeBucket)
      fail(
        name,
        `is a location in the bucket ${bucketOf}, not in securityLakeBucket (${lakeBucket})`,
        rules.securityLakeSource.example,
      );
  }

  // Security Hub output (README "Security Hub"): on or off, with its floor and refresh checked either way.
  const securityHubOutput = await p('securityHubOutput');
  if (!SECURITY_HUB_OUTPUTS.includes(securityHubOutput)) {
    fail(
      'securityHubOutput',
      `must be one of ${SECURITY_HUB_OUTPUTS.join(', ')} (got "${securityHubOutput}")`,
      'on',
    );
  }
  integer('securityHubSeverityFloor', await p('securityHubSeverityFloor'), 0, 4, '1');
  integer('securityHubRefreshDays', await p('securityHubRefreshDays'), 1, 89, '30');

  const logging = dataBucketLogging(await p('dataBucketAccessLogs'), { dataBucketName: bucket });

  // Last, so a bad value of another parameter is named before a missing destination.
  const alarmTopic = alarmTopicArn({
    alarmEmail: await p('alarmEmail'),
    alarmTopicArn: await p('alarmTopicArn'),
    alarmsWithoutDestination: await p('alarmsWithoutDestination'),
  });

  const ownOrGivenBucket = bucket === '' ? { Ref: 'DataBucket' } : bucket;
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const region = await resolveVariable('self:provider.region');
  // The stack's own bus is named like its functions: <service>-<stage>.
  const ownBusName = `${service}-${stage}`;
  const ruleName = longestRuleName(consoles, { service, stage });
  if (ruleName.length > MAX_RULE_NAME) {
    refuse(
      `The schedule rule ${ruleName} would be longer than EventBridge's ${MAX_RULE_NAME} characters: ` +
        'shorten that console id in the consoles parameter (or the stage name).',
    );
  }
  const secretReaders = [
    { 'Fn::GetAtt': ['ValidateKeysRole', 'Arn'] },
    { 'Fn::GetAtt': ['PullAnalysisRole', 'Arn'] },
    ...readers,
  ];
  const secretKmsKeyId = kmsKeyArn === '' ? 'alias/aws/secretsmanager' : kmsKeyArn;

  // Values are chosen here rather than with Fn::If, so the template holds no dead branch with an
  // empty ARN (template linters such as cfn-lint reject those even where a condition is false).
  return {
    // Per console (infra/derived/console-resources.cjs): secrets, rotation, schedules, outputs.
    consoleResources: consoleResources(consoles, {
      service,
      stage,
      scheduleState: scheduleEnabled ? 'ENABLED' : 'DISABLED',
      rotationAttached,
      rotationSchedule: rotation,
      kmsKey: kmsKeyArn !== '',
      secretKmsKeyId,
      secretReaders,
    }),
    // Every console's secret: what validate-keys and pull-analysis may read and the Secret Label
    // Updated rule matches.
    consoleSecretArns: consoles.map(secretArnOf),
    // The rules that may send pull-analysis' dead letters: every console's schedule and the
    // continuation rule.
    pullAnalysisRuleArns: [
      ...consoles.map((c) => ({ 'Fn::GetAtt': [`PullAnalysisScheduleRule${logicalIdSuffix(c.id)}`, 'Arn'] })),
      { 'Fn::GetAtt': ['PullAnalysisContinuationRule', 'Arn'] },
    ],
    // SC_CONSOLES, every function's view of the consoles.
    consolesEnvironment: consolesEnvironment(consoles),
    // One export per console holding its lease, plus room for one more invocation per console that
    // finds the lease taken and returns "locked": a console whose run hangs never takes another
    // console's slot.
    pullAnalysisReservedConcurrency: 2 * consoles.length,
    // How long each Ref in the environment can get once deployed, for the 4 KB check
    // (infra/derived/environment-size.cjs).
    environmentRefLengths: {
      DataBucket: MAX_BUCKET_NAME,
      EventBus: ownBusName.length,
      ...Object.fromEntries(
        consoles
          .filter((c) => c.secretArn === '')
          .map((c) => [secretArnOf(c).Ref, secretArnLength(ownSecretName(c, { service, stage }), region)]),
      ),
    },
    consoleCount: consoles.length,
    dataBucketName: ownOrGivenBucket,
    // IAM statements and resources built from the parameters (infra/roles.yml).
    pullAnalysisObjects: pullAnalysisObjects({ bucket: ownOrGivenBucket, prefix, datasets: exported }),
    vpcStatements: vpcStatements({
      subnets: subnets === '' ? [] : subnets.split(','),
      securityGroups: groups === '' ? [] : groups.split(','),
    }),
    // forward-results' OCSF statements (infra/roles.yml, under the WritesOcsf condition).
    ocsfStatements: ocsfStatements({
      bucket: ownOrGivenBucket,
      prefix,
      providerRoles: lake
        ? [lakeValues.securityLakeFindingsRoleArn, lakeValues.securityLakeAssetsRoleArn]
        : undefined,
    }),
    // The roles' PutEvents statements and the bus policy name the bus ARN spelled out, not with
    // Fn::GetAtt: the bus policy names the roles, so a GetAtt back to the bus would be a cycle.
    eventBusName: busName === '' ? { Ref: 'EventBus' } : busName,
    eventBusArn: busArn(busName === '' ? ownBusName : busName),
    alarmTopicArn: alarmTopic,
    dataBucketLogging: logging,
    dataBucketEncryption:
      kmsKeyArn === ''
        ? { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }
        : {
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKeyArn },
            BucketKeyEnabled: true, // fewer KMS requests (and costs) for many small objects
          },
    // The KMS statements (infra/kms-policies.yml) exist only with a key; without one the include
    // resolves to a file with no resources.
    kmsPoliciesFile: kmsKeyArn === '' ? 'no-kms-key.yml' : 'kms-policies.yml',
    vpc: subnets === '' ? false : { subnetIds: subnets.split(','), securityGroupIds: groups.split(',') },
    validateKeysMemorySize,
    pullAnalysisMemorySize,
    forwardResultsMemorySize,
    logRetentionDays: retention,
    tracing,
    // V8 sizes its young generation to the machine: on Node 24 it grows to 64 MiB semi-spaces and
    // a 1M-row export peaked at 320 MB. 8 MiB bounds it (1M rows at ~125 MB, no slower; issue 9).
    // Source-mapped stack traces cost every cold start the parse of the .map files.
    nodeOptions: ['--max-semi-space-size=8', ...(sourceMaps ? ['--enable-source-maps'] : [])].join(' '),
    noncurrentVersionExpirationDays: noncurrentDays,
    dataBucketLifecycleRules: dataBucketLifecycleRules({
      prefix,
      consoleIds: consoles.map((c) => c.id),
      transition,
      expiration,
      noncurrentDays,
    }),
    dataLagThresholdSeconds: lagHours * HOUR,
    dataLagAlarmPeriodSeconds: alarmPeriod,
    // 'true' / 'false' strings (CloudFormation conditions compare them with Fn::Equals). No lag
    // alarms while the schedule is off: nothing would report, and missing data counts as breaching.
    dataLagAlarm: Object.fromEntries(
      KNOWN_DATASETS.map((d) => [d, String(scheduleEnabled && exported.includes(d))]),
    ),
  };
};
