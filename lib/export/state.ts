import * as z from 'zod/mini';
import { ErrorCode, parseDocument, Sc2awsError } from '#lib/errors';
import { type ObjectStore, partInfoSchema, StoreConflictError, stateKey } from '#lib/sink';
import type { PageCursor } from '#lib/tenable';
import { exportWindowSchema } from './window';

/*
 * Schemas list the fields in the order the export sets them, so a state read and written back
 * keeps its bytes. (A lease left beside a run in flight by a crashed invocation may swap places
 * with it on the next write; readers go by name.)
 */

const count = z.int().check(z.nonnegative());

/** The pager owns the cursor's shape; the state only keeps it, and tsc holds the two together. */
const pageCursorSchema: z.ZodMiniType<PageCursor> = z.object({
  offset: count,
  landmarks: z.array(z.string()),
});

/** A run that started and has not been manifested yet: resumed by the next invocation. */
const inflightRunSchema = z.object({
  runId: z.string(),
  window: exportWindowSchema,
  dt: z.string(),
  cursor: pageCursorSchema,
  /** Parts already stored (durable) for this run. */
  parts: z.array(partInfoSchema),
  nextPart: count,
  scVersion: z.nullable(z.string()),
  startedAt: z.string(),
  invocations: count,
  duplicatesSkipped: count,
});
export type InflightRun = z.infer<typeof inflightRunSchema>;

/** `<prefix>/state/<dataset>.json`. */
export const exportStateSchema = z.object({
  stateVersion: z.literal(1),
  dataset: z.string(),
  /** The end of the last window whose manifest was written. The next window starts before it. */
  checkpoint: z.optional(
    z.object({ end: z.number(), runId: z.string(), completedAt: z.string(), manifestKey: z.string() }),
  ),
  inflight: z.optional(inflightRunSchema),
  /** Held while an invocation works on the dataset; expires by itself if the invocation dies. */
  lease: z.optional(z.object({ owner: z.string(), expiresAt: z.number() })),
});
export type ExportState = z.infer<typeof exportStateSchema>;

/** Another invocation holds the dataset's lease. */
export class ExportLockedError extends Sc2awsError {
  constructor(dataset: string, owner: string, expiresAt: number) {
    super(
      ErrorCode.ExportLocked,
      `Another run (${owner}) is exporting dataset "${dataset}" until ${new Date(expiresAt * 1000).toISOString()}; this run skipped it so the two cannot interleave. Fix: none needed; if no run is active the lease expires by itself.`,
    );
  }
}

/** The state object is unreadable: refuse to guess a checkpoint. */
export class StateCorruptError extends Sc2awsError {
  /** `uri` names the object; `problem` says what is wrong with it. */
  constructor(uri: string, problem: string) {
    super(
      ErrorCode.StateCorrupt,
      `The export state ${uri} is not a valid state object (${problem}), so the run stopped rather than guess where to resume. Fix: inspect it; delete it to start over with the first-run lookback (duplicates are identified, nothing is lost).`,
    );
  }
}

/**
 * Reads and writes one dataset's state object with compare-and-swap: every write is conditional on
 * the ETag of the last read or write (S3 If-Match / If-None-Match), so two runs cannot both move
 * the checkpoint. Stores that ignore conditions (e.g. s3rver) still get the lease check.
 */
export class StateHandle {
  private etag: string | undefined;

  private constructor(
    private readonly store: ObjectStore,
    readonly dataset: string,
    public state: ExportState,
    etag: string | undefined,
  ) {
    this.etag = etag;
  }

  static async load(store: ObjectStore, dataset: string): Promise<StateHandle> {
    const key = stateKey(dataset);
    const stored = await store.getText(key);
    if (stored === undefined) return new StateHandle(store, dataset, { stateVersion: 1, dataset }, undefined);
    const parsed = parseDocument(exportStateSchema, stored.body);
    if (!parsed.ok) throw new StateCorruptError(store.uri(key), parsed.problem);
    if (parsed.value.dataset !== dataset)
      throw new StateCorruptError(
        store.uri(key),
        `it is the state of dataset "${parsed.value.dataset.slice(0, 40)}"`,
      );
    return new StateHandle(store, dataset, parsed.value, stored.etag);
  }

  /** Takes the lease, or throws {@link ExportLockedError} when another live owner holds it. */
  async acquire(owner: string, nowSeconds: number, leaseSeconds: number): Promise<void> {
    const lease = this.state.lease;
    if (lease !== undefined && lease.owner !== owner && lease.expiresAt > nowSeconds) {
      throw new ExportLockedError(this.dataset, lease.owner, lease.expiresAt);
    }
    this.state.lease = { owner, expiresAt: nowSeconds + leaseSeconds };
    try {
      await this.save();
    } catch (err) {
      if (err instanceof StoreConflictError)
        throw new ExportLockedError(this.dataset, 'a concurrent run', nowSeconds + leaseSeconds);
      throw err;
    }
  }

  /** Writes the state, conditional on it being unchanged since our last read or write. */
  async save(): Promise<void> {
    const body = `${JSON.stringify(this.state, null, 2)}\n`;
    const out = await this.store.putText(
      stateKey(this.dataset),
      body,
      this.etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: this.etag },
    );
    this.etag = out.etag;
  }

  /** Drops the lease (best effort: an expired lease frees the dataset anyway). */
  async release(): Promise<void> {
    delete this.state.lease;
    await this.save().catch(() => {});
  }
}
