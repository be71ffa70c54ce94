import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';
import { type LocalS3, startS3 } from '#support/s3';

const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

/** The pull-analysis handler module as Lambda loads it, over s3rver and the simulator. */
describe('functions/pull-analysis handler', () => {
  let sim: SimulatorHandle;
  let s3: LocalS3;
  const eb = mockClient(EventBridgeClient);
  const saved = { ...process.env };
  const published = () =>
    eb.commandCalls(PutEventsCommand).flatMap((c) =>
      (c.args[0].input.Entries ?? []).map((e) => ({
        type: e.DetailType,
        detail: JSON.parse(e.Detail ?? '{}'),
      })),
    );
  const context = (remainingMs: () => number) =>
    ({
      functionName: 'pull-analysis',
      awsRequestId: `req-${Math.random()}`,
      getRemainingTimeInMillis: remainingMs,
    }) as unknown as Context;

  const load = async () => {
    vi.resetModules();
    process.env = {
      ...saved,
      ...s3.environment(),
      SC_URL: sim.url,
      SC_SECRET_ARN: SECRET_ARN,
      SC_CA_BUNDLE: sim.caPem,
      DATA_BUCKET: s3.bucket,
      EVENT_BUS_NAME: 'sc2aws-test',
      DATA_PREFIX: `run-${Math.random().toString(36).slice(2)}`,
      PAGE_SIZE: '200',
      TIME_GUARD_SECONDS: '5',
    };
    return import('../../functions/pull-analysis/handler');
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 2, vulnCount: 3000, fixedCount: 300, hostCount: 50 });
    s3 = await startS3();
  });
  beforeEach(() => {
    eb.reset();
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const sm = fakeSecretsManager();
    sm.put('C', `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`, ['AWSCURRENT']);
  });
  afterAll(async () => {
    process.env = saved;
    await sim.close();
    await s3.close();
  });

  it('exports every configured dataset on the schedule and announces each run', async () => {
    const { handler } = await load();
    const summary = await handler(
      scheduled,
      context(() => 600_000),
    );
    expect(summary.outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);
    expect(published().map((e) => e.type)).toEqual([
      'Export Completed',
      'Export Completed',
      'Export Completed',
    ]);
    expect(published()[0]?.detail).toMatchObject({
      dataset: 'vulns',
      bucket: s3.bucket,
      consoleId: 'default',
      manifest: expect.stringMatching(
        new RegExp(`^s3://${s3.bucket}/run-\\w+/console=default/raw/dataset=vulns/dt=.*/_manifest\\.json$`),
      ),
    });
  });

  it('hands off to a continuation near the deadline and resumes from the continuation event', async () => {
    const { handler } = await load();
    // Plenty of time for the start and the first page; once SC has it, under the 5 s guard. (The
    // clock follows SC's requests, not the number of readers: the SC client reads it on every call.)
    const pages = () => sim.requests.filter((r) => r.path === '/rest/analysis').length;
    const before = pages();
    const first = await handler(
      { datasets: ['vulns'] },
      context(() => (pages() > before ? 1000 : 600_000)),
    );
    expect(first.continued).toEqual(['vulns']);
    const continuation = published().find((e) => e.type === 'Export Continuation Requested');
    expect(continuation?.detail).toMatchObject({ datasets: ['vulns'] });
    const resumed = await handler(
      { source: 'sc2aws', 'detail-type': 'Export Continuation Requested', detail: continuation?.detail },
      context(() => 600_000),
    );
    expect(resumed.outcomes).toEqual([expect.objectContaining({ dataset: 'vulns', status: 'completed' })]);
  });

  it('refuses an event it does not know', async () => {
    const { handler } = await load();
    await expect(
      handler(
        { source: 'aws.s3', 'detail-type': 'Object Created' },
        context(() => 600_000),
      ),
    ).rejects.toMatchObject({
      code: 'EVENT_UNSUPPORTED',
    });
  });
});
