import { afterEach, describe, expect, it } from 'vitest';
import {
  type AnalysisFilter,
  identityKey,
  identityOfRow,
  type ScanRequest,
  type SimulatorHandle,
  startSimulator,
  type VulnDetailsRow,
} from '#sim';
import { analysis, analysisBody, lastSeenRange, pageAll } from './analysisClient';

const START = Date.parse('2024-03-04T12:00:00Z');
const DAY_MS = 86_400_000;
const keyOf = (row: VulnDetailsRow) => identityKey(identityOfRow(row));
const lastMitigatedRange = (from: number, to: number): AnalysisFilter => ({
  filterName: 'lastMitigated',
  operator: '=',
  value: `${from}-${to}`,
});

describe('simulator scans between pulls', () => {
  const started: SimulatorHandle[] = [];
  let clock = START;
  const start = async (seed = 21) => {
    clock = START;
    const sim = await startSimulator({
      seed,
      vulnCount: 2_000,
      fixedCount: 300,
      hostCount: 40,
      reopenedRatio: 0,
      now: () => clock,
    });
    started.push(sim);
    return sim;
  };
  /** The scan runs a day after the data was generated. */
  const scanLater = (sim: SimulatorHandle, request: ScanRequest) => {
    clock = START + DAY_MS;
    return sim.control.scan(request);
  };
  const everything = async (sim: SimulatorHandle, sourceType: 'cumulative' | 'patched') =>
    new Map((await pageAll(sim, { sourceType }, 1_000)).map((row) => [keyOf(row), row]));

  afterEach(async () => {
    await Promise.all(started.splice(0).map((sim) => sim.close()));
  });

  it('moves fixed findings to the patched store, mitigated at the scan, and serves them only there', async () => {
    // Prepare
    const sim = await start();
    const openBefore = await everything(sim, 'cumulative');

    // Act
    const record = scanLater(sim, { fixed: 7 });
    const open = await everything(sim, 'cumulative');
    const patched = await everything(sim, 'patched');

    // Assert
    const at = (START + DAY_MS) / 1000;
    expect(record.at).toBe(at);
    expect(record.changes).toHaveLength(7);
    expect(open.size).toBe(openBefore.size - 7);
    expect(patched.size).toBe(300 + 7);
    for (const change of record.changes) {
      expect(change.kind).toBe('fixed');
      const key = keyOf(change.row);
      expect(open.has(key)).toBe(false);
      expect(patched.get(key)).toEqual(change.row);
      expect(change.row.lastMitigated).toBe(String(at));
      expect(change.row.lastSeen).toBe(openBefore.get(key)?.lastSeen);
    }
  });

  it('brings reopened findings back from the patched store, last seen at the scan, with hasBeenMitigated 1', async () => {
    // Prepare
    const sim = await start();
    const patchedBefore = await everything(sim, 'patched');

    // Act
    const record = scanLater(sim, { reopened: 5 });
    const open = await everything(sim, 'cumulative');
    const patched = await everything(sim, 'patched');

    // Assert
    expect(patched.size).toBe(300 - 5);
    for (const change of record.changes) {
      const key = keyOf(change.row);
      expect(change.kind).toBe('reopened');
      expect(patchedBefore.has(key)).toBe(true);
      expect(patched.has(key)).toBe(false);
      expect(open.get(key)).toEqual(change.row);
      expect(change.row).toMatchObject({ hasBeenMitigated: '1', lastSeen: String(record.at) });
      expect(change.row.lastMitigated).toBeUndefined();
    }
  });

  it('adds new findings first and last seen at the scan, under identities no finding had', async () => {
    // Prepare
    const sim = await start();
    const before = new Set([
      ...(await everything(sim, 'cumulative')).keys(),
      ...(await everything(sim, 'patched')).keys(),
    ]);

    // Act
    const record = scanLater(sim, { newFindings: 9 });
    const open = await everything(sim, 'cumulative');

    // Assert
    expect(new Set(record.changes.map((c) => keyOf(c.row))).size).toBe(9);
    for (const change of record.changes) {
      expect(change.kind).toBe('new');
      expect(before.has(keyOf(change.row))).toBe(false);
      expect(open.get(keyOf(change.row))).toEqual(change.row);
      expect(change.row).toMatchObject({ firstSeen: String(record.at), lastSeen: String(record.at) });
    }
  });

  it('recasts findings seen again at the scan, and filters and sorts them by their recast severity', async () => {
    // Prepare
    const sim = await start();
    const openBefore = await everything(sim, 'cumulative');

    // Act
    const record = scanLater(sim, { recast: 6 });
    const window = [lastSeenRange(record.at, record.at)];
    const bySeverity = await analysis(
      sim,
      analysisBody({ filters: window, sortField: 'severity', sortDir: 'ASC' }),
    );

    // Assert
    expect(bySeverity.results.map(keyOf).sort()).toEqual(record.changes.map((c) => keyOf(c.row)).sort());
    const ids = bySeverity.results.map((row) => Number(row.severity.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const change of record.changes) {
      const before = openBefore.get(keyOf(change.row));
      const from = Number(before?.severity.id);
      expect(change.kind).toBe('recast');
      expect(change.previousSeverity).toEqual(before?.severity);
      expect(Number(change.row.severity.id)).toBe(from < 4 ? from + 1 : 3);
      expect(change.row.recastRisk).toBe('1');
      const only = await analysis(
        sim,
        analysisBody({
          filters: [...window, { filterName: 'severity', operator: '=', value: change.row.severity.id }],
        }),
      );
      expect(only.results.map(keyOf)).toContain(keyOf(change.row));
    }
  });

  it('puts every change, and nothing else, in windows that start at the scan', async () => {
    // Prepare
    const sim = await start();

    // Act
    const record = scanLater(sim, { newFindings: 4, fixed: 3, reopened: 2, recast: 1 });
    const open = await pageAll(sim, { filters: [lastSeenRange(record.at, record.at)] }, 1_000);
    const fixed = await pageAll(
      sim,
      { sourceType: 'patched', filters: [lastMitigatedRange(record.at, record.at)] },
      1_000,
    );

    // Assert
    const keysOf = (kinds: string[]) =>
      record.changes.filter((c) => kinds.includes(c.kind)).map((c) => keyOf(c.row));
    expect(open.map(keyOf).sort()).toEqual(keysOf(['new', 'reopened', 'recast']).sort());
    expect(fixed.map(keyOf).sort()).toEqual(keysOf(['fixed']).sort());
    expect(sim.dataset.countMatching({ filters: [lastSeenRange(record.at, record.at)] })).toBe(7);
  });

  it('picks only findings seen or mitigated since the given time, at the given severity or above', async () => {
    // Prepare
    const sim = await start();
    const since = sim.dataset.generatedAt - 20 * 86_400;
    const openBefore = await everything(sim, 'cumulative');
    const patchedBefore = await everything(sim, 'patched');

    // Act
    const record = scanLater(sim, {
      newFindings: 10,
      fixed: 10,
      reopened: 5,
      recast: 5,
      since,
      minSeverity: 3,
    });

    // Assert
    for (const change of record.changes) {
      expect(Number(change.row.severity.id)).toBeGreaterThanOrEqual(3);
      const key = keyOf(change.row);
      if (change.kind === 'fixed' || change.kind === 'recast')
        expect(Number(openBefore.get(key)?.lastSeen)).toBeGreaterThanOrEqual(since);
      if (change.kind === 'reopened')
        expect(Number(patchedBefore.get(key)?.lastMitigated)).toBeGreaterThanOrEqual(since);
    }
  });

  it('recasts only findings at the given severity before the recast as well as after, findings an export with that floor delivered', async () => {
    // Prepare: a floor of Low, where a recast could lift an Info finding into view
    const sim = await start(7);

    // Act
    const record = scanLater(sim, { recast: 60, minSeverity: 1 });

    // Assert
    const recast = record.changes.filter((c) => c.kind === 'recast');
    expect(recast).toHaveLength(60);
    for (const change of recast) {
      expect(Number(change.previousSeverity?.id)).toBeGreaterThanOrEqual(1);
      expect(Number(change.row.severity.id)).toBeGreaterThanOrEqual(1);
    }
  });

  it('changes the same findings for the same seed, and keeps every scan in its log', async () => {
    // Prepare
    const a = await start(5);
    const b = await start(5);
    const request = { newFindings: 3, fixed: 3, reopened: 3, recast: 3 };

    // Act
    const first = [a.control.scan(request), a.control.scan(request)];
    const second = [b.control.scan(request), b.control.scan(request)];

    // Assert
    expect(second).toEqual(first);
    expect(a.control.scanLog()).toEqual(first);
    const keys = first.flatMap((r) => r.changes.map((c) => keyOf(c.row)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('refuses a scan it cannot pick findings for, saying what to change', async () => {
    // Prepare
    const sim = await start();

    // Act
    const tooMany = () => sim.control.scan({ reopened: 301 });
    const negative = () => sim.control.scan({ fixed: -1 });

    // Assert
    expect(tooMany).toThrow(
      /found \d+ of the 301 reopened findings asked for in the patched store; ask for fewer/,
    );
    expect(negative).toThrow('simulator: scan fixed must be an integer >= 0, got -1');
    expect(sim.control.scanLog()).toEqual([]);
  });
});
