import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementsOf } from './iam-allow-list';
import { type CfTemplate, type CfValue, idsOfType, packageService } from './package-service';

/**
 * What each role may reach, checked as behaviour: an ARN it must or must not cover, rendered the
 * way IAM matches it. serverless-package.test.ts holds the exact allow-list; this file says why.
 */

const ACCOUNT = '123456789012';
const BUCKET = 'acme-sc2aws-data';
const SUBNETS = ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'];
const GROUP = 'sg-0a1b2c3d';

let work: string;
/** The stack's own bucket and bus, every dataset, no VPC. */
let base: CfTemplate;
/** An existing bucket, prefix tenable/sc, two datasets, in a VPC. */
let vpc: CfTemplate;

/** A CloudFormation ARN as IAM sees it in eu-west-1 of ACCOUNT; `Ref`s name the stack's resources. */
function render(value: CfValue): string {
  const sub = (value as { 'Fn::Sub'?: CfValue })['Fn::Sub'];
  if (typeof value === 'string') return value;
  if (sub === undefined) return JSON.stringify(value);
  const [text, vars] = typeof sub === 'string' ? [sub, {}] : (sub as [string, Record<string, CfValue>]);
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    const given = vars[name];
    if (given !== undefined) return typeof given === 'string' ? given : 'stack-bucket';
    return { 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': ACCOUNT }[name] ?? name;
  });
}

/** IAM's ARN match: `*` is any run of characters ("/" included), `?` one character. */
const covers = (pattern: string, arn: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(arn);

/** Whether any statement of `role` allows `action` on `arn`. */
function allows(t: CfTemplate, role: string, action: string, arn: string): boolean {
  return statementsOf(t, role).some(
    (s) =>
      (s.Action as string[]).includes(action) &&
      (s.Resource as CfValue[]).some((r) => covers(render(r), arn)),
  );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sc2aws-least-privilege-'));
  const runs = await Promise.all([
    packageService(join(work, 'base'), ['--param=alarmsWithoutDestination=true']),
    packageService(join(work, 'vpc'), [
      '--param=alarmsWithoutDestination=true',
      `--param=dataBucketName=${BUCKET}`,
      '--param=dataPrefix=tenable/sc',
      '--param=datasets=vulns,fixed',
      `--param=subnetIds=${SUBNETS.join(',')}`,
      `--param=securityGroupIds=${GROUP}`,
    ]),
  ]);
  for (const run of runs) {
    if (run.effective === undefined) throw new Error(`serverless package failed:\n${run.output}`);
  }
  [base, vpc] = runs.map((run) => run.effective as CfTemplate) as [CfTemplate, CfTemplate];
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('VPC network interfaces', () => {
  const ROLES = ['ValidateKeysRole', 'PullAnalysisRole', 'ForwardResultsRole'];
  const eni = `arn:aws:ec2:eu-west-1:${ACCOUNT}:network-interface/eni-0123456789abcdef0`;
  const MUTATIONS = [
    'ec2:CreateNetworkInterface',
    'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
  ];

  it('lets each role create and change network interfaces in the given subnets and security groups only', () => {
    for (const role of ROLES) {
      for (const action of MUTATIONS) expect(allows(vpc, role, action, eni), `${role} ${action}`).toBe(true);
      for (const subnet of SUBNETS) {
        expect(
          allows(
            vpc,
            role,
            'ec2:CreateNetworkInterface',
            `arn:aws:ec2:eu-west-1:${ACCOUNT}:subnet/${subnet}`,
          ),
        ).toBe(true);
      }
      expect(
        allows(
          vpc,
          role,
          'ec2:CreateNetworkInterface',
          `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/${GROUP}`,
        ),
      ).toBe(true);
      expect(
        allows(
          vpc,
          role,
          'ec2:CreateNetworkInterface',
          `arn:aws:ec2:eu-west-1:${ACCOUNT}:subnet/subnet-99999999`,
        ),
      ).toBe(false);
      expect(
        allows(
          vpc,
          role,
          'ec2:CreateNetworkInterface',
          `arn:aws:ec2:eu-west-1:${ACCOUNT}:security-group/sg-99999999`,
        ),
      ).toBe(false);
      expect(
        allows(vpc, role, 'ec2:DeleteNetworkInterface', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123`),
      ).toBe(false);
    }
  });

  it('keeps "*" for the Describe calls only, which accept no narrower resource', () => {
    for (const role of ROLES) {
      const wildcard = statementsOf(vpc, role).filter((s) => (s.Resource as CfValue[]).includes('*'));
      expect(wildcard.flatMap((s) => s.Action as string[])).toEqual([
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
      ]);
    }
  });

  it('grants no EC2 action without a VPC', () => {
    for (const role of ROLES) {
      const ec2 = statementsOf(base, role).flatMap((s) =>
        (s.Action as string[]).filter((a) => a.startsWith('ec2:')),
      );
      expect(ec2, role).toEqual([]);
    }
  });
});

describe("state in S3: each function its own keys, in every console's folder", () => {
  const CONSOLES = ['default', 'emea'];
  const key = (path: string, console: string) =>
    `arn:aws:s3:::${BUCKET}/tenable/sc/console=${console}/${path}`;

  it('lets pull-analysis read and write the checkpoints of its datasets, and nothing else under state/', () => {
    for (const console of CONSOLES) {
      for (const d of ['vulns', 'fixed']) {
        const checkpoint = key(`state/${d}.json`, console);
        expect(allows(vpc, 'PullAnalysisRole', 's3:PutObject', checkpoint), checkpoint).toBe(true);
        expect(allows(vpc, 'PullAnalysisRole', 's3:GetObject', checkpoint), checkpoint).toBe(true);
      }
      for (const path of [
        'state/assets.json', // not exported by this stage
        'state/delivery/dataset=vulns/run=r1/state.json',
        'state/lifecycle/dataset=vulns/current.json',
      ]) {
        expect(allows(vpc, 'PullAnalysisRole', 's3:PutObject', key(path, console)), path).toBe(false);
        expect(allows(vpc, 'PullAnalysisRole', 's3:GetObject', key(path, console)), path).toBe(false);
      }
    }
  });

  it("lets forward-results read and write state/delivery/, state/lifecycle/, changes/ and current/, and no dataset's checkpoint", () => {
    for (const console of CONSOLES) {
      for (const path of [
        'state/delivery/dataset=vulns/run=r1/state.json',
        'state/lifecycle/dataset=vulns/x.json',
        'changes/dt=2026-12-07/run=r1/part-00000.ndjson.gz',
        'current/partition=0a3/vulns-r1.ndjson.gz',
      ]) {
        for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
          expect(allows(vpc, 'ForwardResultsRole', action, key(path, console)), `${action} ${path}`).toBe(
            true,
          );
        }
      }
      expect(allows(vpc, 'ForwardResultsRole', 's3:PutObject', key('state/vulns.json', console))).toBe(false);
      expect(allows(vpc, 'ForwardResultsRole', 's3:GetObject', key('state/vulns.json', console))).toBe(false);
    }
  });

  it('reaches no key outside the console folders, such as the layout from before consoles', () => {
    const outside = (path: string) => `arn:aws:s3:::${BUCKET}/tenable/sc/${path}`;
    for (const [role, path] of [
      ['PullAnalysisRole', 'raw/vulns/run=r1/part-00000.ndjson.gz'],
      ['PullAnalysisRole', 'state/vulns.json'],
      ['ForwardResultsRole', 'findings/dataset=vulns/part-00000.ndjson.gz'],
      ['ForwardResultsRole', 'state/delivery/dataset=vulns/run=r1/state.json'],
      ['ForwardResultsRole', 'state/lifecycle/root.json'],
    ] as const) {
      expect(allows(vpc, role, 's3:PutObject', outside(path)), `${role} ${path}`).toBe(false);
    }
    for (const role of ['PullAnalysisRole', 'ForwardResultsRole'])
      for (const path of [
        'raw/vulns/run=r1/part-00000.ndjson.gz',
        'findings/dataset=vulns/part-00000.ndjson.gz',
        'state/delivery/dataset=vulns/run=r1/state.json',
        'state/lifecycle/partition=00a/vulns-r1.json.gz',
      ])
        expect(allows(vpc, role, 's3:GetObject', outside(path)), `${role} ${path}`).toBe(false);
  });

  it('lets both data roles read the four keys that mark a prefix from before consoles, and nothing else there', () => {
    // Without them S3 answers 403 instead of 404, and every run would fail instead of finding none.
    const outside = (path: string) => `arn:aws:s3:::${BUCKET}/tenable/sc/${path}`;
    for (const role of ['PullAnalysisRole', 'ForwardResultsRole'])
      for (const path of [
        'state/vulns.json',
        'state/fixed.json',
        'state/assets.json',
        'state/lifecycle/root.json',
      ]) {
        expect(allows(vpc, role, 's3:GetObject', outside(path)), `${role} ${path}`).toBe(true);
        expect(allows(vpc, role, 's3:PutObject', outside(path)), `${role} ${path}`).toBe(false);
        expect(allows(vpc, role, 's3:DeleteObject', outside(path)), `${role} ${path}`).toBe(false);
      }
  });
});

describe('trust policies: who may assume each role', () => {
  const trust = (t: CfTemplate, role: string): Record<string, CfValue>[] => {
    const resource = t.Resources[role];
    if (resource === undefined) throw new Error(`no role ${role}`);
    return (resource.Properties.AssumeRolePolicyDocument as { Statement: Record<string, CfValue>[] })
      .Statement;
  };

  it('gives every service-assumed role a source condition, so another account cannot use it through the service', () => {
    for (const t of [base, vpc]) {
      for (const role of idsOfType(t, 'AWS::IAM::Role')) {
        for (const statement of trust(t, role)) {
          expect(statement.Principal, role).toHaveProperty('Service');
          expect(JSON.stringify(statement.Condition), role).toContain(
            '"aws:SourceAccount":{"Ref":"AWS::AccountId"}',
          );
        }
      }
    }
  });

  it('lets EventBridge assume the announcement role only for the rule that copies the announcements', () => {
    const condition = trust(base, 'AnnouncementsForwardingRole')[0]?.Condition as {
      ArnEquals: { 'aws:SourceArn': CfValue };
    };
    const source = condition.ArnEquals['aws:SourceArn'];
    expect(render(source)).toBe(
      `arn:aws:events:eu-west-1:${ACCOUNT}:rule/sc2aws-dev/sc2aws-dev-announcements-to-default-bus`,
    );
    expect(base.Resources.AnnouncementsToDefaultBusRule?.Properties).toMatchObject({
      Name: 'sc2aws-dev-announcements-to-default-bus',
      EventBusName: { Ref: 'EventBus' },
    });
  });
});
