/**
 * Counts and selects findings that satisfy a predicate depending only on g mod period (plugin,
 * severity, host, repository all do, see layout.ts). One prefix array over a single period
 * answers "how many matches below x" in O(1) and "which is the k-th match" in O(log period),
 * whatever the number of rows: this is what keeps a page at O(pageSize · log period + log N).
 */
export class MatchTable {
  private readonly prefix: Uint32Array;
  /** Matches per period. */
  readonly perPeriod: number;

  constructor(
    readonly period: number,
    predicate: (residue: number) => boolean,
  ) {
    this.prefix = new Uint32Array(period + 1);
    let count = 0;
    for (let r = 0; r < period; r++) {
      if (predicate(r)) count++;
      this.prefix[r + 1] = count;
    }
    this.perPeriod = count;
  }

  /** True when finding g matches. */
  matches(g: number): boolean {
    const r = g % this.period;
    return this.at(r + 1) !== this.at(r);
  }

  /** Matches among finding numbers [0, x). */
  countBelow(x: number): number {
    return Math.floor(x / this.period) * this.perPeriod + this.at(x % this.period);
  }

  /** Matches among finding numbers [lo, hi). */
  count(lo: number, hi: number): number {
    return hi <= lo ? 0 : this.countBelow(hi) - this.countBelow(lo);
  }

  /** The k-th (0-based) matching finding number counted from 0; requires perPeriod > 0. */
  nth(k: number): number {
    const cycle = Math.floor(k / this.perPeriod);
    const rest = k - cycle * this.perPeriod;
    // Smallest r with prefix[r + 1] > rest.
    let lo = 0;
    let hi = this.period - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid + 1) > rest) hi = mid;
      else lo = mid + 1;
    }
    return cycle * this.period + lo;
  }

  /** The k-th (0-based) match at or after finding number `from`. */
  nthFrom(from: number, k: number): number {
    return this.nth(this.countBelow(from) + k);
  }

  private at(i: number): number {
    return this.prefix[i] ?? 0;
  }
}
