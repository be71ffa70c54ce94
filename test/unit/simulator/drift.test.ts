import { afterEach, describe, expect, it } from 'vitest';
import {
  type DatasetQuery,
  identityKey,
  identityOfRow,
  type SimulatorHandle,
  startSimulator,
  type VulnDetailsRow,
} from '#sim';
import { analysis, analysisBody, lastSeenRange, pageAll } from './analysisClient';

const NOW = Date.parse('2024-03-04T12:00:00Z');
const keyOf = (row: VulnDetailsRow) => identityKey(identityOfRow(row));

describe('simulator drift', () => {
  const started: SimulatorHandle[] = [];
  const start = async () => {
    const sim = await startSimulator({
      seed: 21,
      vulnCount: 3_000,
      fixedCount: 200,
      hostCount: 50,
      now: () => NOW,
    });
    started.push(sim);
    return sim;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((sim) => sim.close()));
  });

  const windowOf = (sim: SimulatorHandle) => ({
    filters: [lastSeenRange(sim.dataset.generatedAt - sim.dataset.spanSeconds, sim.dataset.generatedAt)],
    sortField: 'lastSeen',
    sortDir: 'ASC' as const,
  });

  it('makes a naive offset pager miss rows, while every row that never left is still served', async () => {
    // Prepare
    const sim = await start();
    const query: DatasetQuery = windowOf(sim);
    const initial = new Map([...sim.dataset.rowsMatching(query)].map((row) => [keyOf(row), row]));
    sim.control.startDrift({ perPage: 20, seed: 4 });

    // Act
    const naive = await pageAll(sim, query, 300);
    sim.control.stopDrift();
    const log = sim.control.driftLog();
    const fresh = await pageAll(sim, query, 1_000);

    // Assert
    const left = new Set(log.left.map(identityKey));
    const stayed = [...initial.keys()].filter((key) => !left.has(key));
    const naiveKeys = new Set(naive.map(keyOf));
    expect(stayed.filter((key) => !naiveKeys.has(key)).length).toBeGreaterThan(0);
    const freshByKey = new Map(fresh.map((row) => [keyOf(row), row]));
    for (const key of stayed) expect(freshByKey.get(key)).toEqual(initial.get(key));
    expect(fresh).toHaveLength(initial.size - log.left.length + log.entered.length);
    for (const identity of log.entered) expect(freshByKey.has(identityKey(identity))).toBe(true);
    expect(new Set(fresh.map(keyOf)).size).toBe(fresh.length);
  });

  it('moves rows that left to the patched store, mitigated now', async () => {
    // Prepare
    const sim = await start();
    sim.control.startDrift({ perPage: 10 });

    // Act
    await analysis(sim, analysisBody({ ...windowOf(sim), startOffset: 0, endOffset: 500 }));
    await analysis(sim, analysisBody({ ...windowOf(sim), startOffset: 500, endOffset: 1_000 }));
    const log = sim.control.driftLog();
    const patched = await pageAll(sim, { sourceType: 'patched' }, 1_000);

    // Assert
    expect(log.left).toHaveLength(10);
    expect(log.entered).toHaveLength(10);
    const patchedByKey = new Map(patched.map((row) => [keyOf(row), row]));
    expect(patched).toHaveLength(200 + 10);
    for (const identity of log.left)
      expect(patchedByKey.get(identityKey(identity))?.lastMitigated).toBe(String(NOW / 1000));
  });

  it('changes nothing once stopped and nothing for patched or sumip pages', async () => {
    // Prepare
    const sim = await start();
    sim.control.startDrift({ perPage: 10 });

    // Act
    await analysis(sim, analysisBody({ sourceType: 'patched' }));
    await analysis(sim, analysisBody({ tool: 'sumip' }));
    const duringOthers = sim.control.driftLog();
    sim.control.stopDrift();
    await analysis(sim, analysisBody({}));

    // Assert
    expect(duringOthers).toEqual({ left: [], entered: [] });
    expect(sim.control.driftLog()).toEqual({ left: [], entered: [] });
  });

  it('drifts the same way for the same drift seed', async () => {
    // Prepare
    const a = await start();
    const b = await start();
    a.control.startDrift({ perPage: 6, seed: 77 });
    b.control.startDrift({ perPage: 6, seed: 77 });

    // Act
    for (const sim of [a, b]) {
      await analysis(sim, analysisBody({ startOffset: 0, endOffset: 400 }));
      await analysis(sim, analysisBody({ startOffset: 400, endOffset: 800 }));
    }

    // Assert
    expect(a.control.driftLog()).toEqual(b.control.driftLog());
    expect(a.control.driftLog().left).toHaveLength(6);
  });
});
