/**
 * Time of a store's rows as a monotonic function of the row index: row i of N is stamped at
 * end - span + floor((i + 1)·span / N). Monotonic time is what keeps paging cheap: a time window
 * is a contiguous index range found by binary search, and time order is index order.
 */
export class StoreTimeline {
  constructor(
    /** Number of generated rows. */
    readonly size: number,
    /** Epoch seconds of the newest row. */
    readonly end: number,
    /** Seconds between the oldest possible row and `end`. */
    readonly span: number,
  ) {}

  /** Epoch seconds of row i. */
  timeAt(i: number): number {
    return this.end - this.span + Math.floor(((i + 1) * this.span) / this.size);
  }

  /** Smallest index whose time is >= t (size when none). */
  firstAtOrAfter(t: number): number {
    return this.search((i) => this.timeAt(i) >= t);
  }

  /** Smallest index whose time is > t (size when none). */
  firstAfter(t: number): number {
    return this.search((i) => this.timeAt(i) > t);
  }

  /** Index range [lo, hi) of rows whose time lies in [from, to] (both inclusive). */
  rangeOf(from: number, to: number): { lo: number; hi: number } {
    const lo = this.firstAtOrAfter(from);
    const hi = Math.max(lo, this.firstAfter(to));
    return { lo, hi };
  }

  private search(isAtOrPast: (i: number) => boolean): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isAtOrPast(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
