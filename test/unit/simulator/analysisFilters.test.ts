import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { analysis, analysisBody, lastSeenRange, pageAll } from './analysisClient';

const NOW = Date.parse('2024-03-04T12:00:00Z');
const NOW_S = NOW / 1000;
const DAY = 86_400;

describe('simulator analysis filters', () => {
  let sim: SimulatorHandle;
  let clock = NOW;

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 11,
      vulnCount: 3_000,
      fixedCount: 500,
      hostCount: 60,
      now: () => clock,
    });
  });

  afterAll(async () => {
    await sim.close();
  });

  /** Generated row indices whose time lies in [from, to], computed from the dataset helpers. */
  const indicesIn = (store: 'cumulative' | 'patched', from: number, to: number) =>
    Array.from({ length: sim.dataset.size(store) }, (_, i) => i).filter((i) => {
      const time = sim.dataset.timeAt(store, i);
      return time >= from && time <= to;
    });

  it('spreads lastSeen over the span before the start clock', () => {
    // Assert
    expect(sim.dataset.generatedAt).toBe(NOW_S);
    expect(sim.dataset.timeAt('cumulative', 2_999)).toBe(NOW_S);
    expect(sim.dataset.timeAt('cumulative', 0)).toBeGreaterThanOrEqual(NOW_S - 60 * DAY);
  });

  it('selects an epoch range "<start>-<end>" inclusive at both ends', async () => {
    // Prepare
    const from = sim.dataset.timeAt('cumulative', 1_000);
    const to = sim.dataset.timeAt('cumulative', 1_999);

    // Act
    const rows = await pageAll(sim, { filters: [lastSeenRange(from, to)] }, 500);

    // Assert
    expect(rows).toHaveLength(indicesIn('cumulative', from, to).length);
    expect(rows.length).toBeGreaterThanOrEqual(1_000);
    for (const row of rows) {
      expect(Number(row.lastSeen)).toBeGreaterThanOrEqual(from);
      expect(Number(row.lastSeen)).toBeLessThanOrEqual(to);
    }
  });

  it('selects relative days "<end>:<start>" as rolling 24-hour blocks from the request clock', async () => {
    // Prepare
    clock = NOW + 2 * DAY * 1000;

    // Act
    const lastWeek = await analysis(
      sim,
      analysisBody({ filters: [{ filterName: 'lastSeen', operator: '=', value: '0:7' }] }),
    );
    const older = await analysis(
      sim,
      analysisBody({ filters: [{ filterName: 'lastSeen', operator: '=', value: '7:all' }] }),
    );
    clock = NOW;

    // Assert
    const expected = indicesIn('cumulative', NOW_S + 2 * DAY - 7 * DAY, Number.POSITIVE_INFINITY).length;
    expect(Number(lastWeek.totalRecords)).toBe(expected);
    expect(Number(lastWeek.totalRecords) + Number(older.totalRecords)).toBe(3_000);
  });

  it('refuses epochs written with a colon with 403 and error 146', async () => {
    // Act
    const page = await analysis(
      sim,
      analysisBody({ filters: [{ filterName: 'lastSeen', operator: '=', value: '1709400000:1709486400' }] }),
    );

    // Assert
    expect(page.status).toBe(403);
    expect(page.errorCode).toBe(146);
    expect(page.errorMsg).toContain('must be in the following format: <end day>:<start day>');
  });

  it('selects patched rows by lastMitigated', async () => {
    // Prepare
    const from = NOW_S - 10 * DAY;

    // Act
    const page = await analysis(
      sim,
      analysisBody({
        sourceType: 'patched',
        filters: [{ filterName: 'lastMitigated', operator: '=', value: `${from}-${NOW_S}` }],
        endOffset: 500,
      }),
    );

    // Assert
    expect(Number(page.totalRecords)).toBe(indicesIn('patched', from, NOW_S).length);
    for (const row of page.results) expect(Number(row.lastMitigated)).toBeGreaterThanOrEqual(from);
  });

  it('keeps only the listed severities', async () => {
    // Act
    const rows = await pageAll(
      sim,
      { filters: [{ filterName: 'severity', operator: '=', value: '3,4' }] },
      1_000,
    );

    // Assert
    const expected = Array.from({ length: 3_000 }, (_, i) => sim.dataset.rowAt('cumulative', i)).filter(
      (row) => ['3', '4'].includes(row.severity.id),
    );
    expect(rows.map((row) => row.pluginID + row.ip + row.port)).toEqual(
      expected.map((row) => row.pluginID + row.ip + row.port),
    );
  });

  it('keeps only the listed repositories', async () => {
    // Act
    const rows = await pageAll(
      sim,
      { filters: [{ filterName: 'repository', operator: '=', value: [{ id: '2' }] }] },
      1_000,
    );

    // Assert
    const expected = Array.from({ length: 3_000 }, (_, i) => sim.dataset.rowAt('cumulative', i)).filter(
      (row) => row.repository.id === '2',
    );
    expect(rows.length).toBe(expected.length);
    expect(rows.every((row) => row.repository.id === '2')).toBe(true);
  });

  it('combines a window, severities, repositories and wasVuln', async () => {
    // Prepare
    const from = NOW_S - 20 * DAY;
    const filters = [
      lastSeenRange(from, NOW_S),
      { filterName: 'severity', operator: '=', value: '1,2,3,4' },
      { filterName: 'repository', operator: '=', value: [{ id: '1' }, { id: '3' }] },
      { filterName: 'wasVuln', operator: '=', value: 'excludeWas' },
    ];

    // Act
    const page = await analysis(sim, analysisBody({ filters, endOffset: 3_000 }));

    // Assert
    expect(Number(page.totalRecords)).toBe(page.results.length);
    expect(page.results.length).toBe(sim.dataset.countMatching({ filters }));
    expect(page.results.length).toBeGreaterThan(0);
    for (const row of page.results) {
      expect(row.severity.id).not.toBe('0');
      expect(['1', '3']).toContain(row.repository.id);
      expect(Number(row.lastSeen)).toBeGreaterThanOrEqual(from);
    }
  });

  it('refuses an unknown filter with 403 / 146 listing the valid filters', async () => {
    // Act
    const page = await analysis(
      sim,
      analysisBody({ filters: [{ filterName: 'bogus', operator: '=', value: '1' }] }),
    );

    // Assert
    expect(page.status).toBe(403);
    expect(page.errorCode).toBe(146);
    expect(page.errorMsg).toMatch(/The filter 'bogus' is invalid \(valid filters: .*lastSeen.*\)/);
  });

  it('refuses an unknown tool with 403 / 146', async () => {
    // Act
    const unknown = await analysis(sim, analysisBody({ tool: 'nonsense' }));
    const unimplemented = await analysis(sim, analysisBody({ tool: 'listvuln' }));

    // Assert
    expect([unknown.status, unknown.errorCode]).toEqual([403, 146]);
    expect(unknown.errorMsg).toContain("The tool 'nonsense' is invalid");
    expect([unimplemented.status, unimplemented.errorCode]).toEqual([403, 146]);
    expect(unimplemented.errorMsg).toContain('not implemented by the sc2aws simulator');
  });

  it('refuses lastMitigated on the cumulative store and individual without a view', async () => {
    // Act
    const cumulative = await analysis(
      sim,
      analysisBody({ filters: [{ filterName: 'lastMitigated', operator: '=', value: '0:30' }] }),
    );
    const individual = await analysis(sim, analysisBody({ sourceType: 'individual' }));

    // Assert
    expect([cumulative.status, cumulative.errorCode]).toEqual([403, 146]);
    expect([individual.status, individual.errorCode]).toEqual([403, 142]);
  });
});
