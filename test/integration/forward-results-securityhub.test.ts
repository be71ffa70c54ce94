import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandInput,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DeliveryOutcome, deliverRun, takeSenderLease } from '#lib/delivery';
import { DetailType, type Sc2awsEvent } from '#lib/events';
import { exportDataset } from '#lib/export';
import { securityHubImportCall } from '#lib/securityhub';
import { DELIVERY_SETTINGS } from '#support/delivery';
import { type ExportHarness, exportHarness } from '#support/export-harness';
import { fakePacing, quietLogger, TARGET } from '#support/securityhub/change-runs';
import 'aws-sdk-client-mock-vitest/extend';

const securityHub = mockClient(SecurityHubClient);
const calls = (): AwsSecurityFinding[][] =>
  securityHub
    .commandCalls(BatchImportFindingsCommand)
    .map((c) => (c.args[0].input as BatchImportFindingsCommandInput).Findings ?? []);

const context = {
  functionName: 'forward-results',
  awsRequestId: 'r-securityhub',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:210987654321:function:sc2aws-prod-forward-results',
  getRemainingTimeInMillis: () => 900_000,
} as Context;

/** The forward-results handler as Lambda loads it with SECURITY_HUB_OUTPUT=on, over s3rver. */
describe('functions/forward-results handler, Security Hub output on', () => {
  let h: ExportHarness;
  const eb = mockClient(EventBridgeClient);
  const saved = { ...process.env };

  beforeAll(async () => {
    h = await exportHarness({ store: 's3' });
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    vi.resetModules();
    process.env = {
      ...saved,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: h.s3?.endpoint,
      AWS_S3_FORCE_PATH_STYLE: 'true',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      DATA_BUCKET: h.s3?.bucket,
      DATA_PREFIX: 'sc2aws',
      EVENT_BUS_NAME: 'sc2aws-test',
      SECURITY_HUB_OUTPUT: 'on',
    };
  });
  afterAll(async () => {
    process.env = saved;
    await h.close();
  });

  it("sends the run's changes to the account's own product, and a redelivery sends nothing again", async () => {
    await exportDataset(h.deps(), h.settings(), 'vulns');
    const completed = h.events.find((e) => e.detailType === 'Export Completed');
    const { handler } = await import('../../functions/forward-results/handler');
    const event = { source: 'sc2aws', 'detail-type': 'Export Completed', detail: completed?.detail };

    const result = await handler(event, context);
    const sentOnce = calls().flat();
    const again = await handler(event, context);

    if (result.status !== 'delivered' || again.status !== 'delivered') throw new Error('not delivered');
    const changes = Object.values(result.changes?.counts ?? {}).reduce((a, b) => a + b, 0);
    expect(changes).toBeGreaterThan(100);
    expect(result.securityHub).toMatchObject({ failed: 0 });
    expect((result.securityHub?.sent ?? 0) + (result.securityHub?.skipped ?? 0)).toBe(changes);
    expect(sentOnce).toHaveLength(result.securityHub?.sent ?? -1);
    expect(new Set(sentOnce.map((f) => f.ProductArn))).toEqual(
      new Set(['arn:aws:securityhub:eu-west-1:210987654321:product/210987654321/default']),
    );
    for (const call of calls()) expect(call.length).toBeLessThanOrEqual(100);
    expect(calls().flat()).toHaveLength(sentOnce.length);
  });
});

/** A delivery out of time in the middle of sending continues there, in a new invocation. */
describe('the securityhub delivery phase', () => {
  let h: ExportHarness;
  beforeAll(async () => {
    h = await exportHarness({ store: 'local' });
    await exportDataset(h.deps(), h.settings(), 'vulns');
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
  });

  it('stops between batches when time runs out, and the continuation sends the rest: every finding once', async () => {
    const completed = h.events.find((e) => e.detailType === DetailType.ExportCompleted);
    if (completed?.detailType !== DetailType.ExportCompleted) throw new Error('no Export Completed');
    const rawKey = h.store.keyOf(completed.detail.manifestKey) as string;
    const events: Sc2awsEvent[] = [];
    const client = new SecurityHubClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
    });
    const deps = (remainingMs: () => number) => ({
      store: h.store,
      events: { publish: async (e: Sc2awsEvent) => void events.push(e) },
      logger: quietLogger,
      remainingMs,
      securityHub: { call: securityHubImportCall(client), target: TARGET, pacing: fakePacing() },
    });

    // Out of time once Security Hub took two calls.
    const first: DeliveryOutcome = await deliverRun(
      deps(() => (calls().length >= 2 ? 30_000 : 900_000)),
      DELIVERY_SETTINGS,
      rawKey,
    );
    const second = await deliverRun(
      deps(() => 900_000),
      DELIVERY_SETTINGS,
      rawKey,
    );

    expect(first).toMatchObject({ status: 'continued', phase: 'securityhub' });
    expect(events.filter((e) => e.detailType === DetailType.DeliveryContinuationRequested)).toHaveLength(1);
    // The changes were committed and announced once, before the sending started.
    expect(events.filter((e) => e.detailType === DetailType.FindingsChanged)).toHaveLength(1);
    if (second.status !== 'delivered') throw new Error(`not delivered: ${second.status}`);
    const ids = calls()
      .flat()
      .map((f) => f.Id);
    expect(ids.length).toBeGreaterThan(200);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.securityHub?.sent).toBe(ids.length);
  });
  it('waits for the one sender at a time: out of time meanwhile, it continues later and sends once the lease is free', async () => {
    const h2 = await exportHarness({ store: 'local' });
    try {
      await exportDataset(h2.deps(), h2.settings(), 'vulns');
      const completed = h2.events.find((e) => e.detailType === DetailType.ExportCompleted);
      if (completed?.detailType !== DetailType.ExportCompleted) throw new Error('no Export Completed');
      const rawKey = h2.store.keyOf(completed.detail.manifestKey) as string;
      const client = new SecurityHubClient({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
      });
      // Time passes only while it waits for the lease.
      let left = 70_000;
      const deps = (remainingMs: () => number) => ({
        store: h2.store,
        events: { publish: async () => {} },
        logger: quietLogger,
        remainingMs,
        sleep: async (ms: number) => {
          left -= ms;
        },
        securityHub: { call: securityHubImportCall(client), target: TARGET, pacing: fakePacing() },
      });
      // Another invocation is sending (a CLI backfill, say).
      const other = await takeSenderLease({
        store: h2.store,
        logger: quietLogger,
        dataset: 'securityhub',
        runId: 'backfill',
        owner: 'cli-other',
        remainingMs: () => 600_000,
        timeGuardMs: 0,
        shouldStop: () => false,
      });

      const waiting = await deliverRun(
        deps(() => left),
        DELIVERY_SETTINGS,
        rawKey,
      );
      const callsWhileHeld = calls().length;
      if (other.held) await other.release();
      const after = await deliverRun(
        deps(() => 900_000),
        DELIVERY_SETTINGS,
        rawKey,
      );

      expect(other.held).toBe(true);
      expect(waiting).toMatchObject({ status: 'continued', phase: 'securityhub' });
      expect(callsWhileHeld).toBe(0);
      expect(after.status).toBe('delivered');
      expect(calls().length).toBeGreaterThan(0);
    } finally {
      await h2.close();
    }
  });
});
