import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { configValue, type VariableName } from '#lib/config';
import { readServerlessYml } from '#support/serverless-yml';

/**
 * The deployment (infra/derived.cjs, as osls runs it) and the Lambdas (lib/config) must accept
 * the same values: a parameter the deploy lets through must not fail every cold start.
 */

type Derive = (options: { resolveVariable(name: string): Promise<unknown> }) => Promise<unknown>;
const derive = createRequire(import.meta.url)('../../../infra/derived.cjs') as Derive;
const { params } = readServerlessYml();

async function deployRefuses(
  param: string,
  value: string,
  others: Record<string, string> = {},
): Promise<string | undefined> {
  // The alarms need a destination (or the explicit opt-out) before anything packages.
  const resolved: Record<string, string> = {
    ...params,
    alarmsWithoutDestination: 'true',
    ...others,
    [param]: value,
  };
  try {
    await derive({ resolveVariable: async (name) => resolved[name.replace(/^param:/, '')] });
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function lambdaRefuses(variable: VariableName, value: string): string | undefined {
  try {
    configValue({ [variable]: value }, variable);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/prod/sc-keys-AbCdEf';
const CASES: { param: string; variable: VariableName; good: string[]; bad: string[] }[] = [
  {
    param: 'secretArn',
    variable: 'SC_SECRET_ARN',
    good: [
      SECRET,
      'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:sc-keys-Ab12Cd',
      'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:a/b_c+d=e.f@g-h-Zz9Yy8',
      'arn:aws-iso-b:secretsmanager:us-isob-east-1:123456789012:secret:keys-AAAAAA',
    ],
    bad: [
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/keys',
      'arn:aws:secretsmanager:eu-west-1:12345678901:secret:sc2aws/sc-keys-AbCdEf',
      'arn:awsx:secretsmanager:eu-west-1:123456789012:secret:sc2aws/sc-keys-AbCdEf',
      'arn:aws:secretsmanager:EU-WEST-1:123456789012:secret:sc2aws/sc-keys-AbCdEf',
      'arn:aws:s3:::my-bucket',
      'sc2aws/prod/sc-keys',
    ],
  },
  {
    param: 'kmsKeyArn',
    variable: 'KMS_KEY_ARN',
    good: [
      'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws-us-gov:kms:us-gov-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab',
    ],
    bad: ['arn:aws:kms:eu-west-1:123456789012:alias/sc2aws', 'alias/sc2aws', '1234abcd-12ab-34cd'],
  },
  {
    param: 'dataBucketName',
    variable: 'DATA_BUCKET',
    good: ['my-sc2aws-data', 'a.b.c', '123'],
    bad: ['My_Bucket', 'ab', 's3://my-bucket', '-bucket', 'bucket-'],
  },
  {
    param: 'datasets',
    variable: 'DATASETS',
    good: ['vulns', 'fixed,assets', 'assets, vulns, fixed'],
    bad: ['vulns,vulns', 'findings', 'vulns;fixed'],
  },
  {
    param: 'securityLakeFindingsSource',
    variable: 'SECURITY_LAKE_FINDINGS_SOURCE',
    good: [
      's3://aws-security-data-lake-eu-west-1-abc123/ext/sc2awsVulns/1.0/',
      's3://aws-security-data-lake-eu-west-1-abc123/ext/sc2awsVulns/',
      'sc2awsVulns/1.0',
      'sc2awsVulns',
    ],
    bad: ['ext/sc2awsVulns/1.0', 's3://lake/ext/a/b/c/', 'https://lake/ext/sc2awsVulns/1.0/', 'a b'],
  },
  {
    param: 'ocsfVersion',
    variable: 'OCSF_VERSION',
    good: ['1.1.0', '1.3.0'],
    bad: ['1.3', '1.2.0', 'v1.1.0', 'latest'],
  },
  {
    param: 'eventBusName',
    variable: 'EVENT_BUS_NAME',
    good: ['default', 'sc2aws', 'team/sc2aws-bus.1'],
    bad: ['my bus', 'bus;rm -rf', 'x'.repeat(257)],
  },
];

describe('values the deployment and the Lambdas share', () => {
  it.each(CASES.flatMap(({ param, variable, good }) => good.map((value) => ({ param, variable, value }))))(
    'both accept $param / $variable = $value',
    async ({ param, variable, value }) => {
      expect(await deployRefuses(param, value)).toBeUndefined();
      expect(lambdaRefuses(variable, value)).toBeUndefined();
    },
  );

  it.each(CASES.flatMap(({ param, variable, bad }) => bad.map((value) => ({ param, variable, value }))))(
    'both refuse $param / $variable = $value, naming it',
    async ({ param, variable, value }) => {
      expect(await deployRefuses(param, value)).toMatch(new RegExp(`^Parameter ${param} `));
      expect(lambdaRefuses(variable, value)).toMatch(new RegExp(`^Configuration error: ${variable} `));
    },
  );

  it('both refuse a source location outside the lake bucket, naming it', async () => {
    const location = 's3://aws-security-data-lake-us-east-1-zzz999/ext/sc2awsVulns/1.0/';
    expect(
      await deployRefuses('securityLakeFindingsSource', location, {
        securityLakeBucket: 'aws-security-data-lake-eu-west-1-abc123',
      }),
    ).toMatch(
      /^Parameter securityLakeFindingsSource is a location in the bucket aws-security-data-lake-us-east-1-zzz999, not in securityLakeBucket/,
    );
  });

  it('passes the default parameters', async () => {
    expect(await deployRefuses('datasets', params.datasets ?? '')).toBeUndefined();
  });
});

describe('parameters only the deployment reads', () => {
  it.each([
    'arn:aws:iam::123456789012:role/secops-operator',
    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_*',
    'arn:aws:iam::123456789012:user/alice,arn:aws-us-gov:iam::123456789012:root',
    // The documented SSO pattern: a permission set's role-name prefix, with or without the region.
    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecurityAudit_*',
    'arn:aws:iam::123456789012:role/secops-*',
    'arn:aws:iam::123456789012:user/ops/alice-*',
  ])('accepts secretReaderArns = %s', async (value) => {
    expect(await deployRefuses('secretReaderArns', value)).toBeUndefined();
  });

  it.each([
    'secops-operator',
    'arn:aws:sts::123456789012:assumed-role/secops/alice',
    'arn:aws:iam::123456789012:role/a, arn:aws:iam::123456789012:role/b',
    'arn:aws:iam::123456789012:group/admins',
  ])('refuses secretReaderArns = %s, naming it', async (value) => {
    expect(await deployRefuses('secretReaderArns', value)).toMatch(
      /^Parameter secretReaderArns must be IAM role/,
    );
  });
  // Each would switch the secret policy's Deny off for a whole class of principals.
  it.each([
    '*',
    'arn:aws:iam::123456789012:*',
    'arn:aws:iam::*:role/secops',
    'arn:aws:iam::123456789012:role/*',
    'arn:aws:iam::123456789012:user/*',
    'arn:aws:iam::123456789012:role/aws-reserved/*',
    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/*',
    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/*',
    // every permission set: the name prefix every SSO role shares
    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_*',
    // a * in the path spans every path below it
    'arn:aws:iam::123456789012:role/aws-reserved/*/AWSReservedSSO_Admin_*',
    // * matches "/" too: a root-path prefix of "aws-reserved/" covers every SSO role
    'arn:aws:iam::123456789012:role/a*',
    'arn:aws:iam::123456789012:role/aws-reserved*',
    'arn:aws:iam::123456789012:role/secops-operator,arn:aws:iam::123456789012:role/*',
  ])(
    'refuses secretReaderArns = %s, which matches every role or user or a whole path of them',
    async (value) => {
      const message = await deployRefuses('secretReaderArns', value);
      expect(message).toMatch(/^Parameter secretReaderArns has "[^"]+", which matches every role or user/);
      expect(message).toContain('AWSReservedSSO_SecurityAudit_*');
    },
  );
});

describe('alarm destination', () => {
  const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:secops-alarms';
  const none = { alarmsWithoutDestination: 'false' };

  it.each([
    ['alarmEmail', 'secops@example.com'],
    ['alarmTopicArn', TOPIC],
    ['alarmTopicArn', 'arn:aws-us-gov:sns:us-gov-west-1:123456789012:alarms_1'],
    ['alarmsWithoutDestination', 'true'],
  ])('accepts alarms with %s = %s', async (param, value) => {
    expect(await deployRefuses(param, value, none)).toBeUndefined();
  });

  it('refuses alarms with no destination in one line naming the three ways out', async () => {
    const message = await deployRefuses('alarmEmail', '', none);
    expect(message).toMatch(/^The alarms have no destination, so nobody would hear them\. Fix: /);
    expect(message).not.toContain('\n');
  });

  it('refuses alarmEmail together with alarmTopicArn: the address is subscribed to the topic the stack no longer creates', async () => {
    expect(
      await deployRefuses('alarmEmail', 'secops@example.com', { ...none, alarmTopicArn: TOPIC }),
    ).toMatch(
      /^Parameter alarmEmail is subscribed to the topic this stack creates, and alarmTopicArn replaces that topic/,
    );
  });

  it('refuses the opt-out together with a destination', async () => {
    expect(
      await deployRefuses('alarmsWithoutDestination', 'true', { alarmEmail: 'secops@example.com' }),
    ).toMatch(/^Parameter alarmsWithoutDestination is true while alarmEmail gives the alarms a destination/);
  });

  it.each([
    'secops-alarms',
    'arn:aws:sns:eu-west-1:123456789012:secops-alarms.fifo',
    'arn:aws:sqs:eu-west-1:123456789012:secops-alarms',
  ])('refuses alarmTopicArn = %s, naming it', async (value) => {
    expect(await deployRefuses('alarmTopicArn', value, none)).toMatch(
      /^Parameter alarmTopicArn must be the ARN of a standard SNS topic/,
    );
  });
});

describe('dataBucketAccessLogs', () => {
  it.each(['acme-access-logs', 'acme-access-logs/s3/sc2aws', 'acme-access-logs/s3/'])(
    'accepts %s',
    async (value) => {
      expect(await deployRefuses('dataBucketAccessLogs', value)).toBeUndefined();
    },
  );

  it.each(['Acme_Logs', 's3://acme-access-logs/sc2aws', 'acme-access-logs//sc2aws'])(
    'refuses %s, naming it',
    async (value) => {
      expect(await deployRefuses('dataBucketAccessLogs', value)).toMatch(
        /^Parameter dataBucketAccessLogs must be a bucket name, optionally followed by \/ and a key prefix/,
      );
    },
  );

  it('refuses it with an existing data bucket, which the stack does not change', async () => {
    expect(
      await deployRefuses('dataBucketAccessLogs', 'acme-access-logs', { dataBucketName: 'acme-sc2aws-data' }),
    ).toMatch(/^Parameter dataBucketAccessLogs applies only to the data bucket this stack creates/);
  });
});

describe('tracing', () => {
  it('refuses a value other than true or false', async () => {
    expect(await deployRefuses('tracing', 'on')).toMatch(/^Parameter tracing must be true or false/);
  });
});
