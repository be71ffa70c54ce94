import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { runCliInProcess } from '#support/cli';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';

/** One command line the CLI rejects, and the part of the one-line error that names the culprit. */
interface BadLine {
  command: string;
  args: string[];
  env?: Record<string, string> | undefined;
  says: RegExp;
}

/**
 * What a case changes in a good line: flags set (`null` drops one, a new one goes last), then
 * words appended after them.
 */
interface Change {
  set?: Record<string, string | null>;
  append?: string[];
  env?: Record<string, string>;
  says: RegExp;
}

/**
 * The cases of one command, each written as its difference from a line that would pass every
 * check, so a row shows the one thing that is wrong with it.
 */
function badLines(
  command: string,
  words: string[],
  good: Record<string, string>,
  changes: Change[],
): BadLine[] {
  return changes.map(({ set = {}, append = [], env, says }) => {
    const flags = Object.entries({ ...good, ...set }).filter(
      (entry): entry is [string, string] => entry[1] !== null,
    );
    return { command, args: [...words, ...flags.flat(), ...append], env, says };
  });
}

const INSECURE_URL = 'http://sc.example.com';

/**
 * Every flag of `validate`, `keys stage`, `export`, `deliver` and `simulator` with a bad value: the CLI exits 3
 * with one line on stderr, before anything reaches SC or AWS. `{…}` placeholders are filled in
 * with the fixture files of this suite.
 */
const CASES: BadLine[] = [
  ...badLines('validate', ['validate'], { '--url': '{url}', '--keys-file': '{keys}' }, [
    { set: { '--url': null }, says: /Missing --url/ },
    { set: { '--url': null }, append: ['--url'], says: /--url/ },
    { set: { '--url': INSECURE_URL }, says: /unencrypted/ },
    { set: { '--url': 'sc.example.com' }, says: /not a valid URL/ },
    { set: { '--url': 'https://u:p@{host}' }, says: /user name or password/ },
    { set: { '--url': 'https://{host}/?x=1' }, says: /query string/ },
    { set: { '--url': 'http://{host}' }, says: /allow-insecure-http/ },
    { set: { '--url': INSECURE_URL }, append: ['--allow-insecure-http'], says: /unencrypted/ },
    {
      set: { '--url': INSECURE_URL, '--keys-file': null, '--secret-id': '{arn}', '--region': 'us-east-1' },
      says: /unencrypted/,
    },
    { set: { '--keys-file': null }, says: /No API keys given/ },
    { set: { '--keys-env': 'K' }, says: /only one/ },
    { set: { '--keys-file': null, '--keys-env': 'UNSET_VAR' }, says: /UNSET_VAR is not set/ },
    {
      set: { '--keys-file': null, '--keys-env': 'K' },
      env: { K: 'accesskey=abc; secretkey=def;' },
      says: /SC API keys/,
    },
    { set: { '--keys-file': '{dir}/none' }, says: /Cannot read the keys file/ },
    { set: { '--keys-file': '{badKeys}' }, says: /SC API keys/ },
    { set: { '--keys-file': null, '--secret-id': '{arn}' }, env: { AWS_REGION: '' }, says: /region/ },
    { set: { '--keys-file': null, '--secret-id': '{arn}', '--region': 'Ireland' }, says: /--region/ },
    { set: { '--keys-file': null, '--secret-id': '', '--region': 'us-east-1' }, says: /secretId/ },
    { set: { '--version-stage': 'AWSPENDING' }, says: /--version-stage only applies/ },
    { set: { '--ca-file': '{dir}/none' }, says: /Cannot read the CA file/ },
    { set: { '--ca-file': '{keys}' }, says: /not PEM/ },
    { set: { '--ca-file': '{ca}' }, append: ['--insecure'], says: /contradict/ },
    { append: ['--json=yes'], says: /does not take an argument/ },
    { append: ['--bogus'], says: /bogus/ },
    { append: ['extra'], says: /extra/ },
  ]),
  ...badLines(
    'keys stage',
    ['keys', 'stage'],
    { '--secret-id': '{arn}', '--url': '{url}', '--keys-file': '{keys}' },
    [
      { set: { '--secret-id': null }, says: /--secret-id/ },
      { set: { '--url': null }, says: /Missing --url/ },
      { env: { AWS_REGION: '' }, says: /No AWS region/ },
      { set: { '--region': 'eu west 1' }, says: /--region/ },
      { set: { '--url': INSECURE_URL }, says: /unencrypted/ },
      { set: { '--keys-file': null, '--keys': 'accesskey=x' }, says: /--keys/ },
      { set: { '--keys-file': null }, says: /No API keys given/ },
      { set: { '--keys-env': 'K' }, says: /only one/ },
      { set: { '--keys-file': null, '--keys-env': 'UNSET_VAR' }, says: /UNSET_VAR is not set/ },
      { set: { '--keys-file': '{badKeys}' }, says: /SC API keys/ },
      { set: { '--ca-file': '{dir}/none' }, says: /CA file/ },
      { set: { '--ca-file': '{keys}' }, says: /not PEM/ },
      { set: { '--ca-file': '{ca}' }, append: ['--insecure'], says: /contradict/ },
      { append: ['--rotate=no'], says: /does not take an argument/ },
      { set: { '--version-stage': 'X' }, says: /version-stage/ },
    ],
  ),
  { command: 'keys stage', args: ['keys', 'rotate'], says: /one subcommand: stage/ },
  ...badLines('export', ['export'], { '--url': '{url}', '--keys-file': '{keys}', '--out': '{dir}/out' }, [
    { set: { '--out': null }, says: /Missing --out/ },
    { set: { '--url': null }, says: /Missing --url/ },
    { set: { '--url': INSECURE_URL }, says: /unencrypted/ },
    {
      set: { '--url': INSECURE_URL, '--keys-file': null, '--secret-id': '{arn}', '--region': 'us-east-1' },
      says: /unencrypted/,
    },
    { set: { '--keys-file': null, '--secret-id': '{arn}', '--region': 'us-east-1a' }, says: /--region/ },
    { set: { '--out': 's3://' }, says: /--out/ },
    { set: { '--out': 's3://My_Bucket/x' }, says: /--out/ },
    { set: { '--dataset': 'everything' }, says: /--dataset/ },
    { set: { '--dataset': 'vulns,vulns' }, says: /--dataset/ },
    { set: { '--since': 'yesterday' }, says: /--since/ },
    { set: { '--since': '2026-13-45' }, says: /--since/ },
    { set: { '--page-size': '50' }, says: /--page-size/ },
    { set: { '--page-size': '1e3' }, says: /--page-size/ },
    { set: { '--severity-floor': '5' }, says: /--severity-floor/ },
    { set: { '--part-size-mb': '0' }, says: /--part-size-mb/ },
    { set: { '--was-findings': 'maybe' }, says: /--was-findings/ },
    { set: { '--keys-file': '{badKeys}' }, says: /SC API keys/ },
    { set: { '--keys-env': 'K' }, says: /only one/ },
    { set: { '--ca-file': '{dir}/none' }, says: /CA file/ },
    { set: { '--ca-file': '{keys}' }, says: /not PEM/ },
    { set: { '--ca-file': '{ca}' }, append: ['--insecure'], says: /contradict/ },
    { append: ['--bogus'], says: /bogus/ },
  ]),
  ...badLines('deliver', ['deliver'], { '--from': '{dir}' }, [
    { says: /holds no completed raw run/ },
    { set: { '--from': null }, says: /Missing --from/ },
    { set: { '--from': '{dir}/none' }, says: /does not exist/ },
    { set: { '--from': '{keys}' }, says: /not a _manifest\.json/ },
    { set: { '--from': 'ftp://host/x' }, says: /neither a local path nor s3/ },
    { set: { '--from': 's3://' }, says: /--from .*bucket name/ },
    { set: { '--from': 's3://my-bucket/sc2aws' }, says: /not a raw run's manifest/ },
    {
      set: { '--from': '{dir}/findings/dataset=vulns/dt=2026-01-01/run=r/_manifest.json' },
      says: /does not lie where/,
    },
    {
      set: { '--from': '{dir}/raw/dataset=vulns/dt=2026-01-01/run=r/_manifest.json', '--dataset': 'vulns' },
      says: /--dataset applies to an export directory/,
    },
    { set: { '--out': 'discard:' }, says: /discard/ },
    { set: { '--out': 'ftp://host/x' }, says: /--out/ },
    { set: { '--dataset': 'everything' }, says: /--dataset/ },
    { set: { '--threads': '17' }, says: /--threads/ },
    { set: { '--plugin-output-max-bytes': 'lots' }, says: /--plugin-output-max-bytes/ },
    { append: ['--redeliver=yes'], says: /does not take an argument/ },
    { append: ['--ocsf=bucket'], says: /does not take an argument/ },
    { append: ['--ocsf', '--ocsf-version', '1.2.0'], says: /--ocsf-version must be one of 1\.1\.0, 1\.3\.0/ },
    { append: ['--ocsf', '--ocsf-version', '1.3'], says: /--ocsf-version must be one of 1\.1\.0, 1\.3\.0/ },
    { append: ['--ocsf-version', '1.1.0'], says: /--ocsf-version applies with --ocsf/ },
    { append: ['--bogus'], says: /bogus/ },
  ]),
  ...badLines('simulator', ['simulator'], {}, [
    { set: { '--port': '70000' }, says: /--port/ },
    { set: { '--port': 'http' }, says: /--port/ },
    { set: { '--seed': '-1' }, says: /--seed/ },
    { set: { '--vulns': 'many' }, says: /--vulns/ },
    { set: { '--vulns': '5000001' }, says: /--vulns/ },
    { set: { '--fixed': '1.5' }, says: /--fixed/ },
    { set: { '--hosts': '0' }, says: /--hosts/ },
    { set: { '--dir': '/dev/null/sc2aws-simulator' }, says: /Cannot create/ },
    { append: ['--json=1'], says: /does not take an argument/ },
    { append: ['--bogus'], says: /bogus/ },
  ]),
];

describe('CLI flags with bad values', () => {
  let sim: SimulatorHandle;
  let sm: ReturnType<typeof fakeSecretsManager>;
  let dir: string;
  const files: Record<string, string> = {};

  beforeAll(async () => {
    sim = await startSimulator({ vulnCount: 5, fixedCount: 1, hostCount: 2 });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-flags-'));
    Object.assign(files, {
      '{dir}': dir,
      '{keys}': join(dir, 'keys'),
      '{badKeys}': join(dir, 'bad-keys'),
      '{ca}': join(dir, 'ca.pem'),
      '{url}': sim.url,
      '{host}': new URL(sim.url).host,
      '{arn}': SECRET_ARN,
    });
    await writeFile(join(dir, 'keys'), `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};\n`);
    await writeFile(join(dir, 'bad-keys'), 'hello\n');
    await writeFile(join(dir, 'ca.pem'), sim.caPem);
  });
  beforeEach(() => {
    sm = fakeSecretsManager();
  });
  afterAll(async () => {
    sm.mock.restore();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  const fill = (arg: string) =>
    Object.entries(files).reduce((text, [placeholder, value]) => text.replaceAll(placeholder, value), arg);
  const run = (args: string[], env: Record<string, string> = {}) => runCliInProcess(args.map(fill), env);

  for (const { args, env, says } of CASES) {
    it(`rejects "${args.join(' ')}" with exit 3 and one line matching ${says}, sending nothing to SC or AWS`, async () => {
      // Prepare
      const before = sim.requests.length;

      // Act
      const r = await run(args, env);

      // Assert
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).toMatch(says);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
      expect(r.stdout).toBe('');
      expect(sim.requests.length).toBe(before);
      expect(sm.mock.calls()).toHaveLength(0);
    });
  }

  it('answers bad input with one JSON object on stdout under --json', async () => {
    const r = await run(['validate', '--url', 'http://sc.example.com', '--keys-file', '{keys}', '--json']);
    expect(r.code).toBe(3);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, error: { code: 'SC_CONFIG' } });
  });

  it('covers every flag each command documents', () => {
    const used = (command: string) =>
      new Set(
        CASES.filter((c) => c.command === command).flatMap((c) => c.args.filter((a) => a.startsWith('--'))),
      );
    const documented: Record<string, string[]> = {
      validate: [
        '--url',
        '--keys-env',
        '--keys-file',
        '--secret-id',
        '--version-stage',
        '--region',
        '--ca-file',
        '--insecure',
        '--allow-insecure-http',
        '--json',
      ],
      'keys stage': [
        '--secret-id',
        '--url',
        '--keys-file',
        '--keys-env',
        '--rotate',
        '--region',
        '--ca-file',
        '--insecure',
      ],
      export: [
        '--url',
        '--keys-file',
        '--keys-env',
        '--secret-id',
        '--region',
        '--out',
        '--dataset',
        '--since',
        '--page-size',
        '--severity-floor',
        '--part-size-mb',
        '--ca-file',
        '--insecure',
      ],
      deliver: [
        '--from',
        '--out',
        '--dataset',
        '--redeliver',
        '--threads',
        '--plugin-output-max-bytes',
        '--ocsf',
      ],
      simulator: ['--port', '--seed', '--vulns', '--fixed', '--hosts', '--dir', '--json'],
    };
    for (const [command, flags] of Object.entries(documented)) {
      const seen = [...used(command)].map((f) => f.replace(/=.*$/, ''));
      expect(
        flags.filter((f) => !seen.includes(f)),
        command,
      ).toEqual([]);
    }
  });
});
