import * as z from 'zod/mini';
import { ErrorCode, parseDocument, Sc2awsError } from '#lib/errors';
import type { ObjectStore } from '#lib/sink';
import { LEDGER_INDEX_KEY, ledgerKey } from './layout';

const isoTime = z.string().check(z.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/));

/** One finding as last sent: `c` CreatedAt (first send), `u` UpdatedAt (last send), `a` sent ACTIVE. */
const entrySchema = z.object({ c: isoTime, u: isoTime, a: z.boolean() });
export type LedgerEntry = z.infer<typeof entrySchema>;

const partitionLedgerSchema = z.object({
  ledgerVersion: z.literal(1),
  partition: z.int(),
  findings: z.record(z.string(), entrySchema),
});

const ledgerIndexSchema = z.object({
  ledgerVersion: z.literal(1),
  /** Partition (3 hex) → the oldest `u` of an ACTIVE entry; partitions without one are absent. */
  oldestActive: z.record(z.string(), isoTime),
});

/** A ledger object is not what sc2aws wrote: not guessed at. */
export class LedgerCorruptError extends Sc2awsError {
  constructor(uri: string, problem: string) {
    super(
      ErrorCode.StateCorrupt,
      `The Security Hub ledger ${uri} is not what sc2aws wrote (${problem}); nothing was sent. Fix: delete it; the findings it named are then sent as new (Security Hub keeps their Id and updates them), and CreatedAt restarts for them.`,
    );
  }
}

/**
 * What was sent to Security Hub, per finding, by lifecycle partition (the host's): the first
 * `CreatedAt`, the last `UpdatedAt`, and whether it was sent ACTIVE. It makes `CreatedAt` stay the
 * first send's and `UpdatedAt` strictly increase for each Id (Security Hub ignores an update whose
 * `UpdatedAt` is not newer), and tells the refresh which open findings were not updated for N days.
 * A run reads and writes only the partitions of the hosts it sends; one sender at a time writes it.
 *
 * @example
 * ```ts
 * const ledger = new SentLedger(store);
 * await ledger.load([0x3a1]);
 * const times = ledger.timesFor(findingId, 0x3a1, new Date().toISOString());
 * ```
 */
export class SentLedger {
  private readonly partitions = new Map<number, Record<string, LedgerEntry>>();
  private readonly dirty = new Set<number>();
  private index: Record<string, string> | undefined;

  constructor(private readonly store: ObjectStore) {}

  async load(partitions: Iterable<number>): Promise<void> {
    const missing = [...new Set(partitions)].filter((p) => !this.partitions.has(p));
    await Promise.all(
      missing.map(async (p) => {
        const key = ledgerKey(p);
        const stored = await this.store.getText(key);
        if (stored === undefined) {
          this.partitions.set(p, {});
          return;
        }
        const parsed = parseDocument(partitionLedgerSchema, stored.body);
        if (!parsed.ok) throw new LedgerCorruptError(this.store.uri(key), parsed.problem);
        if (parsed.value.partition !== p)
          throw new LedgerCorruptError(this.store.uri(key), `it holds partition ${parsed.value.partition}`);
        this.partitions.set(p, parsed.value.findings);
      }),
    );
  }

  private of(partition: number): Record<string, LedgerEntry> {
    const findings = this.partitions.get(partition);
    if (findings === undefined) throw new Error(`ledger partition ${partition} used before load()`);
    return findings;
  }

  entry(findingId: string, partition: number): LedgerEntry | undefined {
    return this.of(partition)[findingId];
  }

  /** All entries of a loaded partition. */
  entries(partition: number): [string, LedgerEntry][] {
    return Object.entries(this.of(partition));
  }

  /** `CreatedAt` and `UpdatedAt` for a send at `now`: the first send's, and later than the last. */
  timesFor(findingId: string, partition: number, now: string): { createdAt: string; updatedAt: string } {
    const before = this.entry(findingId, partition);
    if (before === undefined) return { createdAt: now, updatedAt: now };
    const updatedAt = now > before.u ? now : new Date(Date.parse(before.u) + 1).toISOString();
    return { createdAt: before.c, updatedAt };
  }

  record(findingId: string, partition: number, entry: LedgerEntry): void {
    this.of(partition)[findingId] = entry;
    this.dirty.add(partition);
  }

  /** Stops the refresh looking at an entry again (its finding left the current table). */
  retire(findingId: string, partition: number): void {
    const entry = this.entry(findingId, partition);
    if (entry === undefined || !entry.a) return;
    this.record(findingId, partition, { ...entry, a: false });
  }

  async readIndex(): Promise<Record<string, string>> {
    if (this.index !== undefined) return this.index;
    const stored = await this.store.getText(LEDGER_INDEX_KEY);
    if (stored === undefined) {
      this.index = {};
      return this.index;
    }
    const parsed = parseDocument(ledgerIndexSchema, stored.body);
    if (!parsed.ok) throw new LedgerCorruptError(this.store.uri(LEDGER_INDEX_KEY), parsed.problem);
    this.index = parsed.value.oldestActive;
    return this.index;
  }

  /** Writes the partitions changed since the last save, then the index that follows from them. */
  async save(): Promise<void> {
    if (this.dirty.size === 0) return;
    const index = await this.readIndex();
    const changed = [...this.dirty].sort((a, b) => a - b);
    this.dirty.clear();
    await Promise.all(
      changed.map(async (p) => {
        const findings = this.of(p);
        await this.store.putText(
          ledgerKey(p),
          `${JSON.stringify({ ledgerVersion: 1, partition: p, findings })}\n`,
          { contentType: 'application/json' },
        );
        const name = p.toString(16).padStart(3, '0');
        let oldest: string | undefined;
        for (const entry of Object.values(findings))
          if (entry.a && (oldest === undefined || entry.u < oldest)) oldest = entry.u;
        if (oldest === undefined) delete index[name];
        else index[name] = oldest;
      }),
    );
    await this.store.putText(
      LEDGER_INDEX_KEY,
      `${JSON.stringify({ ledgerVersion: 1, oldestActive: index })}\n`,
      {
        contentType: 'application/json',
      },
    );
  }
}
