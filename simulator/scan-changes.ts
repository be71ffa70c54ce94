/**
 * Scans between two pulls: what a client that pulls again must find changed. New findings enter the
 * cumulative store; fixed ones move to the patched store, mitigated now; fixed ones found again move
 * back, last seen now, with hasBeenMitigated "1" (reference §4.2); and a recast rule changes the
 * severity of findings seen again now (recastRisk "1"). Every change is stamped with the simulator
 * clock, so a time window that reaches now holds it, and every scan is kept in a record that tests
 * and the demo check a client's view against.
 *
 * Existing findings are picked among the generated rows (never ones created at run time) with a
 * sequence seeded by (seed, scan number): the same scans of the same simulator change the same rows.
 */
import type { FindingNumbers } from './finding-numbers';
import { hash, SALT, SeededSequence } from './hash';
import type { DatasetModel, RowSpec } from './model';
import type { StoreOverlay } from './overlay';
import { buildRow } from './rows';
import type { ScanChange, ScanRecord, ScanRequest, StoreName } from './types';

/** Random picks tried per finding asked for before the scan gives up (the stores hold too few). */
const ATTEMPTS_PER_PICK = 200;
const CRITICAL = 4;

/** The severity a recast rule gives: one step up, Critical one step down. */
export function recastTarget(severity: number): number {
  return severity < CRITICAL ? severity + 1 : severity - 1;
}

function countOf(name: string, value: number | undefined): number {
  const count = value ?? 0;
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`simulator: scan ${name} must be an integer >= 0, got ${count}`);
  return count;
}

export class ScanChanges {
  private readonly records: ScanRecord[] = [];

  constructor(
    private readonly model: DatasetModel,
    private readonly overlays: Record<StoreName, StoreOverlay>,
    private readonly numbers: FindingNumbers,
    private readonly nowSeconds: () => number,
  ) {}

  /** Copies of the records so far, oldest first. */
  log(): ScanRecord[] {
    return this.records.map((record) => ({ at: record.at, changes: [...record.changes] }));
  }

  /** Applies one scan now and returns its record. */
  apply(request: ScanRequest): ScanRecord {
    const counts = {
      newFindings: countOf('newFindings', request.newFindings),
      fixed: countOf('fixed', request.fixed),
      reopened: countOf('reopened', request.reopened),
      recast: countOf('recast', request.recast),
    };
    const minSeverity = request.minSeverity ?? 0;
    if (!Number.isInteger(minSeverity) || minSeverity < 0 || minSeverity > CRITICAL)
      throw new Error(`simulator: scan minSeverity must be an integer in [0, 4], got ${minSeverity}`);
    const since = request.since ?? Number.NEGATIVE_INFINITY;
    const at = this.nowSeconds();
    const { seed } = this.model.settings;
    const sequence = new SeededSequence(hash(seed, SALT.scan, this.records.length));
    // Everything is picked before anything moves: the picks see the stores as the scan found them.
    const openTaken = new Set<number>();
    const pick = (store: StoreName, count: number, what: string, accepts: (severity: number) => boolean) =>
      this.pick({ store, count, what, since, accepts, sequence, taken: openTaken });
    // At the floor before and after: a finding lifted into view by its recast was never delivered.
    const recast = pick(
      'cumulative',
      counts.recast,
      'recast',
      (s) => s >= minSeverity && recastTarget(s) >= minSeverity,
    );
    const fixed = pick('cumulative', counts.fixed, 'fixed', (s) => s >= minSeverity);
    const reopened = this.pick({
      store: 'patched',
      count: counts.reopened,
      what: 'reopened',
      since,
      accepts: (s) => s >= minSeverity,
      sequence,
      taken: new Set(),
    });
    const created = this.createNumbers(counts.newFindings, minSeverity);

    const changes: ScanChange[] = [];
    const row = (spec: RowSpec) => buildRow(this.model.layout, spec, seed);
    for (const g of created)
      changes.push({
        kind: 'new',
        row: row(this.enterOpen({ g, firstSeen: at, lastSeen: at, lastMitigated: null, reopened: false })),
      });
    for (const index of fixed) {
      const spec = this.leave('cumulative', index);
      const patched = this.model.stores.patched.timeline;
      const next = { ...spec, lastMitigated: at };
      this.overlays.patched.enter(next, patched.firstAtOrAfter(at));
      changes.push({ kind: 'fixed', row: row(next) });
    }
    for (const index of reopened) {
      const spec = this.leave('patched', index);
      const next = this.enterOpen({ ...spec, lastSeen: at, lastMitigated: null, reopened: true });
      changes.push({ kind: 'reopened', row: row(next) });
    }
    for (const index of recast) {
      const spec = this.leave('cumulative', index);
      const previousSeverity = row(spec).severity;
      const recastSeverity = recastTarget(Number(previousSeverity.id));
      const next = this.enterOpen({ ...spec, lastSeen: at, recastSeverity });
      changes.push({ kind: 'recast', row: row(next), previousSeverity });
    }
    const record = { at, changes };
    this.records.push(record);
    return { at, changes: [...changes] };
  }

  /** Takes generated row `index` out of a store; returns its spec. */
  private leave(store: StoreName, index: number): RowSpec {
    this.overlays[store].removed.add(index);
    return this.model.specAt(store, index);
  }

  /** Puts a row in the cumulative store, in time order. */
  private enterOpen(spec: RowSpec): RowSpec {
    this.overlays.cumulative.enter(spec, this.model.stores.cumulative.timeline.firstAtOrAfter(spec.lastSeen));
    return spec;
  }

  private severityOf(g: number): number {
    return this.model.layout.pluginOf(g).seed.severity;
  }

  /** Finding numbers for new findings whose plugin's severity is at least `minSeverity`. */
  private createNumbers(count: number, minSeverity: number): number[] {
    const out: number[] = [];
    // Plugins repeat with the layout's period: one period without a match means none will come.
    for (let misses = 0; out.length < count && misses <= this.model.layout.period; ) {
      const g = this.numbers.take();
      if (g === undefined) break;
      if (this.severityOf(g) >= minSeverity) out.push(g);
      else misses++;
    }
    if (out.length < count)
      throw new Error(
        `simulator: scan created ${out.length} of the ${count} new findings asked for (severity >= ${minSeverity}); lower minSeverity or raise options.hostCount`,
      );
    return out;
  }

  /** Distinct generated rows of a store, present now, last seen or mitigated since `since`. */
  private pick(input: {
    store: StoreName;
    count: number;
    what: string;
    since: number;
    accepts: (severity: number) => boolean;
    sequence: SeededSequence;
    taken: Set<number>;
  }): number[] {
    const { store, count, sequence, taken } = input;
    const shape = this.model.stores[store];
    const lo = shape.timeline.firstAtOrAfter(input.since);
    const candidates = shape.timeline.size - lo;
    const removed = this.overlays[store].removed;
    const picked: number[] = [];
    for (
      let attempt = 0;
      picked.length < count && candidates > 0 && attempt < count * ATTEMPTS_PER_PICK;
      attempt++
    ) {
      const index = lo + sequence.nextBelow(candidates);
      if (removed.has(index) || taken.has(index) || !input.accepts(this.severityOf(shape.base + index)))
        continue;
      taken.add(index);
      picked.push(index);
    }
    if (picked.length < count)
      throw new Error(
        `simulator: scan found ${picked.length} of the ${count} ${input.what} findings asked for in the ${store} store` +
          `${Number.isFinite(input.since) ? ` since ${input.since}` : ''}; ask for fewer, or pass an earlier since`,
      );
    return picked;
  }
}
