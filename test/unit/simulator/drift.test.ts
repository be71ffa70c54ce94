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

  it('changes nothing once stopped and nothing for patched pages', async () => {
    // Prepare
    const sim = await start();
    sim.control.startDrift({ perPage: 10 });

    // Act
    await analysis(sim, analysisBody({ sourceType: 'patched' }));
    const duringOthers = sim.control.driftLog();
    sim.control.stopDrift();
    await analysis(sim, analysisBody({}));
    await analysis(sim, analysisBody({ tool: 'sumip' }));

    // Assert
    expect(duringOthers).toEqual({ left: [], entered: [], hostsLeft: [] });
    expect(sim.control.driftLog()).toEqual({ left: [], entered: [], hostsLeft: [] });
  });

  it('takes hosts ranked before the end of a served sumip page out of later sumip answers', async () => {
    // Prepare
    const sim = await start();
    const before = await analysis(sim, analysisBody({ tool: 'sumip', sortField: 'ip', endOffset: 1_000 }));
    sim.control.startDrift({ perPage: 10, seed: 9 });

    // Act
    const first = await analysis(sim, analysisBody({ tool: 'sumip', sortField: 'ip', endOffset: 20 }));
    sim.control.stopDrift();
    const after = await analysis(sim, analysisBody({ tool: 'sumip', sortField: 'ip', endOffset: 1_000 }));

    // Assert
    const ipsOf = (page: typeof before) => page.results.map((row) => row.ip);
    const left = sim.control.driftLog().hostsLeft.map((host) => host.ip);
    expect(left).toHaveLength(5);
    expect(ipsOf(first).filter((ip) => left.includes(ip))).toHaveLength(5);
    expect(ipsOf(after)).toEqual(ipsOf(before).filter((ip) => !left.includes(ip)));
    // Findings stay: the tools drift independently.
    expect(sim.control.driftLog().left).toEqual([]);
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
