import { type HeldLease, type LeaseRequest, type RefusedLease, takeDeliveryLease } from './lease';
import { type DeliverableManifest, readRawManifest } from './raw-manifest';
import { RunDelivery } from './run-delivery';
import type { DeliveryDeps, DeliveryOutcome, DeliverySettings } from './types';

/**
 * Turns one completed raw run into delivered findings, reading each raw part once. Findings part
 * `i` (and rejected part `i`) comes from raw part `i`; an id filter flags ids that may repeat, and
 * only when it flags any are the written parts read back to keep exactly one row per id (newest
 * `last_seen` wins; see ./duplicates.ts). The run is committed last (the findings `_manifest.json`,
 * then its committed list, the only thing the findings tables read), then `Findings Delivered` is
 * published. A `vulns` or `fixed` run then moves the finding lifecycle (lib/lifecycle: its change
 * run, `Findings Changed`), and with OCSF on its records follow (./ocsf-phase.ts). Keys and content
 * depend only on the raw run and the lifecycle state, so delivering a run twice — or in several
 * invocations, or on several threads — writes the same objects. One invocation at a time holds a
 * run (its lease, ./lease.ts); another returns `locked`.
 *
 * Out of time (`remainingMs` under the guard) it stops between parts, saves where it is, publishes
 * `Delivery Continuation Requested` and returns `continued`; cancelled, it saves and returns
 * `interrupted`. The next call for the same manifest continues there.
 *
 * @example
 * ```ts
 * const outcome = await deliverRun(deps, settings, 'raw/dataset=vulns/dt=2026-11-23/run=…/_manifest.json');
 * ```
 */
export async function deliverRun(
  deps: DeliveryDeps,
  settings: DeliverySettings,
  rawManifestKey: string,
): Promise<DeliveryOutcome> {
  const source = deps.source ?? deps.store;
  const raw = await readRawManifest(source, rawManifestKey);
  const request = { ...deps, dataset: raw.dataset, runId: raw.runId };
  let lease = await takeDeliveryLease(request);
  if (!lease.held) lease = await outwait(request, lease, settings);
  if (!lease.held) return locked(deps, raw, lease);
  try {
    const run = new RunDelivery(deps, settings, rawManifestKey, raw);
    await run.open();
    return await run.go();
  } finally {
    await lease.release();
  }
}

/**
 * A refused lease that expires while this invocation still has time: its holder may have died (a
 * timeout, out of memory) with nobody left to retry, as Lambda's retry is this very invocation.
 * It waits for the expiry, checking every few seconds, and takes the lease over only from that
 * holder; a lease released or handed on meanwhile means someone alive finished or continued the
 * run, and this invocation leaves it. A lease that outlasts this invocation is left at once.
 */
async function outwait(
  request: LeaseRequest & { remainingMs?: () => number; sleep?: (ms: number) => Promise<void> },
  refused: RefusedLease,
  settings: DeliverySettings,
): Promise<HeldLease | RefusedLease> {
  const clock = request.clock ?? Date.now;
  const sleep = request.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const left = request.remainingMs?.();
  if (left === undefined || refused.expiresAt - clock() + settings.timeGuardMs >= left) return refused;
  request.logger.info(
    "The run's lease expires within this invocation: waiting to take it over from its holder.",
    {
      dataset: request.dataset,
      runId: request.runId,
      holder: refused.holder,
      expiresAt: new Date(refused.expiresAt).toISOString(),
    },
  );
  let lease: HeldLease | RefusedLease = refused;
  while (!lease.held && lease.holder === refused.holder && lease.expiresAt === refused.expiresAt) {
    await sleep(Math.max(0, Math.min(LEASE_POLL_MS, refused.expiresAt - clock() + 1)));
    lease = await takeDeliveryLease({ ...request, takeOverFrom: refused.holder });
  }
  return lease;
}

/** How often a waiting invocation looks at a lease it waits to take over. */
const LEASE_POLL_MS = 5_000;

/** Another invocation is delivering the run: this one leaves it alone and publishes nothing. */
function locked(deps: DeliveryDeps, raw: DeliverableManifest, lease: RefusedLease): DeliveryOutcome {
  const expiresAt = new Date(lease.expiresAt).toISOString();
  deps.logger.warn('Another invocation is delivering this run; this one left it alone.', {
    dataset: raw.dataset,
    runId: raw.runId,
    holder: lease.holder,
    expiresAt,
  });
  return { status: 'locked', dataset: raw.dataset, runId: raw.runId, holder: lease.holder, expiresAt };
}
