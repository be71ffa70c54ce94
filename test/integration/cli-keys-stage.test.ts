import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutSecretValueCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { STAGED_LABEL } from '#lib/rotation';
import { type SimulatorHandle, startSimulator } from '#sim';
import { runCliInProcess } from '#support/cli';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';
import { expectNoKeyMaterial } from '#support/keys';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/** `sc2aws keys stage`, run in-process so the Secrets Manager fake sees its calls. */
describe('sc2aws keys stage', () => {
  let sim: SimulatorHandle;
  let sm: ReturnType<typeof fakeSecretsManager>;
  let dir: string;
  let caFile: string;
  const outputs: string[] = [];
  const secrets: string[] = [];

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await runCliInProcess(['keys', 'stage', ...args], env);
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const keysFile = async (k: { accessKey: string; secretKey: string }) => {
    const file = join(dir, `keys-${k.accessKey.slice(0, 4)}`);
    await writeFile(file, `accesskey=${k.accessKey}; secretkey=${k.secretKey};\n`, { mode: 0o600 });
    secrets.push(k.accessKey, k.secretKey);
    return file;
  };

  beforeAll(async () => {
    sim = await startSimulator({ vulnCount: 5, fixedCount: 1, hostCount: 2 });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-stage-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, sim.caPem);
  });
  beforeEach(() => {
    sm = fakeSecretsManager();
  });
  afterAll(async () => {
    expectNoKeyMaterial(outputs.join('\n'), ...secrets);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('proves new keys, stages them under SC2AWS_STAGED and starts the rotation', async () => {
    const fresh = sim.control.regenerateKeys();
    const file = await keysFile(fresh);
    const r = await run([
      '--secret-id',
      SECRET_ARN,
      '--url',
      sim.url,
      '--ca-file',
      caFile,
      '--keys-file',
      file,
      '--rotate',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      staged: true,
      consoleId: 'default',
      rotationStarted: true,
      user: { username: sim.users[0]?.username },
    });
    expect(sm.holder(STAGED_LABEL)).toBe(report.versionId);
    expect(sm.versions.get(report.versionId)?.value).toBe(
      `accesskey=${fresh.accessKey}; secretkey=${fresh.secretKey};`,
    );
    expect(sm.mock).toHaveReceivedCommandTimes(RotateSecretCommand, 1);
  });

  it('stages without rotating, names the console, and says how to rotate', async () => {
    secrets.push(sim.keys.accessKey, sim.keys.secretKey);
    const r = await run(
      [
        '--secret-id',
        SECRET_ARN,
        '--url',
        sim.url,
        '--ca-file',
        caFile,
        '--keys-env',
        'NEW_KEYS',
        '--console',
        'emea',
      ],
      {
        NEW_KEYS: `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Not rotated yet/);
    expect(r.stdout).toContain('Staged (label SC2AWS_STAGED) for console emea: secret');
    expect(sm.mock).toHaveReceivedCommandTimes(RotateSecretCommand, 0);
  });

  it('refuses keys SC rejects and changes nothing in Secrets Manager', async () => {
    const file = await keysFile({ accessKey: '9a'.repeat(16), secretKey: '8b'.repeat(16) });
    const r = await run([
      '--secret-id',
      SECRET_ARN,
      '--url',
      sim.url,
      '--ca-file',
      caFile,
      '--keys-file',
      file,
      '--rotate',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SC rejected the API keys/);
    expect(sm.mock).toHaveReceivedCommandTimes(PutSecretValueCommand, 0);
    expect(sm.mock).toHaveReceivedCommandTimes(RotateSecretCommand, 0);
  });

  const stageAndRotate = async (keys: { accessKey: string; secretKey: string }) =>
    run([
      '--secret-id',
      SECRET_ARN,
      '--url',
      sim.url,
      '--ca-file',
      caFile,
      '--keys-file',
      await keysFile(keys),
      '--rotate',
    ]);

  it('keeps the staged keys and explains what to do when the secret has no rotation Lambda', async () => {
    sm.state.rotationEnabled = false;
    sm.state.rotationLambdaArn = undefined;
    const r = await stageAndRotate(sim.keys);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/has no rotation Lambda.*rotation-lambda-arn/);
    expect(sm.holder(STAGED_LABEL)).toBeDefined();
    expect(sm.mock).toHaveReceivedCommandTimes(RotateSecretCommand, 0);
  });

  it('says rotation is turned off, not that there is no Lambda, when it was cancelled', async () => {
    sm.state.rotationEnabled = false;
    const r = await stageAndRotate(sim.keys);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/rotation is turned off .*rotate-secret --secret-id/);
    expect(r.stderr).not.toMatch(/no rotation Lambda/);
    expect(sm.mock).toHaveReceivedCommandTimes(RotateSecretCommand, 0);
  });

  it('clears AWSPENDING an unfinished rotation left, then starts the rotation of the new keys', async () => {
    sm.put('C', 'accesskey=x; secretkey=y;', ['AWSCURRENT']);
    sm.put('OLD', undefined, ['AWSPENDING']);
    const r = await stageAndRotate(sim.keys);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cleared an unfinished earlier rotation \(AWSPENDING on version OLD\)/);
    expect(sm.state.reattempted).toEqual([]); // RotateSecret was never refused
    expect(sm.state.tokens).toHaveLength(1);
    expect(sm.holder('AWSPENDING')).toBe(sm.state.tokens[0]);
  });

  it('reports a rotation that started meanwhile as such, not as a missing rotation Lambda', async () => {
    sm.put('C', 'accesskey=x; secretkey=y;', ['AWSCURRENT']);
    // Another rotation starts between DescribeSecret and RotateSecret.
    sm.mock.on(RotateSecretCommand).rejectsOnce(
      Object.assign(new Error("A previous rotation isn't complete. That rotation will be reattempted."), {
        name: 'InvalidRequestException',
      }),
    );
    const r = await stageAndRotate(sim.keys);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/previous rotation isn't complete.*another rotation started meanwhile/);
    expect(r.stderr).not.toMatch(/no rotation Lambda/);
  });

  it.each([
    ['keys given on the command line', ['--keys', 'accesskey=x'], /--keys/],
    ['no secret id', ['--url', 'https://sc.example.com', '--keys-file', 'k'], /--secret-id/],
    ['no url', ['--secret-id', 's', '--keys-file', 'k'], /--url/],
    [
      'a malformed keys file',
      ['--secret-id', 's', '--url', 'https://127.0.0.1:1', '--keys-env', 'K'],
      /SC API keys/,
    ],
  ])('exits 3 on %s without touching AWS', async (_name, args, message) => {
    const r = await run(args, { K: 'accesskey=abc; secretkey=def;' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(sm.mock.calls()).toHaveLength(0);
  });
});
