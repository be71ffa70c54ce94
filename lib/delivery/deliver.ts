import { type RefusedLease, takeDeliveryLease } from './lease';
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
  const lease = await takeDeliveryLease({ ...deps, dataset: raw.dataset, runId: raw.runId });
  if (!lease.held) return locked(deps, raw, lease);
  try {
    const run = new RunDelivery(deps, settings, rawManifestKey, raw);
    await run.open();
    return await run.go();
  } finally {
    await lease.release();
  }
}

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
