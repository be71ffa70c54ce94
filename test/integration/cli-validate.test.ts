import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { CLI, type CliRun, runSc2aws } from '#support/cli';
import { expectNoKeyMaterial } from '#support/keys';

/** `sc2aws validate` as users run it: the built binary, against the simulator over TLS. */
describe('sc2aws validate', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let caFile: string;
  let keysFile: string;
  const runs: CliRun[] = [];

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = await runSc2aws(args, env);
    runs.push(result);
    return result;
  };
  const keyLine = () => `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, vulnCount: 50, fixedCount: 5, hostCount: 10 });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-cli-'));
    caFile = join(dir, 'ca.pem');
    keysFile = join(dir, 'keys');
    await writeFile(caFile, sim.caPem);
    await writeFile(keysFile, keyLine(), { mode: 0o600 });
  });
  afterEach(() => {
    sim.control.setApiKeysEnabled(true);
    sim.control.clearFaults();
  });
  afterAll(async () => {
    // No output of any run in this file ever shows the keys, whatever the outcome.
    const all = runs.map((r) => r.stdout + r.stderr).join('\n');
    for (const user of sim.users) expectNoKeyMaterial(all, user.keys.accessKey, user.keys.secretKey);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 and prints the user, role and organization for valid keys', async () => {
    const r = await run(['validate', '--url', sim.url, '--keys-file', keysFile, '--ca-file', caFile]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(sim.users[0]?.username);
    expect(r.stdout).toContain(sim.users[0]?.roleName);
    expect(r.stdout).toContain(sim.users[0]?.orgName);
  });

  it.each([
    ['640', 'its group'],
    ['644', 'others'],
  ])('warns on stderr, naming the file and chmod 600, when the keys file has mode %s', async (mode, who) => {
    const shared = join(dir, `shared-keys-${mode}`);
    await writeFile(shared, keyLine());
    await chmod(shared, Number.parseInt(mode, 8));
    const r = await run(['validate', '--url', sim.url, '--keys-file', shared, '--ca-file', caFile]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: the keys file ${shared} is readable by ${who}`);
    expect(r.stderr).toContain(`chmod 600 ${shared}`);
    expect(r.stdout).not.toContain('warning');
  });

  it('says nothing about the permissions of a keys file only its owner can read', async () => {
    const r = await run(['validate', '--url', sim.url, '--keys-file', keysFile, '--ca-file', caFile]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/readable by|chmod/);
  });

  it('prints one JSON object with --json', async () => {
    const r = await run(
      ['validate', '--url', sim.url, '--keys-env', 'SC_KEYS', '--ca-file', caFile, '--json'],
      {
        SC_KEYS: keyLine(),
      },
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      valid: true,
      consoleId: 'default',
      user: { username: sim.users[0]?.username, role: { name: sim.users[0]?.roleName } },
      keys: expect.stringMatching(/^ak:[0-9a-f]{8}$/),
    });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('names the console --console gives in its JSON and its text, and refuses a malformed one before sending anything', async () => {
    const args = ['validate', '--url', sim.url, '--keys-file', keysFile, '--ca-file', caFile];

    const json = await run([...args, '--console', 'emea', '--json']);
    const text = await run([...args, '--console', 'emea']);
    const bad = await run([...args, '--console', 'Emea']);

    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, consoleId: 'emea' });
    expect(text.stdout).toMatch(/^ {2}console: {6}emea$/m);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/--console "Emea" must be 1-16 lowercase letters/);
  });

  it('exits 2 and explains regenerated keys when SC rejects them', async () => {
    const bad = join(dir, 'bad-keys');
    await writeFile(bad, `accesskey=${'a'.repeat(32)}; secretkey=${'b'.repeat(32)};`, { mode: 0o600 });
    const r = await run(['validate', '--url', sim.url, '--keys-file', bad, '--ca-file', caFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: SC rejected the API keys/);
    expect(r.stderr).toMatch(/regenerated/);
  });

  it('exits 2 and says API keys are disabled when they are', async () => {
    sim.control.setApiKeysEnabled(false);
    const r = await run([
      'validate',
      '--url',
      sim.url,
      '--keys-file',
      keysFile,
      '--ca-file',
      caFile,
      '--json',
    ]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: false, error: { code: 'SC_API_KEYS_DISABLED' } });
    expect(r.stderr).toMatch(/Allow API Keys/);
  });

  it.each([
    [
      'a malformed secret',
      ['--keys-env', 'SC_KEYS'],
      { SC_KEYS: 'accesskey=abc; secretkey=def;' },
      /SECRET|32 \+ 32|64/i,
    ],
    ['an unknown flag', ['--keys-file', 'k', '--bogus'], {}, /bogus/],
    ['no key source', [], {}, /No API keys given/],
    ['two key sources', ['--keys-file', 'k', '--keys-env', 'X'], {}, /only one/],
    ['a missing CA file', ['--keys-file', 'k', '--ca-file', '/nonexistent/ca.pem'], {}, /CA file/],
    ['--secret-id without a region', ['--secret-id', 'sc2aws/keys'], {}, /region/],
  ])('exits 3 on %s before any request reaches SC', async (_name, flags, env, message) => {
    const before = sim.requests.length;
    const r = await run(['validate', '--url', sim.url, ...flags], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
    expect(sim.requests.length).toBe(before);
  });

  it('exits 3 for a plain-http URL to a remote host', async () => {
    const r = await run(['validate', '--url', 'http://sc.example.com', '--keys-file', keysFile]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unencrypted/);
  });

  it('exits 4 with a TLS message when the CA is not given', async () => {
    const r = await run(['validate', '--url', sim.url, '--keys-file', keysFile]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/TLS/);
    expect(r.stderr).toMatch(/--ca-file/);
  });

  it('exits 4 when nothing listens at the URL', async () => {
    const r = await run([
      'validate',
      '--url',
      'https://127.0.0.1:1',
      '--keys-file',
      keysFile,
      '--ca-file',
      caFile,
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/ECONNREFUSED/);
  });

  it('prints complete help and exits 0', async () => {
    const r = await run(['validate', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--url',
      '--keys-env',
      '--keys-file',
      '--secret-id',
      '--version-stage',
      '--ca-file',
      '--insecure',
      '--console',
      '--json',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('rejects an unknown command with exit 3', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unknown command/);
  });
});

describe('sc2aws simulator', () => {
  it('serves until stopped and its files let validate pass end to end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc2aws-sim-'));
    const child = spawn(process.execPath, [CLI, 'simulator', '--json', '--dir', dir, '--vulns', '100'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const first = await new Promise<string>((resolve) => {
        createInterface({ input: child.stdout }).once('line', resolve);
      });
      const info = JSON.parse(first) as { url: string; caFile: string; keysFile: string };
      expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(await readFile(info.caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
      const r = await runSc2aws([
        'validate',
        '--url',
        info.url,
        '--keys-file',
        info.keysFile,
        '--ca-file',
        info.caFile,
      ]);
      expect(r.code).toBe(0);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
