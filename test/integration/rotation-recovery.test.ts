import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEventPublisher } from '#lib/events';
import { type ChangeDeps, handleValidateKeysEvent, REJECTED_LABEL, STAGED_LABEL } from '#lib/rotation';
import { ScClient } from '#lib/tenable';
import { type SimulatorHandle, startSimulator } from '#sim';
import { runCliInProcess } from '#support/cli';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';
import { expectNoKeyMaterial } from '#support/keys';
import { recordingLogger } from '#support/log-recorder';

type Keys = { accessKey: string; secretKey: string };
const header = (k: Keys) => `accesskey=${k.accessKey}; secretkey=${k.secretKey};`;
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

/**
 * The on-call sequence end to end: a rotation fails, the operator generates new keys in SC, runs
 * `sc2aws keys stage --rotate`, and the new keys end up AWSCURRENT. The CLI runs in-process against
 * a Secrets Manager fake that keeps RotateSecret's AWSPENDING rule; this test plays Secrets Manager's
 * part by invoking validate-keys with each rotation step, stopping at the first failure as it does.
 */
describe('recovering from a failed rotation', () => {
  let sim: SimulatorHandle;
  let sm: ReturnType<typeof fakeSecretsManager>;
  let dir: string;
  let caFile: string;
  const eb = mockClient(EventBridgeClient);
  const logger = recordingLogger();
  const seen: string[] = [];
  const everyKey: string[] = [];

  const published = () =>
    eb.commandCalls(PutEventsCommand).flatMap((c) =>
      (c.args[0].input.Entries ?? []).map((e) => ({
        type: e.DetailType,
        detail: JSON.parse(e.Detail ?? '{}'),
      })),
    );
  const regenerate = () => {
    const keys = sim.control.regenerateKeys();
    everyKey.push(keys.accessKey, keys.secretKey);
    return keys;
  };
  const currentUserCalls = () => sim.requests.filter((r) => r.path === '/rest/currentUser').length;

  /** Secrets Manager running one rotation: the steps in order, until one fails. */
  const secretsManagerRuns = async (token: string) => {
    const deps: ChangeDeps = {
      secrets: sm.client(),
      secretArn: SECRET_ARN,
      scUrl: sim.url,
      events: createEventPublisher({
        client: new EventBridgeClient({ region: 'us-east-1' }),
        sleep: async () => {},
      }),
      metrics: { addMetric: () => {} },
      logger,
      scClientFor: (keys) => new ScClient({ url: sim.url, keys, ca: sim.caPem, retry: { maxAttempts: 1 } }),
    };
    for (const Step of STEPS) {
      try {
        await handleValidateKeysEvent(deps, { Step, SecretId: SECRET_ARN, ClientRequestToken: token });
      } catch (err) {
        return { failedAt: Step, code: (err as { code?: string }).code };
      }
    }
    return { failedAt: undefined, code: undefined };
  };
  const keysStageRotate = async (keys: Keys) => {
    const file = join(dir, `keys-${keys.accessKey.slice(0, 6)}`);
    await writeFile(file, `${header(keys)}\n`, { mode: 0o600 });
    const r = await runCliInProcess([
      'keys',
      'stage',
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
    seen.push(r.stdout, r.stderr);
    return r;
  };
  /** `aws secretsmanager rotate-secret`, as the operator (or the schedule) would start a rotation. */
  const rotateSecret = () => sm.client().send(new RotateSecretCommand({ SecretId: SECRET_ARN }));

  beforeAll(async () => {
    sim = await startSimulator({ vulnCount: 5, fixedCount: 1, hostCount: 2 });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-recovery-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, sim.caPem);
  });
  beforeEach(() => {
    sm = fakeSecretsManager();
    eb.reset();
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    sim.control.clearFaults();
    everyKey.push(sim.keys.accessKey, sim.keys.secretKey);
    sm.put('V0', header(sim.keys), ['AWSCURRENT']);
  });
  afterAll(async () => {
    expectNoKeyMaterial([logger.text(), JSON.stringify(published()), ...seen].join('\n'), ...everyKey);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('after a rotation that failed and left AWSPENDING behind, new keys staged with --rotate are promoted', async () => {
    // The operator generates K1 (the old pair dies) and starts the rotation; SC is down meanwhile.
    const k1 = regenerate();
    expect((await keysStageRotate(k1)).code).toBe(0);
    const t1 = sm.state.tokens[0] as string;
    sim.control.injectFault({ kind: 'status', status: 503, path: '/rest/currentUser', times: 1_000 });
    expect(await secretsManagerRuns(t1)).toEqual({ failedAt: 'testSecret', code: 'SC_TRANSIENT' });
    // Stuck: AWSPENDING on a version that is not current, every RotateSecret refused.
    expect(sm.holder('AWSPENDING')).toBe(t1);
    await expect(rotateSecret()).rejects.toMatchObject({ name: 'InvalidRequestException' });
    sim.control.clearFaults();

    // The operator generates K2 (K1 dies) and stages it with --rotate.
    const k2 = regenerate();
    const staged = await keysStageRotate(k2);
    expect(staged.code).toBe(0);
    expect(staged.stdout).toContain(`Cleared an unfinished earlier rotation (AWSPENDING on version ${t1})`);
    const t2 = sm.state.tokens[1] as string;

    // Secrets Manager still reattempts the old rotation: it ends at once, without calling SC.
    const calls = currentUserCalls();
    expect(await secretsManagerRuns(t1)).toMatchObject({ failedAt: 'createSecret' });
    expect(currentUserCalls()).toBe(calls);

    // The new rotation promotes K2.
    expect(await secretsManagerRuns(t2)).toEqual({ failedAt: undefined, code: undefined });
    expect(sm.holder('AWSCURRENT')).toBe(t2);
    expect(sm.versions.get(t2)?.value).toBe(header(k2));
    expect(sm.holder(STAGED_LABEL)).toBeUndefined();
    expect(published().filter((e) => e.type === 'Key Rotation Completed')).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ versionId: t2, previousVersionId: 'V0' }),
      }),
    ]);

    // The next scheduled rotation (nothing staged) re-validates K2 and leaves nothing pending.
    await rotateSecret();
    const t3 = sm.state.tokens[2] as string;
    expect(await secretsManagerRuns(t3)).toEqual({ failedAt: undefined, code: undefined });
    expect(sm.holder('AWSCURRENT')).toBe(t2);
    expect(sm.holder('AWSPENDING')).toBeUndefined();
    expect(published().at(-1)).toMatchObject({
      type: 'Key Validation Succeeded',
      detail: { versionId: t2, versionStage: 'AWSCURRENT', step: 'testSecret' },
    });
  });

  it('after SC refused the staged keys, retries of that rotation never test them again and new keys go in', async () => {
    // K1 staged and rotating, but the operator generated K2 before Secrets Manager tested K1.
    const k1 = regenerate();
    expect((await keysStageRotate(k1)).code).toBe(0);
    const t1 = sm.state.tokens[0] as string;
    const k2 = regenerate();
    expect(await secretsManagerRuns(t1)).toEqual({ failedAt: 'testSecret', code: 'SC_KEYS_REJECTED' });
    expect(sm.holder(REJECTED_LABEL)).toBe(t1);
    expect(sm.holder('AWSPENDING')).toBeUndefined();

    const calls = currentUserCalls();
    const events = published().length;
    for (let retry = 0; retry < 3; retry++) {
      expect(await secretsManagerRuns(t1)).toEqual({
        failedAt: 'createSecret',
        code: 'ROTATION_KEYS_ALREADY_REJECTED',
      });
    }
    expect(currentUserCalls()).toBe(calls);
    expect(published()).toHaveLength(events);

    const staged = await keysStageRotate(k2);
    expect(staged.code).toBe(0);
    expect(staged.stdout).not.toContain('Cleared');
    const t2 = sm.state.tokens[1] as string;
    expect(await secretsManagerRuns(t2)).toEqual({ failedAt: undefined, code: undefined });
    expect(sm.versions.get(sm.holder('AWSCURRENT') ?? '')?.value).toBe(header(k2));
  });
});
