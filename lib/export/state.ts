import { ErrorCode, Sc2awsError } from '#lib/errors';
import { type ObjectStore, type PartInfo, StoreConflictError, stateKey } from '#lib/sink';
import type { PageCursor } from '#lib/tenable';
import type { ExportWindow } from './window';

/** A run that started and has not been manifested yet: resumed by the next invocation. */
export interface InflightRun {
  runId: string;
  window: ExportWindow;
  dt: string;
  cursor: PageCursor;
  /** Parts already stored (durable) for this run. */
  parts: PartInfo[];
  nextPart: number;
  scVersion: string | null;
  startedAt: string;
  invocations: number;
  duplicatesSkipped: number;
}

/** `<prefix>/state/<dataset>.json`. */
export interface ExportState {
  stateVersion: 1;
  dataset: string;
  /** The end of the last window whose manifest was written. The next window starts before it. */
  checkpoint?: { end: number; runId: string; completedAt: string; manifestKey: string };
  inflight?: InflightRun;
  /** Held while an invocation works on the dataset; expires by itself if the invocation dies. */
  lease?: { owner: string; expiresAt: number };
}

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
  constructor(key: string) {
    super(
      ErrorCode.StateCorrupt,
      `The export state ${key} is not valid JSON of the expected shape, so the run stopped rather than guess where to resume. Fix: inspect it; delete it to start over with the first-run lookback (duplicates are identified, nothing is lost).`,
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
    let state: ExportState;
    try {
      state = JSON.parse(stored.body) as ExportState;
    } catch {
      throw new StateCorruptError(`${store.location}/${key}`);
    }
    if (state?.stateVersion !== 1 || state.dataset !== dataset)
      throw new StateCorruptError(`${store.location}/${key}`);
    return new StateHandle(store, dataset, state, stored.etag);
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
