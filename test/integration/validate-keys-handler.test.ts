import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type SimulatorHandle, startSimulator } from '#sim';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const context = {
  functionName: 'validate-keys',
  awsRequestId: 'r-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/** The handler module as Lambda loads it: config from the environment at cold start. */
describe('functions/validate-keys handler', () => {
  let sim: SimulatorHandle;
  const eb = mockClient(EventBridgeClient);
  const saved = { ...process.env };

  const load = async (env: Record<string, string>) => {
    vi.resetModules();
    process.env = {
      ...saved,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
      ...env,
    };
    return import('../../functions/validate-keys/handler');
  };

  beforeAll(async () => {
    sim = await startSimulator({ vulnCount: 5, fixedCount: 1, hostCount: 2 });
  });
  beforeEach(() => {
    eb.reset();
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  });
  afterAll(async () => {
    process.env = saved;
    await sim.close();
  });

  it('validates AWSCURRENT on a direct invocation and publishes the result', async () => {
    const sm = fakeSecretsManager();
    sm.put('C', `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`, ['AWSCURRENT']);
    const { handler } = await load({
      SC_URL: sim.url,
      SC_SECRET_ARN: SECRET_ARN,
      SC_CA_BUNDLE: sim.caPem,
      EVENT_BUS_NAME: 'sc2aws',
    });
    const result = await handler({ action: 'validate' }, context);
    expect(result).toMatchObject({ valid: true, versionId: 'C', user: { username: sim.users[0]?.username } });
    expect(eb).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        expect.objectContaining({
          DetailType: 'Key Validation Succeeded',
          EventBusName: 'sc2aws',
          Resources: [SECRET_ARN],
        }),
      ],
    });
  });

  it('fails the cold start with one line naming a bad variable', async () => {
    await expect(load({ SC_URL: 'http://sc.example.com', SC_SECRET_ARN: SECRET_ARN })).rejects.toThrow(
      /^Configuration error: SC_URL is not usable: .*Example: SC_URL=https:\/\/sc\.example\.com$/,
    );
  });
});
