import { createHash } from 'node:crypto';

/**
 * Plans "one row per finding_id, the newest last_seen wins" over a run that is read twice, in
 * memory that stays nearly flat: a Bloom filter (about 10 bits a row) spots ids that may repeat,
 * and only those get an exact record. False positives only cost a record, never a row.
 *
 * Pass 1: {@link DedupePlan.observe} every row. Pass 2: {@link DedupePlan.keep} tells which to emit.
 */
export class DedupePlan {
  private readonly bits: Uint8Array;
  private readonly size: number;
  /** For ids that may repeat: the best occurrence after the first one seen in pass 1. */
  private readonly repeats = new Map<
    string,
    { time: string; seq: number; seen: boolean; emitted: boolean }
  >();

  constructor(expectedRows: number) {
    this.size = Math.max(1024, expectedRows * 10);
    this.bits = new Uint8Array(Math.ceil(this.size / 8));
  }

  private positions(id: string): number[] {
    const h = createHash('sha256').update(id).digest();
    return [0, 4, 8, 12, 16, 20, 24].map((o) => h.readUInt32LE(o) % this.size);
  }

  /** Pass 1. `time` sorts as text (ISO-8601 UTC); a later `seq` wins a tie. */
  observe(id: string, time: string, seq: number): void {
    const positions = this.positions(id);
    const maybeSeen = positions.every((p) => ((this.bits[p >> 3] as number) & (1 << (p & 7))) !== 0);
    for (const p of positions) this.bits[p >> 3] = (this.bits[p >> 3] as number) | (1 << (p & 7));
    if (!maybeSeen) return;
    const best = this.repeats.get(id);
    if (best === undefined || time >= best.time)
      this.repeats.set(id, { time, seq, seen: false, emitted: false });
  }

  /** Pass 2, in the same order: true when this occurrence is the one to deliver. */
  keep(id: string, time: string, seq: number): boolean {
    const best = this.repeats.get(id);
    if (best === undefined) return true;
    if (!best.seen) {
      // The first occurrence was not recorded in pass 1 (or it is the recorded one, for a Bloom
      // false positive): it wins only with a strictly newer time.
      best.seen = true;
      if (seq === best.seq || time > best.time) {
        best.emitted = true;
        return true;
      }
      return false;
    }
    if (!best.emitted && seq === best.seq) {
      best.emitted = true;
      return true;
    }
    return false;
  }
}
