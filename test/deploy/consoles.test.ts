import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFor, type Setup, statementsOf } from './iam-allow-list';
import {
  type CfResource,
  type CfTemplate,
  type CfValue,
  idsOfType,
  type PackageOptions,
  type PackageRun,
  packageService,
} from './package-service';

/**
 * Several SC consoles in one stack (README "Several SC consoles"), as `serverless package` (osls,
 * offline) writes them: the consoles parameter as a YAML list in the stage's params and as JSON on
 * the command line, what each console gets, what the consoles share, and the one-line refusals of
 * a bad list.
 */

const STAGE = ['--stage=prod', '--region=eu-west-1', '--param=alarmsWithoutDestination=true'];
const URL = 'https://sc.example.com';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/prod/sc-keys-AbCdEf';
const EMEA_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/prod/emea-keys-AbCdEf';
const KMS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const EMEA = {
  id: 'emea',
  url: 'https://sc-emea.example.com',
  secretArn: EMEA_SECRET,
  caBundle: 'certs/emea.pem',
  schedule: 'cron(0 */4 * * ? *)',
  datasets: ['vulns', 'fixed'],
  pageSize: 2000,
  severityFloor: 3,
};
const TWO_CONSOLES = [{ id: 'default', url: URL }, EMEA];
/** apac-2: its own secret, datasets as a comma string, everything else from the parameters. */
const THREE_CONSOLES = [
  ...TWO_CONSOLES,
  { id: 'apac-2', url: 'https://sc-apac.example.com', datasets: 'assets' },
];
const { logicalIdSuffix } = createRequire(import.meta.url)('../../infra/derived/consoles.cjs') as {
  logicalIdSuffix: (id: string) => string;
};
const consolesParam = (list: unknown) => `--param=consoles=${JSON.stringify(list)}`;

/** A list that breaks one rule per entry (entry 0 is good): one line each. */
const BAD_ENTRIES = [
  { id: 'ok', url: 'https://sc-ok.example.com' },
  { id: 'ok', url: 'https://sc-ok2.example.com' },
  { id: 'EMEA', url: URL },
  { id: 'plain', url: 'http://sc.example.com' },
  { id: 'typo', url: URL, region: 'eu-west-1' },
  { id: 'pem', url: URL, caBundle: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----' },
  { id: 'sched', url: URL, schedule: 'every hour' },
  { id: 'data', url: URL, datasets: ['vulns', 'bogus'] },
  { id: 'page', url: URL, pageSize: 50 },
  { id: 'floor', url: URL, severityFloor: 7 },
  { id: 'arn', url: URL, secretArn: 'sc2aws/prod/sc-keys' },
  { url: URL },
];

let work: string;
const runs: Record<string, PackageRun> = {};

const effective = (name: string): CfTemplate => {
  const run = runs[name];
  if (run?.effective === undefined) throw new Error(`serverless package ${name} failed:\n${run?.output}`);
  return run.effective;
};
const props = (t: CfTemplate, id: string): Record<string, CfValue> => {
  const resource: CfResource | undefined = t.Resources[id];
  if (resource === undefined) throw new Error(`resource ${id} is missing`);
  return resource.Properties;
};
const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
/** The line of a refused run that holds `text` (osls prints the error twice; the first will do). */
const lineWith = (name: string, text: string): string | undefined =>
  runs[name]?.output.split('\n').find((line) => line.includes(text));

/**
 * The template as written, without what differs between any two runs: the artifacts' S3 keys
 * (they hold the packaging time).
 */
function comparable(name: string): CfTemplate {
  const template = structuredClone(runs[name]?.template);
  if (template === undefined) throw new Error(`serverless package ${name} failed:\n${runs[name]?.output}`);
  for (const id of idsOfType(template, 'AWS::Lambda::Function')) {
    const code = template.Resources[id]?.Properties.Code as Record<string, CfValue> | undefined;
    if (code !== undefined) delete code.S3Key;
  }
  return template;
}

/** SC_CONSOLES as the function reads it once deployed, with `arn:<logical id>` for a stack secret. */
function consolesOf(t: CfTemplate, fn: string): unknown {
  const value = (props(t, `${fn}LambdaFunction`).Environment as { Variables: Record<string, CfValue> })
    .Variables.SC_CONSOLES;
  if (typeof value === 'string') return JSON.parse(value);
  const [separator, parts] = (value as { 'Fn::Join': [string, CfValue[]] })['Fn::Join'];
  const text = parts
    .map((part) => (typeof part === 'string' ? part : `arn:${(part as { Ref: string }).Ref}`))
    .join(separator);
  return JSON.parse(text);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sc2aws-consoles-'));
  const plan: [string, string[], PackageOptions?][] = [
    // The same console both ways: today's parameters, and a list of one "default" entry.
    [
      'single',
      [
        ...STAGE,
        `--param=scUrl=${URL}`,
        '--param=caBundle=certs/sc-ca.pem',
        '--param=rotationLambdaAttached=true',
      ],
    ],
    [
      'listOfOne',
      [
        ...STAGE,
        consolesParam([{ id: 'default', url: URL, caBundle: 'certs/sc-ca.pem' }]),
        '--param=rotationLambdaAttached=true',
      ],
    ],
    [
      'singleGiven',
      [
        ...STAGE,
        `--param=scUrl=${URL}`,
        `--param=secretArn=${SECRET}`,
        '--param=datasets=vulns,fixed',
        '--param=pageSize=500',
        '--param=severityFloor=2',
        '--param=scheduleExpression=rate(30 minutes)',
        `--param=kmsKeyArn=${KMS_KEY}`,
        '--param=rotationLambdaAttached=true',
      ],
    ],
    [
      'listOfOneGiven',
      [
        ...STAGE,
        consolesParam([{ id: 'default', url: URL, secretArn: SECRET }]),
        '--param=datasets=vulns,fixed',
        '--param=pageSize=500',
        '--param=severityFloor=2',
        '--param=scheduleExpression=rate(30 minutes)',
        `--param=kmsKeyArn=${KMS_KEY}`,
        '--param=rotationLambdaAttached=true',
      ],
    ],
    // Two consoles from the stage's params in serverless.yml; a third added on the command line.
    [
      'two',
      [...STAGE, '--param=rotationLambdaAttached=true'],
      { stageParams: { stage: 'prod', params: { consoles: TWO_CONSOLES } } },
    ],
    ['three', [...STAGE, consolesParam(THREE_CONSOLES), '--param=rotationLambdaAttached=true']],
    ['badEntries', [...STAGE, consolesParam(BAD_ENTRIES)]],
    ['withScUrl', [...STAGE, consolesParam(TWO_CONSOLES), `--param=scUrl=${URL}`]],
    ['withSecretArn', [...STAGE, consolesParam(TWO_CONSOLES), `--param=secretArn=${SECRET}`]],
    ['notAList', [...STAGE, '--param=consoles=emea']],
    [
      'tooLarge',
      [
        ...STAGE,
        consolesParam(
          Array.from({ length: 18 }, (_, i) => ({
            id: `console-${String(i).padStart(2, '0')}`,
            url: `https://securitycenter-${i}.region.internal.example.com`,
          })),
        ),
      ],
    ],
    [
      'longRuleName',
      [
        '--stage=integration-testing',
        '--param=alarmsWithoutDestination=true',
        consolesParam([{ id: 'a-very-long-name', url: URL }]),
      ],
    ],
  ];
  // The first run fills osls's validator cache if no other file has yet; the rest run two at a time.
  const [first, ...rest] = plan;
  if (first !== undefined) runs[first[0]] = await packageService(join(work, first[0]), first[1], first[2]);
  for (let i = 0; i < rest.length; i += 2) {
    await Promise.all(
      rest.slice(i, i + 2).map(async ([name, args, options]) => {
        runs[name] = await packageService(join(work, name), args, options);
      }),
    );
  }
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('one console, two ways to say it', () => {
  it('packages the single-console parameters and a consoles list of one "default" entry to the same template (stack secret, CA file, rotation)', () => {
    expect(comparable('listOfOne')).toEqual(comparable('single'));
  });

  it('packages them to the same template with an existing secret, a KMS key and the export settings the entry falls back to', () => {
    expect(comparable('listOfOneGiven')).toEqual(comparable('singleGiven'));
    expect(consolesOf(effective('listOfOneGiven'), 'PullAnalysis')).toEqual([
      {
        id: 'default',
        url: URL,
        secretArn: SECRET,
        datasets: ['vulns', 'fixed'],
        pageSize: 500,
        severityFloor: 2,
      },
    ]);
    expect(props(effective('listOfOneGiven'), 'PullAnalysisScheduleRule').ScheduleExpression).toBe(
      'rate(30 minutes)',
    );
  });
});

describe('several consoles', () => {
  it('gives two distinct console ids distinct logical-id suffixes, letters and digits only, and none to default', () => {
    const ids = [
      'ab',
      'a-b',
      'a-1',
      'a1',
      'x',
      'x-x',
      'xx',
      'xxx',
      'x-xx',
      '1-a',
      '1a',
      'emea',
      'emea-2',
      'emea2',
    ];
    const suffixes = ids.map(logicalIdSuffix);
    expect(new Set(suffixes).size).toBe(ids.length);
    for (const suffix of suffixes) expect(suffix).toMatch(/^Console[A-Za-z0-9]+$/);
    expect(logicalIdSuffix('default')).toBe('');
  });

  const SCHEDULES: [string, string, string, string][] = [
    ['default', 'PullAnalysisScheduleRule', 'sc2aws-prod-pull-analysis-schedule', 'rate(1 hour)'],
    ['emea', 'PullAnalysisScheduleRuleConsoleEmea', 'sc2aws-prod-pull-analysis-schedule-emea', EMEA.schedule],
    [
      'apac-2',
      'PullAnalysisScheduleRuleConsoleApacX2',
      'sc2aws-prod-pull-analysis-schedule-apac-2',
      'rate(1 hour)',
    ],
  ];

  it('gives each console its own schedule rule, named after it, starting pull-analysis with the console as input', () => {
    const t = effective('three');
    expect(idsOfType(t, 'AWS::Events::Rule').filter((id) => id.startsWith('PullAnalysisSchedule'))).toEqual(
      SCHEDULES.map(([, id]) => id).sort(),
    );
    for (const [console, id, name, expression] of SCHEDULES) {
      expect(props(t, id), id).toEqual({
        Name: name,
        Description:
          console === 'default'
            ? 'Starts an sc2aws export run'
            : `Starts an sc2aws export run of console ${console}`,
        ScheduleExpression: expression,
        State: 'ENABLED',
        Targets: [
          {
            Id: 'pull-analysis',
            Arn: getAtt('PullAnalysisLambdaFunction'),
            Input: JSON.stringify({ console }),
            DeadLetterConfig: { Arn: getAtt('PullAnalysisDlq') },
          },
        ],
      });
    }
  });

  it("lets each console's schedule rule invoke pull-analysis and send its dead letters to pull-analysis' queue", () => {
    const t = effective('three');
    const permissions = idsOfType(t, 'AWS::Lambda::Permission').map((id) => props(t, id));
    for (const [, rule] of SCHEDULES) {
      expect(permissions).toContainEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt('PullAnalysisLambdaFunction'),
        Principal: 'events.amazonaws.com',
        SourceArn: getAtt(rule),
      });
    }
    const policy = props(t, 'PullAnalysisDlqPolicy').PolicyDocument as {
      Statement: { Condition?: CfValue }[];
    };
    expect(policy.Statement[0]?.Condition).toEqual({
      ArnEquals: {
        'aws:SourceArn': [
          ...SCHEDULES.map(([, rule]) => getAtt(rule)),
          getAtt('PullAnalysisContinuationRule'),
        ],
      },
    });
  });

  it('keeps one continuation rule and one Export Completed rule for all the consoles', () => {
    const rules = idsOfType(effective('three'), 'AWS::Events::Rule');
    expect(rules.filter((id) => !id.startsWith('PullAnalysisSchedule'))).toEqual([
      'AnnouncementsToDefaultBusRule',
      'ForwardResultsExportCompletedRule',
      'PullAnalysisContinuationRule',
      'ValidateKeysSecretLabelUpdatedRule',
    ]);
  });

  it('creates a secret for each console without secretArn, named after the console, kept on removal, readable only by the two functions', () => {
    const t = effective('three');
    expect(idsOfType(t, 'AWS::SecretsManager::Secret')).toEqual([
      'ScKeysSecret',
      'ScKeysSecretConsoleApacX2',
    ]);
    for (const [id, name] of [
      ['ScKeysSecret', 'sc2aws/prod/sc-keys'],
      ['ScKeysSecretConsoleApacX2', 'sc2aws/prod/apac-2/sc-keys'],
    ] as const) {
      const secret = t.Resources[id] as CfResource;
      expect(secret.DeletionPolicy, id).toBe('Retain');
      expect(secret.Properties.Name, id).toBe(name);
      expect(secret.Properties.KmsKeyId, id).toBe('alias/aws/secretsmanager');
    }
    expect(idsOfType(t, 'AWS::SecretsManager::ResourcePolicy')).toEqual([
      'ScKeysSecretPolicy',
      'ScKeysSecretPolicyConsoleApacX2',
    ]);
    const policy = props(t, 'ScKeysSecretPolicyConsoleApacX2');
    expect(policy.SecretId).toEqual({ Ref: 'ScKeysSecretConsoleApacX2' });
    expect(policy.ResourcePolicy).toEqual(props(t, 'ScKeysSecretPolicy').ResourcePolicy);
  });

  it("names each console's secret in the outputs: the stack's own, or the given one", () => {
    const outputs = effective('three').Outputs ?? {};
    expect(outputs.ScKeysSecretArn).toMatchObject({ Value: { Ref: 'ScKeysSecret' } });
    expect(outputs.ScKeysSecretArnConsoleEmea).toMatchObject({ Value: EMEA_SECRET });
    expect(outputs.ScKeysSecretArnConsoleApacX2).toMatchObject({
      Value: { Ref: 'ScKeysSecretConsoleApacX2' },
    });
  });

  it("lets Secrets Manager call validate-keys for each console's secret only, and attaches a rotation schedule to each", () => {
    const t = effective('three');
    const secrets: [string, CfValue][] = [
      ['', { Ref: 'ScKeysSecret' }],
      ['ConsoleEmea', EMEA_SECRET],
      ['ConsoleApacX2', { Ref: 'ScKeysSecretConsoleApacX2' }],
    ];
    for (const [suffix, secret] of secrets) {
      expect(props(t, `ValidateKeysRotationPermission${suffix}`)).toEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: getAtt('ValidateKeysLambdaFunction'),
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: secret,
      });
      const schedule = t.Resources[`ScKeysRotationSchedule${suffix}`] as CfResource;
      expect(schedule.Properties, suffix).toEqual({
        SecretId: secret,
        RotationLambdaARN: getAtt('ValidateKeysLambdaFunction'),
        RotateImmediatelyOnUpdate: false,
        RotationRules: { ScheduleExpression: 'rate(365 days)' },
      });
      expect(schedule.DependsOn).toEqual([`ValidateKeysRotationPermission${suffix}`]);
    }
  });

  it("runs validate-keys when AWSCURRENT moves on any console's secret", () => {
    expect(
      (
        props(effective('three'), 'ValidateKeysSecretLabelUpdatedRule').EventPattern as Record<
          string,
          CfValue
        >
      ).resources,
    ).toEqual([{ Ref: 'ScKeysSecret' }, EMEA_SECRET, { Ref: 'ScKeysSecretConsoleApacX2' }]);
  });

  it("lets validate-keys and pull-analysis reach exactly the consoles' secrets, and forward-results none", () => {
    const setup = (secrets: CfValue[]): Setup => ({
      secrets,
      bucket: { Ref: 'DataBucket' },
      bus: 'sc2aws-prod',
      ownBus: true,
      prefix: 'sc2aws',
      datasets: ['vulns', 'fixed', 'assets'],
    });
    const two = setup([{ Ref: 'ScKeysSecret' }, EMEA_SECRET]);
    const three = setup([{ Ref: 'ScKeysSecret' }, EMEA_SECRET, { Ref: 'ScKeysSecretConsoleApacX2' }]);
    for (const role of ['ValidateKeysRole', 'PullAnalysisRole', 'ForwardResultsRole']) {
      expect(statementsOf(effective('two'), role), role).toEqual(expectedFor(two, role));
      expect(statementsOf(effective('three'), role), role).toEqual(expectedFor(three, role));
    }
    const secretActions = statementsOf(effective('three'), 'ForwardResultsRole').flatMap((s) =>
      (s.Action as string[]).filter((a) => a.startsWith('secretsmanager:')),
    );
    expect(secretActions).toEqual([]);
  });

  it('reserves two pull-analysis slots per console', () => {
    expect(props(effective('single'), 'PullAnalysisLambdaFunction').ReservedConcurrentExecutions).toBe(2);
    expect(props(effective('two'), 'PullAnalysisLambdaFunction').ReservedConcurrentExecutions).toBe(4);
    expect(props(effective('three'), 'PullAnalysisLambdaFunction').ReservedConcurrentExecutions).toBe(6);
  });

  it('gives every function the consoles in SC_CONSOLES, each with its settings or the parameters it falls back to, and no single-console variables', () => {
    const expected = [
      {
        id: 'default',
        url: URL,
        secretArn: 'arn:ScKeysSecret',
        datasets: ['vulns', 'fixed', 'assets'],
        pageSize: 1000,
        severityFloor: 1,
      },
      {
        id: 'emea',
        url: EMEA.url,
        secretArn: EMEA_SECRET,
        caBundle: 'certs/emea.pem',
        datasets: ['vulns', 'fixed'],
        pageSize: 2000,
        severityFloor: 3,
      },
      {
        id: 'apac-2',
        url: 'https://sc-apac.example.com',
        secretArn: 'arn:ScKeysSecretConsoleApacX2',
        datasets: ['assets'],
        pageSize: 1000,
        severityFloor: 1,
      },
    ];
    for (const fn of ['ValidateKeys', 'PullAnalysis', 'ForwardResults']) {
      expect(consolesOf(effective('three'), fn), fn).toEqual(expected);
      expect(consolesOf(effective('two'), fn), fn).toEqual(expected.slice(0, 2));
      const variables = Object.keys(
        (
          props(effective('three'), `${fn}LambdaFunction`).Environment as {
            Variables: Record<string, CfValue>;
          }
        ).Variables,
      );
      for (const gone of [
        'SC_URL',
        'SC_SECRET_ARN',
        'SC_CA_BUNDLE',
        'DATASETS',
        'SEVERITY_FLOOR',
        'PAGE_SIZE',
      ]) {
        expect(variables, fn).not.toContain(gone);
      }
    }
  });

  it("ages each console's raw/ folder", () => {
    const rules = (
      props(effective('three'), 'DataBucket').LifecycleConfiguration as {
        Rules: { Id: string; Prefix?: string }[];
      }
    ).Rules;
    expect(rules.map((r) => [r.Id, r.Prefix])).toEqual([
      ['raw-data-ageing', 'sc2aws/raw/'],
      ['raw-data-ageing-default', 'sc2aws/console=default/raw/'],
      ['raw-data-ageing-emea', 'sc2aws/console=emea/raw/'],
      ['raw-data-ageing-apac-2', 'sc2aws/console=apac-2/raw/'],
      ['noncurrent-versions-and-incomplete-uploads', undefined],
    ]);
  });

  it("leaves the first two consoles' resources and outputs as they were when a third is added", () => {
    const before = comparable('two');
    const after = comparable('three');
    // What every console shares, and so lists the new one too.
    const shared = [
      'DataBucket',
      'ForwardResultsLambdaFunction',
      'PullAnalysisDlqPolicy',
      'PullAnalysisLambdaFunction',
      'PullAnalysisRole',
      'ValidateKeysLambdaFunction',
      'ValidateKeysRole',
      'ValidateKeysSecretLabelUpdatedRule',
    ];
    const changed = Object.keys(before.Resources).filter(
      (id) => JSON.stringify(before.Resources[id]) !== JSON.stringify(after.Resources[id]),
    );
    expect(changed.sort()).toEqual(shared);
    expect(
      Object.keys(after.Resources)
        .filter((id) => !(id in before.Resources))
        .sort(),
    ).toEqual([
      'PullAnalysisSchedulePermissionConsoleApacX2',
      'PullAnalysisScheduleRuleConsoleApacX2',
      'ScKeysRotationScheduleConsoleApacX2',
      'ScKeysSecretConsoleApacX2',
      'ScKeysSecretPolicyConsoleApacX2',
      'ValidateKeysRotationPermissionConsoleApacX2',
    ]);
    for (const [id, output] of Object.entries(before.Outputs ?? {}))
      expect(after.Outputs?.[id], id).toEqual(output);
  });
});

describe('a bad consoles parameter: one line per bad entry, naming its index, id and field', () => {
  it('stops packaging and names every bad entry, each on its own line, and not the good one', () => {
    const run = runs.badEntries as PackageRun;
    expect(run.code).not.toBe(0);
    const named = run.output.split('\n').flatMap((line) => {
      const index = /Parameter consoles\[(\d+)\]/.exec(line)?.[1];
      return index === undefined ? [] : [Number(index)];
    });
    // osls prints the error twice; each bad entry has one line of its own, each time.
    expect([...new Set(named)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: BAD_ENTRIES.length - 1 }, (_, i) => i + 1),
    );
    expect(named.length % (BAD_ENTRIES.length - 1)).toBe(0);
  });

  it.each([
    [
      'a repeated id',
      1,
      'Parameter consoles[1] (id "ok") id repeats the id of consoles[0]. Example: {"id": "emea"}',
    ],
    [
      'an id that breaks the console id rule',
      2,
      'Parameter consoles[2] (id "EMEA") id must be 1-16 lowercase letters, digits and inner hyphens (got "EMEA"). Example: {"id": "emea"}',
    ],
    [
      'a url that is not https://',
      3,
      'Parameter consoles[3] (id "plain") url must be an https:// address (got "http://sc.example.com"). Example: {"url": "https://sc-emea.example.com"}',
    ],
    [
      'an unknown key',
      4,
      'Parameter consoles[4] (id "typo") has an unknown key "region" (known: id, url, secretArn, caBundle, schedule, datasets, pageSize, severityFloor). Example: {"id":"emea","url":"https://sc-emea.example.com"}',
    ],
    [
      'an inline PEM as caBundle',
      5,
      'Parameter consoles[5] (id "pem") caBundle must be a file path relative to the function root, not inline PEM (Lambda allows 4 KB of environment for every console together). Example: {"caBundle": "certs/emea.pem"}',
    ],
    [
      'a bad schedule',
      6,
      'Parameter consoles[6] (id "sched") schedule must be rate(<n> minutes|hours|days) or cron(...) (got "every hour"). Example: {"schedule": "rate(1 hour)"}',
    ],
    [
      'an unknown dataset',
      7,
      'Parameter consoles[7] (id "data") datasets names an unknown dataset "bogus" (known: vulns, fixed, assets). Example: {"datasets": "vulns,fixed"}',
    ],
    [
      'a page size out of bounds',
      8,
      'Parameter consoles[8] (id "page") pageSize must be a whole number from 100 to 5000 (got "50"). Example: {"pageSize": 1000}',
    ],
    [
      'a severity floor out of bounds',
      9,
      'Parameter consoles[9] (id "floor") severityFloor must be a whole number from 0 to 4 (got "7"). Example: {"severityFloor": 1}',
    ],
    [
      'a secretArn that is not a full secret ARN',
      10,
      'Parameter consoles[10] (id "arn") secretArn must be a Secrets Manager secret ARN with its 6-character suffix, or left out for a secret the stack creates (got "sc2aws/prod/sc-keys")',
    ],
    [
      'a missing id',
      11,
      'Parameter consoles[11] id must be 1-16 lowercase letters, digits and inner hyphens (got undefined). Example: {"id": "emea"}',
    ],
  ])('refuses %s', (_, index, message) => {
    expect(lineWith('badEntries', `consoles[${index}]`)).toContain(message);
  });

  it('refuses scUrl next to the consoles list, saying to put it in the entry', () => {
    expect(runs.withScUrl?.code).not.toBe(0);
    expect(lineWith('withScUrl', 'Parameter scUrl')).toContain(
      'Parameter scUrl is set together with consoles: put it in the consoles entry it belongs to and drop scUrl.',
    );
  });

  it('refuses secretArn next to the consoles list, saying to put it in the entry', () => {
    expect(runs.withSecretArn?.code).not.toBe(0);
    expect(lineWith('withSecretArn', 'Parameter secretArn')).toContain(
      'Parameter secretArn is set together with consoles: put it in the consoles entry it belongs to and drop secretArn.',
    );
  });

  it('refuses a consoles value that is not a list', () => {
    expect(runs.notAList?.code).not.toBe(0);
    expect(lineWith('notAList', 'Parameter consoles')).toContain(
      'Parameter consoles must be a YAML list in serverless.yml or a JSON list',
    );
  });

  it("refuses consoles whose SC_CONSOLES would take the functions' environment over Lambda's 4 KB, naming the cause", () => {
    expect(runs.tooLarge?.code).not.toBe(0);
    expect(lineWith('tooLarge', 'The environment of function')).toMatch(
      /The environment of function sc2aws-prod-[a-z-]+ would take about \d+ bytes, over Lambda's 4 KB limit\. SC_CONSOLES takes \d+ bytes for 18 console\(s\): deploy fewer consoles per stage, or shorten their urls and caBundle paths\./,
    );
  });

  it('refuses a console whose schedule rule name would pass EventBridge’s 64 characters', () => {
    expect(runs.longRuleName?.code).not.toBe(0);
    expect(lineWith('longRuleName', 'The schedule rule')).toContain(
      "The schedule rule sc2aws-integration-testing-pull-analysis-schedule-a-very-long-name would be longer than EventBridge's 64 characters",
    );
  });
});
