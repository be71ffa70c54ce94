import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementsOf } from './iam-allow-list';
import { type CfTemplate, type CfValue, idsOfType, type PackageRun, packageService } from './package-service';

/**
 * The settings that decide who hears the alarms and how the stack's own resources are kept, as
 * `serverless package` (osls, offline) writes them. serverless-package.test.ts covers the rest of
 * the template.
 */

const ALARM_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:secops-alarms';
const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const FUNCTIONS = ['ValidateKeys', 'PullAnalysis', 'ForwardResults'];
const OPT_OUT = '--param=alarmsWithoutDestination=true';
/** The documented SSO pattern: one permission set's role-name prefix followed by `*`. */
const SSO_AUDITORS =
  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecurityAudit_*';

let work: string;
/** No alarm destination at all: refused. */
let noDestination: PackageRun;
/** alarmsWithoutDestination=true: the stack's own topic, nobody subscribed; SSO auditors read the keys. */
let optOut: PackageRun;
/** secretReaderArns naming every role of the account: refused. */
let everyRole: PackageRun;
/** alarmEmail: the stack's own topic and the address subscribed to it. */
let email: PackageRun;
/** alarmTopicArn: an existing topic instead of the stack's own; also tracing, access logs and a KMS key. */
let topic: PackageRun;

const effective = (run: PackageRun): CfTemplate => {
  if (run.effective === undefined) throw new Error(`serverless package failed:\n${run.output}`);
  return run.effective;
};
const props = (t: CfTemplate, id: string): Record<string, CfValue> => {
  const resource = t.Resources[id];
  if (resource === undefined) throw new Error(`resource ${id} is missing`);
  return resource.Properties;
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sc2aws-settings-'));
  // The first run fills osls's validator cache if no other file has yet; the others reuse it.
  noDestination = await packageService(join(work, 'no-destination'), []);
  [optOut, email] = await Promise.all([
    packageService(join(work, 'opt-out'), [OPT_OUT, `--param=secretReaderArns=${SSO_AUDITORS}`]),
    packageService(join(work, 'email'), ['--param=alarmEmail=secops@example.com']),
  ]);
  [topic, everyRole] = await Promise.all([
    packageService(join(work, 'topic'), [
      `--param=alarmTopicArn=${ALARM_TOPIC}`,
      '--param=tracing=true',
      '--param=dataBucketAccessLogs=acme-access-logs/s3/sc2aws',
      `--param=kmsKeyArn=${KMS_KEY}`,
    ]),
    packageService(join(work, 'every-role'), [
      OPT_OUT,
      '--param=secretReaderArns=arn:aws:iam::123456789012:role/*',
    ]),
  ]);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('alarm destination', () => {
  const alarmActions = (t: CfTemplate) =>
    idsOfType(t, 'AWS::CloudWatch::Alarm').map((id) => [id, props(t, id).AlarmActions]);

  it('refuses to package alarms that notify nobody, naming the three ways out in one line', () => {
    expect(noDestination.code).not.toBe(0);
    const line = noDestination.output.split('\n').find((l) => l.includes('alarmEmail'));
    expect(line).toMatch(/no destination/);
    expect(line).toContain('--param="alarmEmail=');
    expect(line).toContain('--param="alarmTopicArn=');
    expect(line).toContain('--param="alarmsWithoutDestination=true"');
  });

  it('with alarmEmail, subscribes the address to the stack’s own topic, which every alarm notifies', () => {
    const t = effective(email);
    expect(idsOfType(t, 'AWS::SNS::Topic')).toEqual(['AlarmTopic']);
    expect(props(t, 'AlarmEmailSubscription')).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: 'secops@example.com',
    });
    for (const [id, actions] of alarmActions(t)) expect(actions, String(id)).toEqual([{ Ref: 'AlarmTopic' }]);
  });

  it('with alarmTopicArn, creates no topic and no subscription, and every alarm notifies the given topic', () => {
    const t = effective(topic);
    expect(idsOfType(t, 'AWS::SNS::Topic')).toEqual([]);
    expect(idsOfType(t, 'AWS::SNS::Subscription')).toEqual([]);
    const actions = alarmActions(t);
    expect(actions.length).toBeGreaterThan(10);
    for (const [id, a] of actions) expect(a, String(id)).toEqual([ALARM_TOPIC]);
    expect(t.Outputs?.AlarmTopicArn).toMatchObject({ Value: ALARM_TOPIC });
  });

  it('with alarmsWithoutDestination=true, keeps the stack’s own topic for a later subscriber and subscribes nobody', () => {
    const t = effective(optOut);
    expect(idsOfType(t, 'AWS::SNS::Topic')).toEqual(['AlarmTopic']);
    expect(idsOfType(t, 'AWS::SNS::Subscription')).toEqual([]);
    for (const [id, actions] of alarmActions(t)) expect(actions, String(id)).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(t.Outputs?.AlarmTopicArn).toMatchObject({ Value: { Ref: 'AlarmTopic' } });
  });
});

describe('who may read the keys (secretReaderArns)', () => {
  it('refuses a pattern that matches every role of the account, naming it and the pattern to use', () => {
    expect(everyRole.code).not.toBe(0);
    expect(everyRole.output).toContain(
      'Parameter secretReaderArns has "arn:aws:iam::123456789012:role/*", which matches every role or user',
    );
  });

  it('adds the documented SSO pattern (a permission set’s role-name prefix and *) to the readers', () => {
    const policy = props(effective(optOut), 'ScKeysSecretPolicy').ResourcePolicy as {
      Statement: { Condition: CfValue }[];
    };
    expect(policy.Statement[0]?.Condition).toEqual({
      ArnNotLike: {
        'aws:PrincipalArn': [
          { 'Fn::GetAtt': ['ValidateKeysRole', 'Arn'] },
          { 'Fn::GetAtt': ['PullAnalysisRole', 'Arn'] },
          SSO_AUDITORS,
        ],
      },
    });
  });
});

describe('settings of the stack’s own resources', () => {
  it('versions the deployment bucket, and expires the versions its cleanups leave behind', () => {
    for (const run of [optOut, topic]) {
      // The deployment bucket is osls's own resource: it is in the template as written.
      const bucket = run.template?.Resources.ServerlessDeploymentBucket;
      expect(bucket?.Properties).toMatchObject({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'noncurrent-versions-and-incomplete-uploads',
              Status: 'Enabled',
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
          ],
        },
      });
    }
  });

  it('logs access to the data bucket into the bucket and prefix dataBucketAccessLogs names, and not by default', () => {
    expect(props(effective(topic), 'DataBucket').LoggingConfiguration).toEqual({
      DestinationBucketName: 'acme-access-logs',
      LogFilePrefix: 's3/sc2aws/',
    });
    expect(props(effective(optOut), 'DataBucket').LoggingConfiguration).toBeUndefined();
  });

  it('encrypts the three log groups with the KMS key when kmsKeyArn is set, and not otherwise', () => {
    for (const fn of FUNCTIONS) {
      expect(props(effective(topic), `${fn}LogGroup`).KmsKeyId, fn).toBe(KMS_KEY);
      expect(props(effective(optOut), `${fn}LogGroup`).KmsKeyId, fn).toBeUndefined();
    }
  });

  it('turns X-Ray tracing on with tracing=true, with the statements that let each function send traces', () => {
    for (const fn of FUNCTIONS) {
      expect(props(effective(topic), `${fn}LambdaFunction`).TracingConfig, fn).toEqual({ Mode: 'Active' });
      expect(props(effective(optOut), `${fn}LambdaFunction`).TracingConfig, fn).toBeUndefined();
      const xray = (t: CfTemplate) =>
        statementsOf(t, `${fn}Role`).filter((s) => (s.Action as string[]).some((a) => a.startsWith('xray:')));
      expect(xray(effective(topic)), fn).toEqual([
        {
          Sid: 'WriteXrayTraces',
          Effect: 'Allow',
          Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
          Resource: ['*'],
        },
      ]);
      expect(xray(effective(optOut)), fn).toEqual([]);
    }
  });
});
