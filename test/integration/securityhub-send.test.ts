import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandInput,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '#lib/errors';
import { DetailType } from '#lib/events';
import {
  asffIdOf,
  MAX_FINDING_ATTEMPTS,
  refreshOpenFindings,
  securityHubImportCall,
  sendChangeRun,
} from '#lib/securityhub';
import { createLocalStore, type ObjectStore } from '#lib/sink';
import type { RowSpec } from '#support/lifecycle';
import {
  changeRows,
  changeRun,
  DAY,
  fakePacing,
  recordingEvents,
  session,
  T0,
} from '#support/securityhub/change-runs';
import 'aws-sdk-client-mock-vitest/extend';

const securityHub = mockClient(SecurityHubClient);
const client = new SecurityHubClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
  maxAttempts: 1,
});

let dir: string;
let store: ObjectStore;
beforeEach(async () => {
  securityHub.reset();
  securityHub
    .on(BatchImportFindingsCommand)
    .resolves({ FailedCount: 0, SuccessCount: 0, FailedFindings: [] });
  dir = await mkdtemp(join(tmpdir(), 'sc2aws-securityhub-'));
  store = createLocalStore(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every BatchImportFindings call's findings, in order. */
const calls = (): AwsSecurityFinding[][] =>
  securityHub
    .commandCalls(BatchImportFindingsCommand)
    .map((c) => (c.args[0].input as BatchImportFindingsCommandInput).Findings ?? []);

const hosts = (n: number, lastSeen: number, extra: Partial<RowSpec> = {}): RowSpec[] =>
  Array.from({ length: n }, (_, i) => ({ host: i + 1, plugin: 10, lastSeen, ...extra }));

function throttle(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 429 },
  });
}

function newSession(options: { stopAfterCalls?: number; pacing?: ReturnType<typeof fakePacing> } = {}) {
  const events = recordingEvents();
  const metrics: { name: string; value: number; dimensions: unknown }[] = [];
  const pacing = options.pacing ?? fakePacing();
  const s = session(store, {
    call: securityHubImportCall(client),
    events: events.publisher,
    metrics: { addMetric: (name, _unit, value, dimensions) => metrics.push({ name, value, dimensions }) },
    pacing,
    shouldStop: () => options.stopAfterCalls !== undefined && calls().length >= options.stopAfterCalls,
  });
  return { session: s, events: events.published, metrics, pacing };
}

describe('sending a change run to Security Hub', () => {
  it('sends at most 100 findings a call, every finding once', async () => {
    const manifest = await changeRun(store, 'vulns', T0 + DAY, hosts(250, T0 + DAY));
    const { session: s } = newSession();

    const outcome = await sendChangeRun(s, manifest);

    expect(calls().map((c) => c.length)).toEqual([100, 100, 50]);
    const ids = calls()
      .flat()
      .map((f) => f.Id);
    expect(new Set(ids).size).toBe(250);
    expect(outcome).toMatchObject({ status: 'sent', counts: { sent: 250, failed: 0, calls: 3 } });
  });

  it('sends nothing when the same run is sent again', async () => {
    const manifest = await changeRun(store, 'vulns', T0 + DAY, hosts(3, T0 + DAY));
    await sendChangeRun(newSession().session, manifest);

    const again = await sendChangeRun(newSession().session, manifest);

    expect(calls()).toHaveLength(1);
    expect(again).toMatchObject({ status: 'sent', already: true, counts: { sent: 3 } });
  });

  it('leaves out findings under the severity floor (Info by default)', async () => {
    const manifest = await changeRun(store, 'vulns', T0 + DAY, [
      { host: 1, plugin: 10, lastSeen: T0 + DAY, severity: 0 },
      { host: 2, plugin: 10, lastSeen: T0 + DAY, severity: 1 },
    ]);

    const outcome = await sendChangeRun(newSession().session, manifest);

    expect(
      calls()
        .flat()
        .map((f) => f.FindingProviderFields?.Severity?.Label),
    ).toEqual(['LOW']);
    expect(outcome.counts).toMatchObject({ sent: 1, skipped: 1 });
  });

  it('does not send a finding Security Hub never saw when it is already fixed or risk accepted', async () => {
    const first = await changeRun(store, 'vulns', T0 + DAY, [
      { host: 1, plugin: 10, lastSeen: T0 + DAY },
      { host: 2, plugin: 10, lastSeen: T0 + DAY, acceptRisk: true },
    ]);
    const fixed = await changeRun(store, 'fixed', T0 + 2 * DAY, [
      { host: 1, plugin: 10, lastSeen: T0 + DAY, lastMitigated: T0 + 2 * DAY },
      { host: 3, plugin: 10, lastSeen: T0 + DAY, lastMitigated: T0 + 2 * DAY },
    ]);

    const sentFirst = await sendChangeRun(newSession().session, first);
    const sentFixed = await sendChangeRun(newSession().session, fixed);

    expect(sentFirst.counts).toMatchObject({ sent: 1, skipped: 1 });
    expect(sentFixed.counts).toMatchObject({ sent: 1, skipped: 1 });
    expect(
      calls()
        .flat()
        .map((f) => [f.Resources?.[0]?.Details?.Other?.dns_name, f.RecordState]),
    ).toEqual([
      ['host-1.example', 'ACTIVE'],
      ['host-1.example', 'ARCHIVED'],
    ]);
  });

  it('waits for Security Hub when it throttles, and sends everything after', async () => {
    securityHub
      .on(BatchImportFindingsCommand)
      .rejectsOnce(throttle())
      .rejectsOnce(throttle())
      .resolves({ FailedCount: 0, SuccessCount: 2 });
    const manifest = await changeRun(store, 'vulns', T0 + DAY, hosts(2, T0 + DAY));
    const { session: s, pacing } = newSession();

    const outcome = await sendChangeRun(s, manifest);

    expect(outcome.counts).toMatchObject({ sent: 2, throttled: 2, calls: 3, failed: 0 });
    // Backoff (200 ms, then 400 ms, jitter at its top) plus the bucket drained after each throttle.
    expect(pacing.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(600);
  });

  it('gives up with SECURITY_HUB_IMPORT_FAILED naming the fix on a refusal, and continues there when run again', async () => {
    const manifest = await changeRun(store, 'vulns', T0 + DAY, hosts(150, T0 + DAY));
    securityHub
      .on(BatchImportFindingsCommand)
      .resolvesOnce({ FailedCount: 0, SuccessCount: 100 })
      .rejectsOnce(
        Object.assign(new Error('Account is not subscribed to AWS Security Hub'), {
          name: 'InvalidAccessException',
          $fault: 'client',
          $metadata: { httpStatusCode: 401 },
        }),
      )
      .resolves({ FailedCount: 0, SuccessCount: 50 });

    const failed = sendChangeRun(newSession().session, manifest);
    await expect(failed).rejects.toMatchObject({
      code: ErrorCode.SecurityHubImportFailed,
      message: expect.stringContaining('enable Security Hub CSPM'),
    });
    const again = await sendChangeRun(newSession().session, manifest);

    expect(again.status).toBe('sent');
    // The refused batch again, and not the one Security Hub took before it.
    expect(calls().map((c) => c.length)).toEqual([100, 50, 50]);
    expect(
      new Set(
        calls()
          .slice(0, 2)
          .flat()
          .map((f) => f.Id),
      ).size,
    ).toBe(150);
    expect(again.counts).toMatchObject({ sent: 150 });
  });

  it('sends each FailedFindings entry again with backoff, then counts and names what still fails', async () => {
    const manifest = await changeRun(store, 'vulns', T0 + DAY, hosts(5, T0 + DAY));
    const rows = await changeRows(store, manifest);
    const [flaky, broken] = rows.map((r) => asffIdOf(r.finding_id));
    let call = 0;
    securityHub.on(BatchImportFindingsCommand).callsFake(() => {
      call += 1;
      const failing = call === 1 ? [flaky, broken] : [broken];
      return {
        FailedCount: failing.length,
        SuccessCount: 0,
        FailedFindings: failing.map((Id) => ({ Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Rejected' })),
      };
    });
    const { session: s, events, metrics } = newSession();

    const outcome = await sendChangeRun(s, manifest);

    expect(calls().map((c) => c.length)).toEqual([5, 2, ...Array(MAX_FINDING_ATTEMPTS - 2).fill(1)]);
    expect(outcome.counts).toMatchObject({ sent: 4, failed: 1 });
    expect(metrics).toEqual([
      { name: 'SecurityHubFindingsFailed', value: 1, dimensions: { source: 'changes' } },
    ]);
    const failedEvents = events.filter((e) => e.detailType === DetailType.SecurityHubFindingsFailed);
    expect(failedEvents.map((e) => e.detail)).toEqual([
      expect.objectContaining({
        source: 'changes',
        failed: 1,
        findings: [{ id: broken, errorCode: 'InvalidInput', errorMessage: 'Rejected' }],
      }),
    ]);
  });

  it('keeps CreatedAt from the first send and makes UpdatedAt newer on every later one, even with the clock behind', async () => {
    const pacing = fakePacing(Date.parse('2026-12-01T00:00:00.000Z'));
    const first = await changeRun(store, 'vulns', T0 + DAY, hosts(1, T0 + DAY));
    await sendChangeRun(newSession({ pacing }).session, first);
    pacing.now -= 60_000; // a host whose clock is a minute behind
    const second = await changeRun(store, 'vulns', T0 + 2 * DAY, hosts(1, T0 + 2 * DAY, { vpr: '9.9' }));
    await sendChangeRun(newSession({ pacing }).session, second);
    const third = await changeRun(store, 'fixed', T0 + 3 * DAY, [
      { host: 1, plugin: 10, lastSeen: T0 + 2 * DAY, lastMitigated: T0 + 3 * DAY, vpr: '9.9' },
    ]);
    await sendChangeRun(newSession({ pacing }).session, third);

    const sent = calls().flat();
    expect(new Set(sent.map((f) => f.Id)).size).toBe(1);
    expect(sent.map((f) => f.CreatedAt)).toEqual(Array(3).fill('2026-12-01T00:00:00.000Z'));
    const updated = sent.map((f) => Date.parse(f.UpdatedAt as string));
    expect(updated[1]).toBeGreaterThan(updated[0] as number);
    expect(updated[2]).toBeGreaterThan(updated[1] as number);
  });

  it('archives a finding when SC fixes it and makes it ACTIVE again when it reopens, never touching Workflow', async () => {
    const runs = [
      await changeRun(store, 'vulns', T0 + DAY, hosts(1, T0 + DAY)),
      await changeRun(store, 'fixed', T0 + 2 * DAY, hosts(1, T0 + DAY, { lastMitigated: T0 + 2 * DAY })),
      await changeRun(store, 'vulns', T0 + 3 * DAY, hosts(1, T0 + 3 * DAY, { hasBeenMitigated: true })),
    ];
    for (const run of runs) await sendChangeRun(newSession().session, run);

    const sent = calls().flat();
    expect(sent.map((f) => [f.ProductFields?.['tenable-sc/change'], f.RecordState])).toEqual([
      ['new', 'ACTIVE'],
      ['fixed', 'ARCHIVED'],
      ['reopened', 'ACTIVE'],
    ]);
    for (const f of sent) expect(Object.keys(f)).not.toContain('Workflow');
  });

  it('stops between batches when asked, and the next call sends the rest, nothing twice', async () => {
    const manifest = await changeRun(store, 'vulns', T0 + DAY, hosts(230, T0 + DAY));

    const first = await sendChangeRun(newSession({ stopAfterCalls: 1 }).session, manifest);
    const second = await sendChangeRun(newSession().session, manifest);

    expect(first.status).toBe('stopped');
    expect(second).toMatchObject({ status: 'sent', counts: { sent: 230 } });
    const ids = calls()
      .flat()
      .map((f) => f.Id);
    expect(ids).toHaveLength(230);
    expect(new Set(ids).size).toBe(230);
  });

  it('sends open findings again once they were not updated for the refresh period, and only those', async () => {
    const pacing = fakePacing(Date.parse('2026-12-01T00:00:00.000Z'));
    await sendChangeRun(
      newSession({ pacing }).session,
      await changeRun(store, 'vulns', T0 + DAY, hosts(3, T0 + DAY)),
    );
    await sendChangeRun(
      newSession({ pacing }).session,
      await changeRun(store, 'fixed', T0 + 2 * DAY, [
        { host: 3, plugin: 10, lastSeen: T0 + DAY, lastMitigated: T0 + 2 * DAY },
      ]),
    );
    const before = calls().length;

    const early = await refreshOpenFindings(newSession({ pacing }).session);
    pacing.now += 31 * 86_400_000;
    const due = await refreshOpenFindings(newSession({ pacing }).session);
    const after = await refreshOpenFindings(newSession({ pacing }).session);

    expect(early.counts.sent).toBe(0);
    expect(due.counts.sent).toBe(2);
    expect(after.counts.sent).toBe(0);
    const refreshed = calls().slice(before).flat();
    expect(refreshed.map((f) => f.RecordState)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(refreshed.every((f) => f.UpdatedAt === new Date(pacing.now).toISOString())).toBe(true);
  });
});

describe('the token bucket', () => {
  it('lets 30 calls through at once, then 10 a second', async () => {
    const manifest = await changeRun(store, 'vulns', T0 + DAY, hosts(40 * 100, T0 + DAY), {
      partRows: 100_000,
    });
    const pacing = fakePacing();
    const start = pacing.now;

    await sendChangeRun(newSession({ pacing }).session, manifest);

    expect(calls()).toHaveLength(40);
    // 30 from the burst, 10 more at 100 ms each.
    expect(pacing.now - start).toBeGreaterThanOrEqual(1000);
    expect(pacing.now - start).toBeLessThan(1100);
  });
});
