import { afterEach, describe, expect, it } from 'vitest';
import { type DeliveryDeps, type DeliveryOutcome, deliverRun } from '#lib/delivery';
import type { Sc2awsEvent } from '#lib/events';
import { exportDataset } from '#lib/export';
import { createS3Store, type ObjectStore } from '#lib/sink';
import { DELIVERY_SETTINGS } from '#support/delivery';
import { type ExportHarness, exportHarness, HARNESS_STORE_PREFIX } from '#support/export-harness';
import { DELIVERY_LEASE_MARGIN_MS, leaseKey, takeDeliveryLease } from '../../lib/delivery/lease';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Resolves when `open()` is called; what waits on it waits for that moment. */
function gate(): { opened: Promise<void>; open(): void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('the delivery lease', () => {
  let h: ExportHarness;
  let rawKey: string;
  afterEach(async () => {
    await h?.close();
  });

  /** s3rver with a raw run of vulns to deliver. */
  async function prepare(): Promise<void> {
    h = await exportHarness({ store: 's3' });
    const outcome = await exportDataset(h.deps(), h.settings(), 'vulns');
    rawKey = (outcome as { manifest: string }).manifest.replace(/^.*?raw\//, 'raw/');
  }

  /** One invocation: its own S3 client and store, its own published events. */
  function invocation(owner: string, wrap: (store: ObjectStore) => ObjectStore = (s) => s) {
    const s3 = h.s3 as NonNullable<ExportHarness['s3']>;
    const events: Sc2awsEvent[] = [];
    const store = wrap(
      createS3Store({ client: s3.client(), bucket: s3.bucket, prefix: HARNESS_STORE_PREFIX }),
    );
    const deps: DeliveryDeps = {
      store,
      events: { publish: async (e) => void events.push(e) },
      logger: quiet,
      owner,
    };
    return { deps, events, store };
  }

  it('lets one of two invocations racing for a free run deliver it; the other returns locked and publishes nothing', async () => {
    // Prepare: both read the free lease before either writes it, so only the conditional write decides.
    await prepare();
    const bothRead = { count: 0, gate: gate() };
    const racing = (store: ObjectStore): ObjectStore => ({
      ...store,
      async getText(key) {
        const text = await store.getText(key);
        if (key.endsWith('lease.json') && text === undefined) {
          bothRead.count += 1;
          if (bothRead.count === 2) bothRead.gate.open();
          await bothRead.gate.opened;
        }
        return text;
      },
    });
    const a = invocation('invocation-a', racing);
    const b = invocation('invocation-b', racing);

    // Act
    const outcomes = await Promise.all([
      deliverRun(a.deps, DELIVERY_SETTINGS, rawKey),
      deliverRun(b.deps, DELIVERY_SETTINGS, rawKey),
    ]);

    // Assert
    expect(outcomes.map((o) => o.status).sort()).toEqual(['delivered', 'locked']);
    const [winner, loser] = outcomes[0]?.status === 'delivered' ? [a, b] : [b, a];
    const refused = outcomes.find((o) => o.status === 'locked') as Extract<
      DeliveryOutcome,
      { status: 'locked' }
    >;
    expect(refused.holder).toBe(winner === a ? 'invocation-a' : 'invocation-b');
    expect(loser.events).toEqual([]);
    expect(winner.events.map((e) => e.detailType)).toEqual(['Findings Delivered', 'Findings Changed']);
    expect(await h.store.getText(leaseKey('vulns', refused.runId))).toBeUndefined();
  });

  it('returns locked to a duplicate that arrives while a delivery is in progress, and the holder still delivers once', async () => {
    // Prepare: the first invocation holds the lease and waits at its first raw part until the duplicate is done.
    await prepare();
    const firstHolds = gate();
    const duplicateDone = gate();
    const first = invocation('first', (store) => ({
      ...store,
      async putText(key, body, options) {
        const out = await store.putText(key, body, options);
        if (key.endsWith('lease.json')) firstHolds.open();
        return out;
      },
      async getStream(key) {
        await duplicateDone.opened;
        return store.getStream(key);
      },
    }));
    const duplicate = invocation('duplicate');

    // Act
    const delivering = deliverRun(first.deps, DELIVERY_SETTINGS, rawKey);
    await firstHolds.opened;
    const second = await deliverRun(duplicate.deps, DELIVERY_SETTINGS, rawKey);
    duplicateDone.open();
    const firstOutcome = await delivering;

    // Assert
    expect(second).toMatchObject({ status: 'locked', holder: 'first', dataset: 'vulns' });
    expect(duplicate.events).toEqual([]);
    expect(firstOutcome.status).toBe('delivered');
    expect(first.events.map((e) => e.detailType)).toEqual(['Findings Delivered', 'Findings Changed']);
  });

  it('takes over a lease left by a crashed invocation once it has expired, not before', async () => {
    // Prepare: an invocation with 15 minutes left takes the lease and dies without releasing it.
    await prepare();
    const now = Date.parse('2026-12-01T10:00:00.000Z');
    const crashed = invocation('crashed');
    const raw = /run=([^/]+)\//.exec(rawKey)?.[1] as string;
    const lease = await takeDeliveryLease({
      store: crashed.store,
      logger: quiet,
      dataset: 'vulns',
      runId: raw,
      owner: 'crashed',
      clock: () => now,
      remainingMs: () => 15 * 60_000,
    });
    expect(lease.held).toBe(true);
    const expiry = now + 15 * 60_000 + DELIVERY_LEASE_MARGIN_MS;

    // Act
    const retry = invocation('retry');
    const early = await deliverRun({ ...retry.deps, clock: () => expiry - 1 }, DELIVERY_SETTINGS, rawKey);
    const late = await deliverRun({ ...retry.deps, clock: () => expiry + 1 }, DELIVERY_SETTINGS, rawKey);

    // Assert: the lease outlived the longest invocation, then was taken over and released.
    expect(early).toMatchObject({
      status: 'locked',
      holder: 'crashed',
      expiresAt: new Date(expiry).toISOString(),
    });
    expect(late.status).toBe('delivered');
    expect(retry.events.map((e) => e.detailType)).toEqual(['Findings Delivered', 'Findings Changed']);
    expect(await h.store.getText(leaseKey('vulns', raw))).toBeUndefined();
  });

  it("waits out a dead holder's lease that expires within its own time, then delivers; leaves one released meanwhile, or one outlasting it", async () => {
    // Prepare: an invocation took the lease at `now` with 15 minutes left, then died holding it.
    await prepare();
    const now = Date.parse('2026-12-01T10:00:00.000Z');
    const raw = /run=([^/]+)\//.exec(rawKey)?.[1] as string;
    const crash = () =>
      takeDeliveryLease({
        store: invocation('crashed').store,
        logger: quiet,
        dataset: 'vulns',
        runId: raw,
        owner: 'crashed',
        clock: () => now,
        remainingMs: () => 15 * 60_000,
      });
    await crash();
    const expiry = now + 15 * 60_000 + DELIVERY_LEASE_MARGIN_MS;

    // Act 1: Lambda's retry arrives 40 s before the expiry, with 15 minutes of its own.
    let time = expiry - 40_000;
    const slept: number[] = [];
    const retry = invocation('retry');
    const waited = await deliverRun(
      {
        ...retry.deps,
        clock: () => time,
        remainingMs: () => 15 * 60_000,
        sleep: async (ms) => {
          slept.push(ms);
          time += ms;
        },
      },
      DELIVERY_SETTINGS,
      rawKey,
    );

    // Assert 1: it looked every few seconds, took the lease over at the expiry, and delivered once.
    expect(waited.status).toBe('delivered');
    expect(slept.every((ms) => ms <= 5_000)).toBe(true);
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(40_000);
    expect(retry.events.map((e) => e.detailType)).toEqual(['Findings Delivered', 'Findings Changed']);

    // Act 2: the holder is alive and releases the lease while a duplicate waits.
    await crash();
    time = expiry - 40_000;
    const duplicate = invocation('duplicate');
    const released = await deliverRun(
      {
        ...duplicate.deps,
        clock: () => time,
        remainingMs: () => 15 * 60_000,
        sleep: async (ms) => {
          time += ms;
          await h.store.delete(leaseKey('vulns', raw));
        },
      },
      DELIVERY_SETTINGS,
      rawKey,
    );

    // Act 3: a lease that outlasts the invocation's own time is left at once.
    await crash();
    let sleeps = 0;
    const short = await deliverRun(
      {
        ...invocation('short').deps,
        clock: () => expiry - 40_000,
        remainingMs: () => 60_000,
        sleep: async () => {
          sleeps += 1;
        },
      },
      DELIVERY_SETTINGS,
      rawKey,
    );

    // Assert 2 and 3: neither delivered nor published anything.
    expect(released.status).toBe('locked');
    expect(duplicate.events).toEqual([]);
    expect(short.status).toBe('locked');
    expect(sleeps).toBe(0);
  });

  it('frees the run when an invocation runs out of time, so its own continuation takes the lease and finishes', async () => {
    // Prepare
    await prepare();
    const first = invocation('first');
    const continuation = invocation('continuation');

    // Act
    const stopped = await deliverRun({ ...first.deps, remainingMs: () => 0 }, DELIVERY_SETTINGS, rawKey);
    const leaseAfterStop = await h.store.getText(leaseKey('vulns', stopped.runId));
    const finished = await deliverRun(
      { ...continuation.deps, remainingMs: () => 15 * 60_000 },
      DELIVERY_SETTINGS,
      rawKey,
    );

    // Assert
    expect(stopped.status).toBe('continued');
    expect(first.events.map((e) => e.detailType)).toEqual(['Delivery Continuation Requested']);
    expect(leaseAfterStop).toBeUndefined();
    expect(finished.status).toBe('delivered');
  });
});
