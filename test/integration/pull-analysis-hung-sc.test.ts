// @module-tag runtime
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';
import { type LocalS3, startS3 } from '#support/s3';

/**
 * functions/pull-analysis against an SC that accepts the connection and never answers, before
 * paging starts (the run's opening `GET /rest/system`): outside the pager's own time guard, only
 * the SC client's deadline bounds the call (issue 14, item 4).
 */
describe('pull-analysis against a hung SC', () => {
  let sim: SimulatorHandle;
  let s3: LocalS3;
  const eb = mockClient(EventBridgeClient);
  const saved = { ...process.env };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 4, vulnCount: 300, fixedCount: 30, hostCount: 10 });
    s3 = await startS3();
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    fakeSecretsManager().put('C', `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`, [
      'AWSCURRENT',
    ]);
  });
  afterAll(async () => {
    process.env = saved;
    await sim.close();
    await s3.close();
  });

  it('ends the invocation before its timeout with SC_DEADLINE and one Export Failed event, no request left open', async () => {
    // Prepare: 5.5 s left; the client's defaults alone (120 s headers timeout, 5 attempts) would wait 10 minutes.
    vi.resetModules();
    process.env = {
      ...saved,
      ...s3.environment(),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      SC_URL: sim.url,
      SC_SECRET_ARN: SECRET_ARN,
      SC_CA_BUNDLE: sim.caPem,
      EVENT_BUS_NAME: 'sc2aws',
      DATA_BUCKET: s3.bucket,
      DATASETS: 'vulns',
      TIME_GUARD_SECONDS: '5',
    };
    const { handler } = await import('../../functions/pull-analysis/handler');
    sim.control.injectFault({ kind: 'hang', path: '/rest/system', times: 5 });
    const end = performance.now() + 5500;
    const remaining = () => end - performance.now();
    const context = {
      functionName: 'pull-analysis',
      awsRequestId: 'r-hung',
      getRemainingTimeInMillis: remaining,
    } as unknown as Context;

    // Act
    const err = await handler({ datasets: ['vulns'] }, context).catch((e: unknown) => e);

    // Assert
    expect(err).toMatchObject({ code: 'SC_DEADLINE' });
    expect(remaining()).toBeGreaterThan(1000);
    const published = eb
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => ({ type: e.DetailType, detail: JSON.parse(e.Detail ?? '{}') }));
    expect(published).toEqual([
      {
        type: 'Export Failed',
        detail: expect.objectContaining({ dataset: 'vulns', errorCode: 'SC_DEADLINE' }),
      },
    ]);
    await sim.control.whenNoneHeld();
  });
});
