import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createEventPublisher } from '#lib/events';
import {
  type ChangeDeps,
  handleValidateKeysEvent,
  MetricName,
  REJECTED_LABEL,
  STAGED_LABEL,
  TESTED_LABEL,
} from '#lib/rotation';
import { createApiKeySource, ScApiKeys } from '#lib/secrets';
import { ScClient } from '#lib/tenable';
import { type SimulatorHandle, type SimulatorUser, startSimulator } from '#sim';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';
import { errorSurface, expectNoKeyMaterial } from '#support/keys';
import { recordingLogger } from '#support/log-recorder';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const header = (k: { accessKey: string; secretKey: string }) =>
  `accesskey=${k.accessKey}; secretkey=${k.secretKey};`;

const ANALYST: SimulatorUser = {
  id: '7',
  username: 'svc-sc2aws',
  roleId: '4',
  roleName: 'Vulnerability Analyst',
  orgId: '1',
  orgName: 'Acme',
  keys: { accessKey: 'a1'.repeat(16), secretKey: 'b2'.repeat(16) },
};
const ADMIN: SimulatorUser = {
  id: '1',
  username: 'admin',
  roleId: '1',
  roleName: 'Administrator',
  orgId: 0,
  orgName: 'Tenable.sc Administration',
  keys: { accessKey: 'c3'.repeat(16), secretKey: 'd4'.repeat(16) },
};

describe('validate-keys', () => {
  let sim: SimulatorHandle;
  let sm: ReturnType<typeof fakeSecretsManager>;
  const eb = mockClient(EventBridgeClient);
  const logger = recordingLogger();
  const metrics: string[] = [];
  const thrown: unknown[] = [];
  const everyKey: string[] = [];

  const published = () =>
    eb.commandCalls(PutEventsCommand).flatMap((c) =>
      (c.args[0].input.Entries ?? []).map((e) => ({
        type: e.DetailType,
        detail: JSON.parse(e.Detail ?? '{}'),
      })),
    );
  const deps = (extra: Partial<ChangeDeps> = {}): ChangeDeps => ({
    secrets: sm.client(),
    secretArn: SECRET_ARN,
    scUrl: sim.url,
    events: createEventPublisher({
      client: new EventBridgeClient({ region: 'us-east-1' }),
      sleep: async () => {},
    }),
    metrics: { addMetric: (name) => void metrics.push(name) },
    logger,
    scClientFor: (keys) => new ScClient({ url: sim.url, keys, ca: sim.caPem, retry: { maxAttempts: 1 } }),
    ...extra,
  });
  const invoke = async (event: unknown, extra: Partial<ChangeDeps> = {}) => {
    try {
      return await handleValidateKeysEvent(deps(extra), event);
    } catch (err) {
      thrown.push(err);
      throw err;
    }
  };
  const step = (Step: string, token = 'T') => ({
    Step,
    SecretId: SECRET_ARN,
    ClientRequestToken: token,
    RotationToken: 'opaque-rotation-token-never-logged',
  });

  beforeAll(async () => {
    sim = await startSimulator({ vulnCount: 10, fixedCount: 1, hostCount: 2, users: [ANALYST, ADMIN] });
  });
  beforeEach(() => {
    sm = fakeSecretsManager();
    eb.reset();
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    metrics.length = 0;
    // The operator's situation: old keys current in AWS, new keys generated in SC and staged.
    const old = header(sim.users[0]?.keys ?? ANALYST.keys);
    const fresh = sim.control.regenerateKeys('svc-sc2aws');
    everyKey.push(...Object.values(sim.users[0]?.keys ?? {}), fresh.accessKey, fresh.secretKey);
    sm.put('C', old, ['AWSCURRENT']);
    sm.put('S', header(fresh), [STAGED_LABEL]);
    sm.put('T', undefined, ['AWSPENDING']);
  });
  afterAll(async () => {
    // Nothing the function logged, published or threw in this file holds key material or the RotationToken.
    const surface = [logger.text(), JSON.stringify(published()), ...thrown.map(errorSurface)].join('\n');
    expectNoKeyMaterial(surface, ...everyKey, ADMIN.keys.accessKey, ADMIN.keys.secretKey);
    expect(surface).not.toContain('opaque-rotation-token');
    await sim.close();
  });

  it('rotates staged keys in: create, set, test, finish', async () => {
    await invoke(step('createSecret'));
    expect(sm.versions.get('T')?.value).toBe(sm.versions.get('S')?.value);
    expect(sm.mock).toHaveReceivedCommandWith(PutSecretValueCommand, {
      ClientRequestToken: 'T',
      VersionStages: ['AWSPENDING'],
    });
    await invoke(step('setSecret'));
    await invoke(step('testSecret'));
    expect(published().map((e) => e.type)).toEqual(['Key Validation Succeeded']);
    expect(published()[0]?.detail).toMatchObject({
      secretArn: SECRET_ARN,
      versionId: 'T',
      versionStage: 'AWSPENDING',
      trigger: 'rotation',
      step: 'testSecret',
      user: {
        username: 'svc-sc2aws',
        role: { name: 'Vulnerability Analyst' },
        organization: { name: 'Acme' },
      },
      administrator: false,
    });
    await invoke(step('finishSecret'));
    expect(sm.holder('AWSCURRENT')).toBe('T');
    expect(sm.holder('AWSPREVIOUS')).toBe('C');
    expect(sm.holder(STAGED_LABEL)).toBeUndefined();
    expect(published().map((e) => e.type)).toEqual(['Key Validation Succeeded', 'Key Rotation Completed']);
    expect(metrics).toEqual([MetricName.Succeeded]);
  });

  it('repeats every step without harm (Secrets Manager retries steps)', async () => {
    for (const s of ['createSecret', 'createSecret', 'setSecret', 'setSecret', 'testSecret', 'testSecret'])
      await invoke(step(s));
    expect(sm.mock).toHaveReceivedCommandTimes(PutSecretValueCommand, 1);
    await invoke(step('finishSecret'));
    await invoke(step('finishSecret'));
    // Once each: SC2AWS_TESTED on, AWSCURRENT moved, SC2AWS_STAGED off, SC2AWS_TESTED off.
    expect(sm.mock).toHaveReceivedCommandTimes(UpdateSecretVersionStageCommand, 4);
    expect(sm.holder('AWSCURRENT')).toBe('T');
    expect(published().filter((e) => e.type === 'Key Rotation Completed')).toHaveLength(1);
  });

  it.each([
    ['rotation is not enabled', () => (sm.state.rotationEnabled = false), 'T', 'ROTATION_NOT_ENABLED'],
    ['the token is not a version of the secret', () => {}, 'nope', 'ROTATION_TOKEN_UNKNOWN'],
    [
      'the token is neither current nor pending',
      () => sm.put('X', 'x', ['OTHER']),
      'X',
      'ROTATION_TOKEN_NOT_PENDING',
    ],
  ])('refuses a step when %s', async (_name, arrange, token, code) => {
    arrange();
    await expect(invoke(step('createSecret', token))).rejects.toMatchObject({ code });
    expect(sm.mock).toHaveReceivedCommandTimes(PutSecretValueCommand, 0);
  });

  it('returns early when the token is already AWSCURRENT', async () => {
    await expect(invoke(step('testSecret', 'C'))).resolves.toBeUndefined();
    expect(published()).toEqual([]);
  });

  it.each([
    ['dead', false, 'Key Validation Failed'],
    ['valid', true, 'Key Validation Succeeded'],
  ])(
    'with nothing staged, re-validates AWSCURRENT (%s keys), ends cleanly and leaves no AWSPENDING',
    async (_name, valid, verdict) => {
      const fresh = sm.versions.get('S')?.value;
      sm.versions.delete('S');
      if (valid) sm.put('C', fresh, ['AWSCURRENT']);
      const logged = logger.records.length;
      for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) await invoke(step(s));
      expect(sm.holder('AWSPENDING')).toBeUndefined();
      expect(sm.holder('AWSCURRENT')).toBe('C');
      expect(sm.versions.get('T')?.value).toBeUndefined();
      expect(published()).toEqual([
        expect.objectContaining({
          type: verdict,
          detail: expect.objectContaining({ versionId: 'C', versionStage: 'AWSCURRENT', step: 'testSecret' }),
        }),
      ]);
      const warnings = logger.records.slice(logged).filter((r) => r.level === 'warn');
      expect(warnings.some((r) => /sc2aws keys stage/.test(r.message))).toBe(true);
    },
  );

  it('fails a rotation with nothing staged when AWSCURRENT itself cannot be read', async () => {
    sm.versions.delete('S');
    sm.put('C', 'not keys', ['AWSCURRENT']);
    await invoke(step('createSecret'));
    await expect(invoke(step('testSecret'))).rejects.toMatchObject({ code: 'SECRET_FORMAT' });
    expect(published()).toEqual([
      expect.objectContaining({
        type: 'Key Validation Failed',
        detail: expect.objectContaining({ versionStage: 'AWSCURRENT' }),
      }),
    ]);
  });

  it('refuses a direct finishSecret on a version testSecret did not prove; AWSCURRENT does not move', async () => {
    await invoke(step('createSecret'));
    await expect(invoke(step('finishSecret'))).rejects.toMatchObject({ code: 'ROTATION_UNTESTED' });
    expect(sm.holder('AWSCURRENT')).toBe('C');
    expect(sm.holder(STAGED_LABEL)).toBe('S');
    expect(published()).toEqual([
      expect.objectContaining({
        type: 'Key Validation Failed',
        detail: expect.objectContaining({
          versionId: 'T',
          step: 'finishSecret',
          errorCode: 'ROTATION_UNTESTED',
        }),
      }),
    ]);
    expect(metrics).toEqual([MetricName.Failed]);
  });

  it('finishes the cleanup when finishSecret is retried after AWSCURRENT moved, announcing the rotation once', async () => {
    for (const s of ['createSecret', 'setSecret', 'testSecret']) await invoke(step(s));
    sm.failNext(
      'UpdateSecretVersionStage',
      (input) => input.VersionStage === STAGED_LABEL,
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
    );
    await expect(invoke(step('finishSecret'))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(sm.holder('AWSCURRENT')).toBe('T');
    expect(sm.holder(STAGED_LABEL)).toBe('S');
    await invoke(step('finishSecret')); // Secrets Manager retries the step
    await invoke(step('finishSecret'));
    expect(sm.holder(STAGED_LABEL)).toBeUndefined();
    expect(sm.holder(TESTED_LABEL)).toBeUndefined();
    expect(published().filter((e) => e.type === 'Key Rotation Completed')).toEqual([
      {
        type: 'Key Rotation Completed',
        detail: expect.objectContaining({ versionId: 'T', previousVersionId: 'C' }),
      },
    ]);
  });

  it('fails testSecret for keys SC rejects and leaves AWSCURRENT where it is', async () => {
    sm.put('S', header({ accessKey: 'e5'.repeat(16), secretKey: 'f6'.repeat(16) }), [STAGED_LABEL]);
    await invoke(step('createSecret'));
    await expect(invoke(step('testSecret'))).rejects.toMatchObject({ code: 'SC_KEYS_REJECTED' });
    expect(sm.holder('AWSCURRENT')).toBe('C');
    // The verdict is kept and the secret is free for the next rotation: no AWSPENDING stuck, the
    // dead keys no longer staged.
    expect(sm.holder(REJECTED_LABEL)).toBe('T');
    expect(sm.holder('AWSPENDING')).toBeUndefined();
    expect(sm.holder(STAGED_LABEL)).toBeUndefined();
    expect(published()).toEqual([
      expect.objectContaining({
        type: 'Key Validation Failed',
        detail: expect.objectContaining({ errorCode: 'SC_KEYS_REJECTED' }),
      }),
    ]);
    expect(metrics).toEqual([MetricName.Failed]);
  });

  it('never tests refused keys again when Secrets Manager retries the failed rotation', async () => {
    sm.put('S', header({ accessKey: 'e5'.repeat(16), secretKey: 'f6'.repeat(16) }), [STAGED_LABEL]);
    await invoke(step('createSecret'));
    await expect(invoke(step('testSecret'))).rejects.toMatchObject({ code: 'SC_KEYS_REJECTED' });
    const scCalls = sim.requests.length;
    for (const s of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      await expect(invoke(step(s))).rejects.toMatchObject({ code: 'ROTATION_KEYS_ALREADY_REJECTED' });
    }
    expect(sim.requests.length).toBe(scCalls);
    expect(published().map((e) => e.type)).toEqual(['Key Validation Failed']);
    expect(sm.holder('AWSCURRENT')).toBe('C');
  });

  it('keeps AWSPENDING after a transient SC failure, so the retried testSecret can still pass', async () => {
    await invoke(step('createSecret'));
    sim.control.injectFault({ kind: 'status', status: 503, path: '/rest/currentUser' });
    await expect(invoke(step('testSecret'))).rejects.toMatchObject({ code: 'SC_TRANSIENT' });
    expect(sm.holder('AWSPENDING')).toBe('T');
    expect(sm.holder(REJECTED_LABEL)).toBeUndefined();
    await invoke(step('testSecret'));
    await invoke(step('finishSecret'));
    expect(sm.holder('AWSCURRENT')).toBe('T');
  });

  it('fails testSecret when the keys belong to another user than the expected one', async () => {
    await invoke(step('createSecret'));
    await expect(invoke(step('testSecret'), { expectedUsername: 'svc-other' })).rejects.toMatchObject({
      code: 'KEYS_WRONG_USER',
    });
    expect(published()[0]?.detail).toMatchObject({
      errorCode: 'KEYS_WRONG_USER',
      user: { username: 'svc-sc2aws' },
    });
  });

  it('passes Administrator keys with a warning, a metric and the flag in the event', async () => {
    sm.put('S', header(ADMIN.keys), [STAGED_LABEL]);
    await invoke(step('createSecret'));
    await invoke(step('testSecret'));
    expect(published()[0]).toMatchObject({
      type: 'Key Validation Succeeded',
      detail: { administrator: true, user: { organization: { id: '0' } } },
    });
    expect(metrics).toContain(MetricName.AdministratorKeys);
    expect(logger.records.some((r) => r.level === 'warn' && /Administrator/.test(r.message))).toBe(true);
  });

  const labelUpdated = (versionId: string, labelUpdated = 'AWSCURRENT', resources = [SECRET_ARN]) => ({
    source: 'aws.secretsmanager',
    'detail-type': 'Secret Label Updated',
    resources,
    detail: { name: 'sc2aws/sc-keys', labelUpdated, versionId },
  });

  it('reports a bad key change from "Secret Label Updated" and ends without throwing', async () => {
    sm.put('M', header({ accessKey: '0f'.repeat(16), secretKey: 'f0'.repeat(16) }), ['AWSCURRENT']);
    const result = await invoke(labelUpdated('M'));
    expect(result).toMatchObject({ valid: false, versionId: 'M', errorCode: 'SC_KEYS_REJECTED' });
    expect(published()).toEqual([expect.objectContaining({ type: 'Key Validation Failed' })]);
    expect(published()[0]?.detail).toMatchObject({ trigger: 'label-updated', versionStage: 'AWSCURRENT' });
  });

  it('reports a key change to a badly formatted secret as a failed validation', async () => {
    sm.put('M', 'accesskey=short; secretkey=short;', ['AWSCURRENT']);
    await expect(invoke(labelUpdated('M'))).resolves.toMatchObject({
      valid: false,
      errorCode: 'SECRET_FORMAT',
    });
    expect(published()[0]?.type).toBe('Key Validation Failed');
  });

  it('validates good keys after a label change', async () => {
    await expect(invoke(labelUpdated('S'))).resolves.toMatchObject({
      valid: true,
      user: { username: 'svc-sc2aws' },
    });
  });

  it.each([
    ['another label', labelUpdated('S', 'AWSPREVIOUS')],
    [
      'another secret',
      labelUpdated('S', 'AWSCURRENT', ['arn:aws:secretsmanager:us-east-1:123456789012:secret:other-XyZ']),
    ],
  ])('ignores label changes of %s', async (_name, event) => {
    await expect(invoke(event)).resolves.toMatchObject({ ignored: expect.any(String) });
    expect(published()).toEqual([]);
  });

  it('validates a stage on direct invocation', async () => {
    await expect(invoke({ action: 'validate', versionStage: STAGED_LABEL })).resolves.toMatchObject({
      valid: true,
      versionId: 'S',
    });
    await expect(invoke({ action: 'validate' })).resolves.toMatchObject({
      valid: false,
      versionStage: 'AWSCURRENT',
    });
  });

  it('refuses events it does not handle, and rotation of another secret', async () => {
    await expect(invoke({ hello: 'world' })).rejects.toMatchObject({ code: 'EVENT_UNSUPPORTED' });
    await expect(
      invoke({ ...step('createSecret'), SecretId: 'arn:aws:secretsmanager:us-east-1:1:secret:x' }),
    ).rejects.toMatchObject({
      code: 'EVENT_UNSUPPORTED',
    });
  });
});

describe("the pullers' side of rotation", () => {
  it('refetches the secret once after SC rejects cached keys, and goes on with the rotated pair', async () => {
    const sim = await startSimulator({ vulnCount: 10, fixedCount: 1, hostCount: 2 });
    const sm = fakeSecretsManager();
    try {
      sm.put('C', header(sim.keys), ['AWSCURRENT']);
      const source = createApiKeySource({ client: sm.client(), secretId: SECRET_ARN, ttlMs: 3_600_000 });
      const sc = new ScClient({
        url: sim.url,
        ca: sim.caPem,
        keys: {
          current: async () => (await source.get()).keys,
          refresh: async () => (await source.get({ forceRefresh: true })).keys,
        },
      });
      await sc.currentUser();
      // The operator regenerates keys in SC (old pair dead at once) and the new pair reaches AWSCURRENT.
      const fresh = sim.control.regenerateKeys();
      sm.put('N', header(fresh), ['AWSCURRENT']);
      await expect(sc.currentUser()).resolves.toMatchObject({ username: sim.users[0]?.username });
      // Still cached, the new pair serves the next call without another read.
      expect(sm.mock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
      await sc.currentUser();
      expect(sm.mock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
      await sc.close();
    } finally {
      await sim.close();
    }
  });

  it('fails with the typed auth error when the refetched keys are the same dead pair', async () => {
    const sim = await startSimulator({ vulnCount: 10, fixedCount: 1, hostCount: 2 });
    const sm = fakeSecretsManager();
    try {
      sm.put('C', header(sim.keys), ['AWSCURRENT']);
      const source = createApiKeySource({ client: sm.client(), secretId: SECRET_ARN });
      const keys = ScApiKeys.parse(header(sim.keys));
      const sc = new ScClient({
        url: sim.url,
        ca: sim.caPem,
        keys: {
          current: async () => keys,
          refresh: async () => (await source.get({ forceRefresh: true })).keys,
        },
      });
      sim.control.revokeKeys();
      await expect(sc.currentUser()).rejects.toMatchObject({ code: 'SC_KEYS_REJECTED' });
      await sc.close();
    } finally {
      await sim.close();
    }
  });
});
