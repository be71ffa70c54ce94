/**
 * Run-time changes to a store (drift): generated rows that left and rows that entered. Memory is
 * proportional to the number of changes, never to the store size; untouched rows keep their
 * generated content.
 */
import type { RowSpec } from './model';

/** A row that entered a store at run time. */
export interface EnteredRow {
  spec: RowSpec;
  /** Ordered just before generated row `before` (the first row at or after its time). */
  before: number;
  /** Tie-breaker between entered rows with the same `before`. */
  seq: number;
}

export class StoreOverlay {
  /** Generated row indices that left the store. */
  readonly removed = new Set<number>();
  /** Entered rows, sorted by (before, seq). */
  readonly entered: EnteredRow[] = [];
  private nextSeq = 0;

  /** Adds a row ordered before generated row `before`. */
  enter(spec: RowSpec, before: number): EnteredRow {
    const row: EnteredRow = { spec, before, seq: this.nextSeq++ };
    // seq grows, so a new row goes after every existing row with the same `before`.
    let lo = 0;
    let hi = this.entered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entered[mid]?.before ?? 0) <= before) lo = mid + 1;
      else hi = mid;
    }
    this.entered.splice(lo, 0, row);
    return row;
  }

  /** Removes a previously entered row. */
  leave(row: EnteredRow): void {
    const at = this.entered.indexOf(row);
    if (at >= 0) this.entered.splice(at, 1);
  }
}
