import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { parseDocument } from '#lib/errors';
import type { LogSink } from '#lib/logging';
import { deliveryStatePrefix, type ObjectStore, StoreConflictError } from '#lib/sink';
import { DeliveryStateCorruptError } from './delivery-state';

/**
 * A Lambda runs at most 15 minutes. A lease taken with the invocation's remaining time lasts that
 * long plus this margin, so it outlives any invocation that dies holding it, and no longer.
 */
export const DELIVERY_LEASE_MARGIN_MS = 60_000;
/** Without a deadline (the CLI) the lease lasts this long and is renewed every third of it. */
export const DELIVERY_LEASE_MS = 16 * 60_000;

const leaseSchema = z.object({
  leaseVersion: z.literal(1),
  /** The invocation holding it (Lambda request id, `cli-<pid>`, or a random id). */
  owner: z.string(),
  /** Epoch ms after which anyone may take it over: its holder died. */
  expiresAt: z.number(),
});
type LeaseRecord = z.infer<typeof leaseSchema>;

/** What `takeDeliveryLease` needs: the store, who asks, the time, and the invocation's deadline. */
export interface LeaseRequest {
  store: ObjectStore;
  logger: LogSink;
  dataset: string;
  runId: string;
  owner?: string;
  clock?: () => number;
  remainingMs?: () => number;
  /**
   * Take the lease only over this holder, once its lease expired: a lease gone or held by another
   * meanwhile means the run was finished, or handed on, by someone alive.
   */
  takeOverFrom?: string;
  /** Another lease than the run's (the Security Hub sender's, one for the whole deployment). */
  key?: string;
}

/** A lease this invocation holds: release it at the outcome, whatever the outcome. */
export interface HeldLease {
  held: true;
  release(): Promise<void>;
}

/** Another live invocation holds the run's lease. */
export interface RefusedLease {
  held: false;
  holder: string;
  expiresAt: number;
}

/** `state/delivery/dataset=<d>/run=<runId>/lease.json`, beside the run's delivery state. */
export function leaseKey(dataset: string, runId: string): string {
  return `${deliveryStatePrefix(dataset, runId)}lease.json`;
}

/**
 * Takes the run's delivery lease, so two invocations never deliver one run at once (EventBridge
 * delivers at least once; a duplicated `Export Completed` or continuation would otherwise race on
 * the state and publish a continuation twice). Every write is conditional (If-None-Match on a new
 * lease, If-Match on the one read), so of two concurrent takers exactly one wins. A lease whose
 * holder died expires by itself and is taken over; the holder releases it at its outcome, so the
 * continuation it publishes finds the run free.
 *
 * @example
 * ```ts
 * const lease = await takeDeliveryLease({ store, logger, dataset, runId, remainingMs });
 * if (!lease.held) return; // another invocation is delivering the run
 * try { … } finally { await lease.release(); }
 * ```
 */
export async function takeDeliveryLease(request: LeaseRequest): Promise<HeldLease | RefusedLease> {
  const { store, logger } = request;
  const clock = request.clock ?? Date.now;
  const owner = request.owner ?? randomUUID();
  const key = request.key ?? leaseKey(request.dataset, request.runId);
  const lasts = () => {
    const left = request.remainingMs?.();
    return left === undefined || !Number.isFinite(left) ? DELIVERY_LEASE_MS : left + DELIVERY_LEASE_MARGIN_MS;
  };
  const write = (record: LeaseRecord, condition: { ifMatch: string } | { ifNoneMatch: '*' }) =>
    store.putText(key, `${JSON.stringify(record)}\n`, { contentType: 'application/json', ...condition });

  const stored = await store.getText(key);
  if (request.takeOverFrom !== undefined && stored === undefined)
    return { held: false, holder: request.takeOverFrom, expiresAt: 0 };
  let current: LeaseRecord | undefined;
  if (stored !== undefined) {
    const parsed = parseDocument(leaseSchema, stored.body);
    if (!parsed.ok)
      throw new DeliveryStateCorruptError(
        store.uri(key),
        parsed.problem,
        store.uri(deliveryStatePrefix(request.dataset, request.runId)),
      );
    current = parsed.value;
    const handedOn = request.takeOverFrom !== undefined && current.owner !== request.takeOverFrom;
    if ((current.owner !== owner && current.expiresAt > clock()) || handedOn)
      return { held: false, holder: current.owner, expiresAt: current.expiresAt };
  }
  let etag: string;
  try {
    const record = { leaseVersion: 1 as const, owner, expiresAt: clock() + lasts() };
    etag = (await write(record, stored === undefined ? { ifNoneMatch: '*' } : { ifMatch: stored.etag })).etag;
  } catch (err) {
    if (!(err instanceof StoreConflictError)) throw err;
    // Another invocation wrote the lease between our read and our write: it holds it now.
    const winner = await store.getText(key);
    const parsed = winner === undefined ? undefined : parseDocument(leaseSchema, winner.body);
    return parsed?.ok
      ? { held: false, holder: parsed.value.owner, expiresAt: parsed.value.expiresAt }
      : { held: false, holder: 'a concurrent invocation', expiresAt: clock() + lasts() };
  }
  if (current !== undefined && current.owner !== owner)
    logger.warn('Took over a delivery lease its holder left behind (it expired).', {
      dataset: request.dataset,
      runId: request.runId,
      previousOwner: current.owner,
      expiredAt: new Date(current.expiresAt).toISOString(),
    });

  // Without a deadline nothing bounds the run: the lease is renewed while it works.
  let renewing: Promise<void> = Promise.resolve();
  const timer =
    request.remainingMs === undefined
      ? setInterval(() => {
          renewing = write(
            { leaseVersion: 1, owner, expiresAt: clock() + DELIVERY_LEASE_MS },
            { ifMatch: etag },
          )
            .then((out) => {
              etag = out.etag;
            })
            .catch((err: unknown) =>
              logger.warn('The delivery lease could not be renewed.', {
                dataset: request.dataset,
                runId: request.runId,
                cause: (err as Error).message,
              }),
            );
        }, DELIVERY_LEASE_MS / 3)
      : undefined;
  timer?.unref();

  return {
    held: true,
    async release() {
      clearInterval(timer);
      await renewing;
      // Only our own lease: one taken over after ours expired is the new holder's.
      const now = await store.getText(key).catch(() => undefined);
      if (now === undefined || now.etag !== etag) return;
      await store.delete(key).catch((err: unknown) =>
        logger.warn('The delivery lease could not be released; it expires by itself.', {
          dataset: request.dataset,
          runId: request.runId,
          cause: (err as Error).message,
        }),
      );
    },
  };
}
