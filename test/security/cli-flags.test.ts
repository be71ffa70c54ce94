import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';
import { runCli } from '../../cli/main';

/**
 * Every flag of `validate`, `keys stage`, `export` and `simulator` with a bad value: the CLI exits 3
 * with one line on stderr, before anything reaches SC or AWS. `{…}` placeholders are filled in
 * with the fixture files of this suite.
 */
const CASES: { command: string; args: string[]; env?: Record<string, string>; says: RegExp }[] = [
  // ── validate ──
  { command: 'validate', args: ['validate', '--keys-file', '{keys}'], says: /Missing --url/ },
  { command: 'validate', args: ['validate', '--keys-file', '{keys}', '--url'], says: /--url/ },
  {
    command: 'validate',
    args: ['validate', '--url', 'http://sc.example.com', '--keys-file', '{keys}'],
    says: /unencrypted/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', 'sc.example.com', '--keys-file', '{keys}'],
    says: /not a valid URL/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', 'https://u:p@{host}', '--keys-file', '{keys}'],
    says: /user name or password/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', 'https://{host}/?x=1', '--keys-file', '{keys}'],
    says: /query string/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', 'http://{host}', '--keys-file', '{keys}'],
    says: /allow-insecure-http/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', 'http://sc.example.com', '--allow-insecure-http', '--keys-file', '{keys}'],
    says: /unencrypted/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', 'http://sc.example.com', '--secret-id', SECRET_ARN, '--region', 'us-east-1'],
    says: /unencrypted/,
  },
  { command: 'validate', args: ['validate', '--url', '{url}'], says: /No API keys given/ },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{keys}', '--keys-env', 'K'],
    says: /only one/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-env', 'UNSET_VAR'],
    says: /UNSET_VAR is not set/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-env', 'K'],
    env: { K: 'accesskey=abc; secretkey=def;' },
    says: /SC API keys/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{dir}/none'],
    says: /Cannot read the keys file/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{badKeys}'],
    says: /SC API keys/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--secret-id', SECRET_ARN],
    env: { AWS_REGION: '' },
    says: /region/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--secret-id', SECRET_ARN, '--region', 'Ireland'],
    says: /--region/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--secret-id', '', '--region', 'us-east-1'],
    says: /secretId/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{keys}', '--version-stage', 'AWSPENDING'],
    says: /--version-stage only applies/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{keys}', '--ca-file', '{dir}/none'],
    says: /Cannot read the CA file/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{keys}', '--ca-file', '{keys}'],
    says: /not PEM/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{keys}', '--ca-file', '{ca}', '--insecure'],
    says: /contradict/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{keys}', '--json=yes'],
    says: /does not take an argument/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{keys}', '--bogus'],
    says: /bogus/,
  },
  {
    command: 'validate',
    args: ['validate', '--url', '{url}', '--keys-file', '{keys}', 'extra'],
    says: /extra/,
  },
  // ── keys stage ──
  {
    command: 'keys stage',
    args: ['keys', 'stage', '--url', '{url}', '--keys-file', '{keys}'],
    says: /--secret-id/,
  },
  {
    command: 'keys stage',
    args: ['keys', 'stage', '--secret-id', SECRET_ARN, '--keys-file', '{keys}'],
    says: /Missing --url/,
  },
  {
    command: 'keys stage',
    args: ['keys', 'stage', '--secret-id', SECRET_ARN, '--url', '{url}', '--keys-file', '{keys}'],
    env: { AWS_REGION: '' },
    says: /No AWS region/,
  },
  {
    command: 'keys stage',
    args: [
      'keys',
      'stage',
      '--secret-id',
      SECRET_ARN,
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--region',
      'eu west 1',
    ],
    says: /--region/,
  },
  {
    command: 'keys stage',
    args: [
      'keys',
      'stage',
      '--secret-id',
      SECRET_ARN,
      '--url',
      'http://sc.example.com',
      '--keys-file',
      '{keys}',
    ],
    says: /unencrypted/,
  },
  {
    command: 'keys stage',
    args: ['keys', 'stage', '--secret-id', SECRET_ARN, '--url', '{url}', '--keys', 'accesskey=x'],
    says: /--keys/,
  },
  {
    command: 'keys stage',
    args: ['keys', 'stage', '--secret-id', SECRET_ARN, '--url', '{url}'],
    says: /No API keys given/,
  },
  {
    command: 'keys stage',
    args: [
      'keys',
      'stage',
      '--secret-id',
      SECRET_ARN,
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--keys-env',
      'K',
    ],
    says: /only one/,
  },
  {
    command: 'keys stage',
    args: ['keys', 'stage', '--secret-id', SECRET_ARN, '--url', '{url}', '--keys-env', 'UNSET_VAR'],
    says: /UNSET_VAR is not set/,
  },
  {
    command: 'keys stage',
    args: ['keys', 'stage', '--secret-id', SECRET_ARN, '--url', '{url}', '--keys-file', '{badKeys}'],
    says: /SC API keys/,
  },
  {
    command: 'keys stage',
    args: [
      'keys',
      'stage',
      '--secret-id',
      SECRET_ARN,
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--ca-file',
      '{dir}/none',
    ],
    says: /CA file/,
  },
  {
    command: 'keys stage',
    args: [
      'keys',
      'stage',
      '--secret-id',
      SECRET_ARN,
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--ca-file',
      '{keys}',
    ],
    says: /not PEM/,
  },
  {
    command: 'keys stage',
    args: [
      'keys',
      'stage',
      '--secret-id',
      SECRET_ARN,
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--ca-file',
      '{ca}',
      '--insecure',
    ],
    says: /contradict/,
  },
  {
    command: 'keys stage',
    args: [
      'keys',
      'stage',
      '--secret-id',
      SECRET_ARN,
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--rotate=no',
    ],
    says: /does not take an argument/,
  },
  {
    command: 'keys stage',
    args: [
      'keys',
      'stage',
      '--secret-id',
      SECRET_ARN,
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--version-stage',
      'X',
    ],
    says: /version-stage/,
  },
  { command: 'keys stage', args: ['keys', 'rotate'], says: /one subcommand: stage/ },
  // ── export ──
  { command: 'export', args: ['export', '--url', '{url}', '--keys-file', '{keys}'], says: /Missing --out/ },
  {
    command: 'export',
    args: ['export', '--keys-file', '{keys}', '--out', '{dir}/out'],
    says: /Missing --url/,
  },
  {
    command: 'export',
    args: ['export', '--url', 'http://sc.example.com', '--keys-file', '{keys}', '--out', '{dir}/out'],
    says: /unencrypted/,
  },
  {
    command: 'export',
    args: [
      'export',
      '--url',
      'http://sc.example.com',
      '--secret-id',
      SECRET_ARN,
      '--region',
      'us-east-1',
      '--out',
      '{dir}/out',
    ],
    says: /unencrypted/,
  },
  {
    command: 'export',
    args: [
      'export',
      '--url',
      '{url}',
      '--secret-id',
      SECRET_ARN,
      '--region',
      'us-east-1a',
      '--out',
      '{dir}/out',
    ],
    says: /--region/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{keys}', '--out', 's3://'],
    says: /--out/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{keys}', '--out', 's3://My_Bucket/x'],
    says: /--out/,
  },
  {
    command: 'export',
    args: [
      'export',
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--out',
      '{dir}/out',
      '--dataset',
      'everything',
    ],
    says: /--dataset/,
  },
  {
    command: 'export',
    args: [
      'export',
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--out',
      '{dir}/out',
      '--dataset',
      'vulns,vulns',
    ],
    says: /--dataset/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{keys}', '--out', '{dir}/out', '--since', 'yesterday'],
    says: /--since/,
  },
  {
    command: 'export',
    args: [
      'export',
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--out',
      '{dir}/out',
      '--since',
      '2026-13-45',
    ],
    says: /--since/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{keys}', '--out', '{dir}/out', '--page-size', '50'],
    says: /--page-size/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{keys}', '--out', '{dir}/out', '--page-size', '1e3'],
    says: /--page-size/,
  },
  {
    command: 'export',
    args: [
      'export',
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--out',
      '{dir}/out',
      '--severity-floor',
      '5',
    ],
    says: /--severity-floor/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{keys}', '--out', '{dir}/out', '--part-size-mb', '0'],
    says: /--part-size-mb/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{badKeys}', '--out', '{dir}/out'],
    says: /SC API keys/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{keys}', '--keys-env', 'K', '--out', '{dir}/out'],
    says: /only one/,
  },
  {
    command: 'export',
    args: [
      'export',
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--out',
      '{dir}/out',
      '--ca-file',
      '{dir}/none',
    ],
    says: /CA file/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{keys}', '--out', '{dir}/out', '--ca-file', '{keys}'],
    says: /not PEM/,
  },
  {
    command: 'export',
    args: [
      'export',
      '--url',
      '{url}',
      '--keys-file',
      '{keys}',
      '--out',
      '{dir}/out',
      '--ca-file',
      '{ca}',
      '--insecure',
    ],
    says: /contradict/,
  },
  {
    command: 'export',
    args: ['export', '--url', '{url}', '--keys-file', '{keys}', '--out', '{dir}/out', '--bogus'],
    says: /bogus/,
  },
  // ── simulator ──
  { command: 'simulator', args: ['simulator', '--port', '70000'], says: /--port/ },
  { command: 'simulator', args: ['simulator', '--port', 'http'], says: /--port/ },
  { command: 'simulator', args: ['simulator', '--seed', '-1'], says: /--seed/ },
  { command: 'simulator', args: ['simulator', '--vulns', 'many'], says: /--vulns/ },
  { command: 'simulator', args: ['simulator', '--vulns', '5000001'], says: /--vulns/ },
  { command: 'simulator', args: ['simulator', '--fixed', '1.5'], says: /--fixed/ },
  { command: 'simulator', args: ['simulator', '--hosts', '0'], says: /--hosts/ },
  { command: 'simulator', args: ['simulator', '--dir', '/dev/null/sc2aws-simulator'], says: /Cannot create/ },
  { command: 'simulator', args: ['simulator', '--json=1'], says: /does not take an argument/ },
  { command: 'simulator', args: ['simulator', '--bogus'], says: /bogus/ },
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
  const run = async (args: string[], env: Record<string, string> = {}) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      args.map(fill),
      {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', ...env },
      },
      Promise.resolve(),
    );
    return { code, stdout, stderr };
  };

  it.each(CASES)(
    '$command $args.2 $args.3 …: exit 3, one line ($says), nothing sent',
    async ({ args, env, says }) => {
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
    },
  );

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
