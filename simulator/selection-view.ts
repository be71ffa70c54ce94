/**
 * The rows a selection matches, in the order SC pages them, with random access by rank.
 *
 * Rows are ordered by (sort group, position): groups are severities or plugins when sorting by
 * them (one group otherwise); position is the generated index, which is also time order, and
 * entered rows sit just before generated row `before`. DESC is the exact reverse of ASC.
 *
 * Cost of `slice(a, b)`: O(log N · (log period + log D)) to find rank a, then O(log period) per
 * row, where D is the number of drift changes — never a scan of the store.
 */
import type { MatchTable } from './match-table';
import type { DatasetModel, RowSpec, StoreShape } from './model';
import type { EnteredRow, StoreOverlay } from './overlay';
import { PLUGINS } from './plugins';
import type { Selection } from './query';
import type { GroupCondition, TableCache } from './table-cache';

/** A row of the result: generated row `index` of the store, or a row that entered at run time. */
export type RowRef = { kind: 'generated'; index: number } | { kind: 'entered'; row: EnteredRow };

interface Group {
  table: MatchTable;
  baseCount: number;
  /** Removed generated indices in the window and the group, ascending. */
  removed: number[];
  /** Entered rows in the window and the group, in order, with `before` clamped to [lo, hi]. */
  entered: EnteredRow[];
  enteredBefore: number[];
  total: number;
}

/** Number of values in the sorted array that are < x. */
function countLess(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const PLUGIN_ORDER = PLUGINS.map((plugin, index) => ({ id: plugin.id, index })).sort((a, b) => a.id - b.id);

function groupConditions(selection: Selection): GroupCondition[] {
  if (selection.sort === 'severity') return [0, 1, 2, 3, 4].map((id) => ({ kind: 'severity', id }));
  if (selection.sort === 'pluginID') return PLUGIN_ORDER.map(({ index }) => ({ kind: 'plugin', index }));
  return [{ kind: 'all' }];
}

export class SelectionView {
  readonly lo: number;
  readonly hi: number;
  readonly total: number;
  private readonly shape: StoreShape;
  private readonly groups: Group[];

  constructor(
    private readonly model: DatasetModel,
    private readonly overlay: StoreOverlay,
    tables: TableCache,
    private readonly selection: Selection,
  ) {
    this.shape = model.stores[selection.store];
    ({ lo: this.lo, hi: this.hi } = this.indexWindow());
    const inWindow = [...overlay.removed].filter((i) => i >= this.lo && i < this.hi).sort((a, b) => a - b);
    const enteredInWindow = overlay.entered.filter((row) => this.timesMatch(row.spec));
    this.groups = groupConditions(selection).map((condition) => {
      const table = tables.get(selection.severities, selection.repositories, condition);
      const base = this.shape.base;
      const removed = inWindow.filter((i) => table.matches(base + i));
      const entered = enteredInWindow.filter((row) =>
        tables.admitsFinding(
          selection.severities,
          selection.repositories,
          condition,
          row.spec.g,
          row.spec.recastSeverity,
        ),
      );
      const baseCount = table.count(base + this.lo, base + this.hi);
      return {
        table,
        baseCount,
        removed,
        entered,
        enteredBefore: entered.map((row) => Math.min(Math.max(row.before, this.lo), this.hi)),
        total: baseCount - removed.length + entered.length,
      };
    });
    this.total = this.groups.reduce((sum, group) => sum + group.total, 0);
  }

  /** Rows at ranks [start, end) in the requested order (clamped to the result). */
  slice(start: number, end: number): RowRef[] {
    const from = this.selection.descending ? Math.max(0, this.total - end) : Math.max(0, start);
    const to = this.selection.descending ? this.total - Math.max(0, start) : Math.min(end, this.total);
    const out: RowRef[] = [];
    let offset = 0;
    for (const group of this.groups) {
      const groupEnd = offset + group.total;
      if (to > offset && from < groupEnd) {
        const a = Math.max(from, offset) - offset;
        this.walk(group, a, Math.min(to, groupEnd) - offset - a, out);
      }
      offset = groupEnd;
      if (offset >= to) break;
    }
    return this.selection.descending ? out.reverse() : out;
  }

  /** The spec of a row of this view. */
  specOf(ref: RowRef): RowSpec {
    return ref.kind === 'entered' ? ref.row.spec : this.model.specAt(this.selection.store, ref.index);
  }

  /** Generated-index range [lo, hi) allowed by the time filters (time is monotonic in the index). */
  private indexWindow(): { lo: number; hi: number } {
    let lo = 0;
    let hi = this.shape.timeline.size;
    for (const bound of this.selection.times) {
      // The patched store's primary time is lastMitigated; its lastSeen trails by a constant lag.
      const shift = bound.field === 'lastSeen' ? this.shape.lastSeenLag : 0;
      const range = this.shape.timeline.rangeOf(bound.from + shift, bound.to + shift);
      lo = Math.max(lo, range.lo);
      hi = Math.min(hi, range.hi);
    }
    return { lo, hi: Math.max(lo, hi) };
  }

  private timesMatch(spec: RowSpec): boolean {
    return this.selection.times.every((bound) => {
      const value = bound.field === 'lastSeen' ? spec.lastSeen : spec.lastMitigated;
      return value !== null && value >= bound.from && value <= bound.to;
    });
  }

  /** Rows of the group at positions before generated index p. */
  private rankBefore(group: Group, p: number): number {
    const base = this.shape.base;
    return (
      group.table.count(base + this.lo, base + p) -
      countLess(group.removed, p) +
      countLess(group.enteredBefore, p)
    );
  }

  /** Appends `count` rows of the group starting at group rank `rank`. */
  private walk(group: Group, rank: number, count: number, out: RowRef[]): void {
    // Largest p in [lo, hi] with rankBefore(p) <= rank: the wanted row is at or after position p.
    let lo = this.lo;
    let hi = this.hi;
    while (lo < hi) {
      const mid = lo + Math.ceil((hi - lo) / 2);
      if (this.rankBefore(group, mid) <= rank) lo = mid;
      else hi = mid - 1;
    }
    const base = this.shape.base;
    let skip = rank - this.rankBefore(group, lo);
    let baseRank = group.table.count(base + this.lo, base + lo);
    let enteredAt = countLess(group.enteredBefore, lo);
    let taken = 0;
    const nextGenerated = (): number => {
      while (baseRank < group.baseCount) {
        const index = group.table.nthFrom(base + this.lo, baseRank) - base;
        if (!this.overlay.removed.has(index)) return index;
        baseRank++;
      }
      return Number.POSITIVE_INFINITY;
    };
    while (taken < count) {
      const generated = nextGenerated();
      const enteredPosition = group.enteredBefore[enteredAt] ?? Number.POSITIVE_INFINITY;
      if (generated === Number.POSITIVE_INFINITY && enteredPosition === Number.POSITIVE_INFINITY) return;
      let ref: RowRef;
      if (enteredPosition <= generated) {
        const row = group.entered[enteredAt++];
        if (!row) return;
        ref = { kind: 'entered', row };
      } else {
        ref = { kind: 'generated', index: generated };
        baseRank++;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push(ref);
      taken++;
    }
  }
}
