import { buffer } from 'node:stream/consumers';
import * as z from 'zod/mini';
import { ErrorCode, parseDocument, Sc2awsError } from '#lib/errors';
import { lifecycleResultSchema, lifecycleWorkSchema } from '#lib/lifecycle';
import { deliveryStatePrefix, type ObjectStore, partInfoSchema } from '#lib/sink';

const count = z.int().check(z.nonnegative());

/** The best occurrence so far of an id that may be delivered twice (newest last_seen, then latest). */
const occurrenceSchema = z.object({
  /** `last_seen` in epoch ms; null: none (loses to any time). */
  time: z.nullable(z.number()),
  part: count,
  line: count,
  /** Occurrences seen: an id seen once was a filter false positive and prunes nothing. */
  count: count,
  /** The findings parts that hold an occurrence: the ones a prune has to rewrite. */
  parts: z.array(count),
});
export type Occurrence = z.infer<typeof occurrenceSchema>;

/**
 * `<prefix>/state/delivery/dataset=<d>/run=<runId>/state.json`: where a delivery that ran out of time
 * continues. Written only when an invocation stops early, deleted once the run is committed.
 * Phases: `transform` (raw part `next` onwards), `scan` (findings part `next` onwards, for the ids
 * the filter flagged), `prune` (rewrite the parts holding a losing duplicate), `lifecycle` (the
 * findings are committed; their changes to the finding lifecycle, see lib/lifecycle), `ocsf` (OCSF
 * file `next` onwards), `securityhub` (the change run to Security Hub, ./securityhub-phase.ts).
 */
export const deliveryStateSchema = z.object({
  stateVersion: z.literal(1),
  /** The raw manifest being delivered: a state for another manifest is not resumed. */
  source: z.string(),
  rawSha256: z.string(),
  /** The plugin output cap the parts so far were made with: another cap makes other bytes. */
  pluginOutputMaxBytes: z.optional(count),
  phase: z.enum(['transform', 'scan', 'prune', 'lifecycle', 'ocsf', 'securityhub']),
  next: count,
  invocations: count,
  findings: z.array(partInfoSchema),
  /** The raw part each findings part came from (its key's number, and its ids object's). */
  indexes: z.array(count),
  rejected: z.array(partInfoSchema),
  rejectedRows: count,
  /** Ids the filter flagged (transform), or their best occurrence (scan and prune). */
  candidates: z.array(z.string()),
  best: z.record(z.string(), occurrenceSchema),
  /** Phase `ocsf` (the findings are committed and announced): what was delivered, and the OCSF files stored so far. */
  delivered: z.optional(
    z.object({
      manifest: z.string(),
      manifestKey: z.string(),
      rows: count,
      rejected: count,
      duplicates: count,
    }),
  ),
  /**
   * Per findings part done, its OCSF files (one per event day, with `eventDay`, as lib/ocsf's
   * OcsfFileInfo; lib/ocsf itself is loaded only with OCSF on). A state saved before files were
   * split by day has one file a part, without a day.
   */
  ocsf: z.optional(
    z.array(
      z.union([z.array(z.extend(partInfoSchema, { eventDay: z.optional(z.string()) })), partInfoSchema]),
    ),
  ),
  /** Phase `lifecycle`: where applying the run to the finding lifecycle stands. */
  lifecycle: z.optional(lifecycleWorkSchema),
  /**
   * With OCSF on, for `vulns` and `fixed`: the committed change run's parts and their numbers. The
   * Vulnerability Finding records follow the lifecycle: one per change, none for a finding that
   * did not change.
   */
  ocsfSource: z.optional(z.object({ parts: z.array(partInfoSchema), indexes: z.array(count) })),
  /** After phase `lifecycle`: the committed change run. */
  changes: z.optional(lifecycleResultSchema),
  /**
   * Phase `securityhub` done (SECURITY_HUB_OUTPUT=on): what was sent. Where a send stands lives with
   * Security Hub's own state (lib/securityhub), so the CLI and a redelivery share it.
   */
  securityHub: z.optional(
    z.object({
      sent: count,
      skipped: count,
      failed: count,
      calls: count,
      throttled: count,
      refreshed: count,
    }),
  ),
});
export type DeliveryState = z.infer<typeof deliveryStateSchema>;

/**
 * An object a delivery saved for itself (its state, id filter, ids, lease, or a findings part it
 * wrote and has not committed) is not what it saved: it is not guessed at. `uri` names that object,
 * `folder` the run's delivery state folder, whose removal makes the delivery start over.
 */
export class DeliveryStateCorruptError extends Sc2awsError {
  constructor(uri: string, problem: string, folder: string) {
    super(
      ErrorCode.StateCorrupt,
      `The delivery stopped rather than guess where to continue: ${uri} is not what the delivery saved there (${problem}). Fix: delete the run's delivery state, every object under ${folder}, then redeliver the run; it starts over and writes the same objects.`,
    );
  }
}

/** The objects of one run's delivery state (see `deliveryStatePrefix`). */
export class DeliveryStateObjects {
  private readonly prefix: string;

  constructor(
    private readonly store: ObjectStore,
    dataset: string,
    runId: string,
  ) {
    this.prefix = deliveryStatePrefix(dataset, runId);
  }

  /** Full addresses for an integrity message about `key`: the object, and this state's folder. */
  where(key: string): { part: string; state: string } {
    return { part: this.store.uri(key), state: this.store.uri(this.prefix) };
  }

  /** The error for an object of this delivery that is not what it saved. */
  corrupt(key: string, problem: string): DeliveryStateCorruptError {
    return new DeliveryStateCorruptError(this.store.uri(key), problem, this.store.uri(this.prefix));
  }

  private get stateKey(): string {
    return `${this.prefix}state.json`;
  }

  private get filterKey(): string {
    return `${this.prefix}filter.bin`;
  }

  /** Beside findings part `index`: its rows' ids and times. */
  idsKey(index: number): string {
    return `${this.prefix}ids-${String(index).padStart(5, '0')}.bin`;
  }

  async putBinary(key: string, bytes: Uint8Array): Promise<void> {
    const upload = this.store.openUpload(key, 'application/octet-stream');
    upload.stream.end(bytes);
    await upload.done();
  }

  /** The saved state and, in the transform phase, the id filter's bits. */
  async load(): Promise<{ state: DeliveryState; filterBits: Uint8Array | undefined } | undefined> {
    const stored = await this.store.getText(this.stateKey);
    if (stored === undefined) return undefined;
    const parsed = parseDocument(deliveryStateSchema, stored.body);
    if (!parsed.ok) throw this.corrupt(this.stateKey, parsed.problem);
    if (parsed.value.phase !== 'transform') return { state: parsed.value, filterBits: undefined };
    const bits = await this.store
      .getStream(this.filterKey)
      .then((stream) => buffer(stream))
      .catch(() => undefined);
    if (bits === undefined) {
      throw this.corrupt(this.filterKey, 'the state names this id filter, and it cannot be read');
    }
    return { state: parsed.value, filterBits: new Uint8Array(bits) };
  }

  /** Saves where to continue: the filter first, so a state never points at a missing filter. */
  async save(state: DeliveryState, filterBits: Uint8Array | undefined): Promise<void> {
    if (filterBits !== undefined) await this.putBinary(this.filterKey, filterBits);
    await this.store.putText(this.stateKey, `${JSON.stringify(state)}\n`, {
      contentType: 'application/json',
    });
  }

  /** The filter and the ids: once the findings are committed, nothing reads them again. */
  async removeDedupe(indexes: readonly number[]): Promise<void> {
    await this.store.delete(this.filterKey);
    for (const index of indexes) await this.store.delete(this.idsKey(index));
  }

  /** Once everything is committed. */
  async removeState(): Promise<void> {
    await this.store.delete(this.stateKey);
  }
}
