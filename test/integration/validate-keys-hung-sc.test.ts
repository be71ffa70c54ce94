// @module-tag runtime
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';

/** A Lambda context with `ms` left, counting down in real time. */
function contextWith(ms: number): Context & { remaining: () => number } {
  const end = performance.now() + ms;
  const remaining = () => end - performance.now();
  return {
    functionName: 'validate-keys',
    awsRequestId: 'r-hung',
    getRemainingTimeInMillis: remaining,
    remaining,
  } as unknown as Context & { remaining: () => number };
}

/**
 * functions/validate-keys against an SC that accepts the connection and never answers (issue 14,
 * item 4b): the invocation has 3 s left, its SC client would allow 120 s for headers and 5 attempts.
 */
describe('validate-keys against a hung SC', () => {
  let sim: SimulatorHandle;
  const eb = mockClient(EventBridgeClient);
  const saved = { ...process.env };
  const emf: Record<string, unknown>[] = [];

  const published = () =>
    eb.commandCalls(PutEventsCommand).flatMap((c) =>
      (c.args[0].input.Entries ?? []).map((e) => ({
        type: e.DetailType,
        detail: JSON.parse(e.Detail ?? '{}'),
      })),
    );
  const load = async () => {
    vi.resetModules();
    process.env = {
      ...saved,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
      // Metrics print as EMF on console.log, where the test reads them.
      POWERTOOLS_METRICS_DISABLED: 'false',
      POWERTOOLS_DEV: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      SC_URL: sim.url,
      SC_SECRET_ARN: SECRET_ARN,
      SC_CA_BUNDLE: sim.caPem,
      EVENT_BUS_NAME: 'sc2aws',
    };
    return import('../../functions/validate-keys/handler');
  };

  beforeAll(async () => {
    sim = await startSimulator({ vulnCount: 5, fixedCount: 1, hostCount: 2 });
  });
  beforeEach(() => {
    eb.reset();
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const sm = fakeSecretsManager();
    const keys = `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`;
    sm.put('C', keys, ['AWSCURRENT']);
    sm.put('T', keys, ['AWSPENDING']);
    emf.length = 0;
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      const text = String(line);
      if (text.includes('"_aws"')) emf.push(JSON.parse(text) as Record<string, unknown>);
    });
    // Every attempt the client might make would hang.
    sim.control.injectFault({ kind: 'hang', path: '/rest/currentUser', times: 10 });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    sim.control.clearFaults();
  });
  afterAll(async () => {
    process.env = saved;
    await sim.close();
  });

  it.each([
    ['a direct validation', { action: 'validate' }],
    [
      'a Secret Label Updated event',
      {
        source: 'aws.secretsmanager',
        'detail-type': 'Secret Label Updated',
        resources: [SECRET_ARN],
        detail: { labelUpdated: 'AWSCURRENT', versionId: 'C' },
      },
    ],
    ['the testSecret rotation step', { Step: 'testSecret', SecretId: SECRET_ARN, ClientRequestToken: 'T' }],
  ])(
    'ends %s with exactly one Key Validation Failed event (SC_DEADLINE) and the failure metric, in time',
    async (_name, event) => {
      // Prepare
      const { handler } = await load();
      const context = contextWith(3000);

      // Act
      const outcome = await handler(event, context).catch((e: unknown) => e);

      // Assert
      // Over with time to spare: the margin kept for reporting is left.
      expect(context.remaining()).toBeGreaterThan(1000);
      expect(published()).toEqual([
        {
          type: 'Key Validation Failed',
          detail: expect.objectContaining({
            errorCode: 'SC_DEADLINE',
            reason: expect.stringMatching(/deadline/),
          }),
        },
      ]);
      expect(emf.filter((record) => 'KeyValidationFailed' in record)).toHaveLength(1);
      // A direct or label-updated validation reports and returns; a rotation step fails for Secrets Manager.
      expect(outcome).toMatchObject(
        'Step' in event ? { code: 'SC_DEADLINE' } : { valid: false, errorCode: 'SC_DEADLINE' },
      );
      await sim.control.whenNoneHeld();
    },
  );
});
