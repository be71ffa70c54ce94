import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { exportDataset } from '#lib/export';
import { type ExportHarness, exportHarness, readRun } from '#support/export-harness';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const context = {
  functionName: 'forward-results',
  awsRequestId: 'r-1',
  getRemainingTimeInMillis: () => 900_000,
} as Context;

/** The forward-results handler module as Lambda loads it, over s3rver. */
describe('functions/forward-results handler', () => {
  let h: ExportHarness;
  const eb = mockClient(EventBridgeClient);
  const saved = { ...process.env };

  beforeAll(async () => {
    h = await exportHarness({ store: 's3' });
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    vi.resetModules();
    process.env = {
      ...saved,
      ...h.s3?.environment(),
      DATA_BUCKET: h.s3?.bucket,
      DATA_PREFIX: 'sc2aws',
      EVENT_BUS_NAME: 'sc2aws-test',
    };
  });
  afterAll(async () => {
    process.env = saved;
    await h.close();
  });

  it('delivers the run named by an Export Completed event and announces it', async () => {
    const outcome = await exportDataset(h.deps(), h.settings(), 'vulns');
    const completed = h.events.find((e) => e.detailType === 'Export Completed');
    const { handler } = await import('../../functions/forward-results/handler');
    const result = await handler(
      { source: 'sc2aws', 'detail-type': 'Export Completed', detail: completed?.detail },
      context,
    );
    const raw = await readRun(h.store, (outcome as { manifest: string }).manifest);
    if (result.status !== 'delivered') throw new Error(`not delivered: ${result.status}`);
    expect(result.rows).toBe(raw.rows.length - result.duplicates);
    expect(eb).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        expect.objectContaining({
          Source: 'sc2aws',
          DetailType: 'Findings Delivered',
          EventBusName: 'sc2aws-test',
        }),
      ],
    });
  });

  it('redelivers a past run given its manifest address', async () => {
    const completed = h.events.find((e) => e.detailType === 'Export Completed');
    const { handler } = await import('../../functions/forward-results/handler');
    const detail = completed?.detail as { manifest: string; runId: string };
    const result = await handler({ manifest: detail.manifest }, context);
    expect(result.runId).toBe(detail.runId);
  });

  it('continues a delivery that ran out of time through its own event, and commits it in the next invocation', async () => {
    const completed = h.events.find((e) => e.detailType === 'Export Completed');
    const detail = completed?.detail as { manifest: string; runId: string };
    const { handler } = await import('../../functions/forward-results/handler');
    eb.resetHistory();
    // Less than TIME_GUARD_SECONDS (60) left from the start: it stops before its first part.
    const late = { ...context, getRemainingTimeInMillis: () => 30_000 } as Context;
    const first = await handler({ manifest: detail.manifest }, late);
    expect(first).toMatchObject({ status: 'continued', phase: 'transform', next: 0, invocations: 1 });
    const entry = eb.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ Source: 'sc2aws', DetailType: 'Delivery Continuation Requested' });
    const continuation = {
      source: 'sc2aws',
      'detail-type': entry?.DetailType,
      detail: JSON.parse(entry?.Detail ?? '{}') as unknown,
    };
    expect(continuation.detail).toMatchObject({ manifest: detail.manifest, runId: detail.runId });
    const second = await handler(continuation, context);
    expect(second).toMatchObject({ status: 'delivered', runId: detail.runId });
  });
});
