import { describe, expect, it } from 'vitest';
import { identityKey } from '#sim';
import { MatchTable } from '../../../simulator/match-table';
import { resolveOptions } from '../../../simulator/options';
import {
  CLASS_PLUGINS,
  GENERIC_PLUGINS,
  OS_CLASSES,
  PLUGINS,
  PLUGINS_PER_HOST,
} from '../../../simulator/plugins';
import { parseSelection, type Selection } from '../../../simulator/query';
import { buildRow, identityOf } from '../../../simulator/rows';
import { type RowRef, SelectionView } from '../../../simulator/selection-view';
import { SimulatorState } from '../../../simulator/state';
import { StoreTimeline } from '../../../simulator/timeline';
import type { DatasetQuery, SimulatorOptions } from '../../../simulator/types';

const NOW = Date.parse('2024-03-04T12:00:00Z');

function stateWith(options: SimulatorOptions): SimulatorState {
  return new SimulatorState(resolveOptions({ now: () => NOW, ...options }));
}

/** Every row of a selection, ordered the slow and obvious way. */
function bruteForce(state: SimulatorState, selection: Selection): string[] {
  const { model } = state;
  const overlay = state.overlays[selection.store];
  const view = new SelectionView(model, overlay, state.tables, { ...selection, times: [] });
  const candidates: { ref: RowRef; position: number[] }[] = [];
  for (let i = 0; i < model.stores[selection.store].timeline.size; i++) {
    if (!overlay.removed.has(i))
      candidates.push({ ref: { kind: 'generated', index: i }, position: [i, 1, 0] });
  }
  for (const row of overlay.entered)
    candidates.push({ ref: { kind: 'entered', row }, position: [row.before, 0, row.seq] });
  const rows = candidates
    .map(({ ref, position }) => ({ spec: view.specOf(ref), position }))
    .filter(({ spec }) => {
      const plugin = model.layout.pluginOf(spec.g);
      const host = model.layout.hostOf(spec.g);
      const timesOk = selection.times.every((bound) => {
        const value = bound.field === 'lastSeen' ? spec.lastSeen : spec.lastMitigated;
        return value !== null && value >= bound.from && value <= bound.to;
      });
      return (
        timesOk &&
        (selection.severities === null || selection.severities.has(plugin.seed.severity)) &&
        (selection.repositories === null || selection.repositories.has(host.repositoryId))
      );
    })
    .map(({ spec, position }) => {
      const plugin = model.layout.pluginOf(spec.g);
      const group =
        selection.sort === 'severity'
          ? plugin.seed.severity
          : selection.sort === 'pluginID'
            ? plugin.seed.id
            : 0;
      return { key: identityKey(identityOf(model.layout, spec.g)), order: [group, ...position] };
    })
    .sort((a, b) => {
      for (let k = 0; k < a.order.length; k++) {
        const diff = (a.order[k] ?? 0) - (b.order[k] ?? 0);
        if (diff !== 0) return diff;
      }
      return 0;
    })
    .map((row) => row.key);
  return selection.descending ? rows.reverse() : rows;
}

function served(state: SimulatorState, selection: Selection, start: number, end: number): string[] {
  const view = new SelectionView(state.model, state.overlays[selection.store], state.tables, selection);
  return view.slice(start, end).map((ref) => identityKey(identityOf(state.model.layout, view.specOf(ref).g)));
}

describe('simulator dataset', () => {
  it('has a catalog of distinct plugins with the same count for every operating system class', () => {
    // Assert
    expect(new Set(PLUGINS.map((plugin) => plugin.id)).size).toBe(PLUGINS.length);
    expect(PLUGINS.length).toBeGreaterThanOrEqual(30);
    for (const osClass of OS_CLASSES)
      expect(GENERIC_PLUGINS.length + CLASS_PLUGINS[osClass].length).toBe(PLUGINS_PER_HOST);
  });

  it('never gives two findings the same identity, across stores and drift', () => {
    // Prepare: few hosts, many findings each, so ports beyond the plugin defaults are used.
    const state = stateWith({ vulnCount: 30_000, fixedCount: 5_000, hostCount: 10 });
    state.drift.start(50, 1);
    const selection = parseSelection({}, NOW / 1000, [1, 2, 3]);
    for (let page = 1; page <= 10; page++) state.drift.afterPage(selection, page * 1_000);

    // Act
    const keys = new Set<string>();
    for (let g = 0; g < state.model.firstFreeG + 500; g++)
      keys.add(identityKey(identityOf(state.model.layout, g)));

    // Assert
    expect(keys.size).toBe(state.model.firstFreeG + 500);
  });

  it('builds the same rows from the same seed and different rows from another seed', () => {
    // Prepare
    const a = stateWith({ seed: 5, vulnCount: 100 });
    const b = stateWith({ seed: 5, vulnCount: 100 });
    const c = stateWith({ seed: 6, vulnCount: 100 });

    // Act
    const rowOf = (state: SimulatorState) =>
      buildRow(state.model.layout, state.model.specAt('cumulative', 42), state.settings.seed);

    // Assert
    expect(rowOf(a)).toEqual(rowOf(b));
    expect(rowOf(a)).not.toEqual(rowOf(c));
  });

  it('counts and selects periodic matches exactly like a scan', () => {
    // Prepare
    const predicate = (r: number) => r % 7 === 3 || r % 11 === 0;
    const table = new MatchTable(77, predicate);
    const matches = Array.from({ length: 1_000 }, (_, g) => g).filter((g) => predicate(g % 77));

    // Act / Assert
    expect(table.count(13, 940)).toBe(matches.filter((g) => g >= 13 && g < 940).length);
    expect(matches.slice(0, 200).map((_, k) => table.nth(k))).toEqual(matches.slice(0, 200));
    expect(table.nthFrom(500, 3)).toBe(matches.filter((g) => g >= 500)[3]);
  });

  it('maps a time window to the index range of the rows inside it', () => {
    // Prepare
    const timeline = new StoreTimeline(1_000, 1_000_000, 5_000);
    const times = Array.from({ length: 1_000 }, (_, i) => timeline.timeAt(i));

    // Act
    const { lo, hi } = timeline.rangeOf(996_500, 998_000);

    // Assert
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)).toBe(1_000_000);
    expect(lo).toBe(times.findIndex((t) => t >= 996_500));
    expect(hi).toBe(times.findIndex((t) => t > 998_000));
  });

  it('serves every selection in the same order as a brute-force sort, drift included', () => {
    // Prepare
    const state = stateWith({ vulnCount: 4_000, fixedCount: 800, hostCount: 25 });
    const now = NOW / 1000;
    const window = {
      filterName: 'lastSeen',
      operator: '=',
      value: `${now - 40 * 86_400}-${now - 5 * 86_400}`,
    };
    state.drift.start(40, 9);
    const driftSelection = parseSelection({ filters: [window] }, now, [1, 2, 3]);
    for (let page = 1; page <= 8; page++) state.drift.afterPage(driftSelection, page * 300);
    expect(state.overlays.cumulative.removed.size).toBeGreaterThan(0);
    expect(state.overlays.cumulative.entered.length).toBeGreaterThan(0);
    expect(state.overlays.patched.entered.length).toBeGreaterThan(0);
    const queries: DatasetQuery[] = [
      {},
      { filters: [window], sortField: 'lastSeen', sortDir: 'DESC' },
      {
        filters: [{ filterName: 'severity', operator: '=', value: '2,3,4' }],
        sortField: 'severity',
        sortDir: 'DESC',
      },
      {
        filters: [window, { filterName: 'repository', operator: '=', value: [{ id: '2' }] }],
        sortField: 'pluginID',
        sortDir: 'ASC',
      },
      { sourceType: 'patched', sortField: 'lastMitigated', sortDir: 'ASC' },
      {
        sourceType: 'patched',
        filters: [{ filterName: 'lastSeen', operator: '=', value: `${now - 30 * 86_400}-${now}` }],
      },
    ];

    for (const query of queries) {
      // Act
      const selection = parseSelection(query, now, [1, 2, 3]);
      const expected = bruteForce(state, selection);
      const pages = [0, 137, 1_000, expected.length - 50].map((start) =>
        served(state, selection, start, start + 211),
      );

      // Assert
      expect(served(state, selection, 0, Number.MAX_SAFE_INTEGER)).toEqual(expected);
      [0, 137, 1_000, expected.length - 50].forEach((start, k) => {
        expect(pages[k]).toEqual(expected.slice(Math.max(0, start), start + 211));
      });
    }
  });
});
