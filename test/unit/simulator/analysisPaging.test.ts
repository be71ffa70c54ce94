import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { identityKey, identityOfRow, type SimulatorHandle, startSimulator } from '#sim';
import { analysis, analysisBody, pageAll } from './analysisClient';

const NOW = Date.parse('2024-03-04T12:00:00Z');

describe('simulator analysis paging', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, vulnCount: 2_000, fixedCount: 300, hostCount: 40, now: () => NOW });
  });

  afterAll(async () => {
    await sim.close();
  });

  beforeEach(() => {
    sim.control.setReturnedRecordsQuirk('none');
    sim.control.setPageLimit(undefined);
  });

  it('serves the same rows whether offsets sit at the root or inside query', async () => {
    // Act
    const atRoot = await analysis(sim, analysisBody({ startOffset: 150, endOffset: 250 }));
    const inQuery = await analysis(
      sim,
      analysisBody({ startOffset: 150, endOffset: 250, offsetsInQuery: true }),
    );

    // Assert
    expect(atRoot.results).toHaveLength(100);
    expect(inQuery.results).toEqual(atRoot.results);
  });

  it('types the counters like SC: string totals and offsets, numeric returnedRecords', async () => {
    // Act
    const page = await analysis(sim, analysisBody({ startOffset: 10, endOffset: 15 }));

    // Assert
    expect(page.raw).toMatchObject({
      totalRecords: '2000',
      returnedRecords: 5,
      startOffset: '10',
      endOffset: '15',
      matchingDataElementCount: '-1',
    });
  });

  it('echoes the requested offsets with no rows past the end', async () => {
    // Act
    const page = await analysis(sim, analysisBody({ startOffset: 5_000, endOffset: 6_000 }));

    // Assert
    expect(page.raw).toMatchObject({
      totalRecords: '2000',
      returnedRecords: 0,
      startOffset: '5000',
      endOffset: '6000',
    });
    expect(page.results).toEqual([]);
  });

  it('serves each generated row once over a full pass, never two rows with the same identity', async () => {
    // Act
    const rows = await pageAll(sim, {}, 300);

    // Assert
    const keys = new Set(rows.map((row) => identityKey(identityOfRow(row))));
    expect(rows).toHaveLength(2_000);
    expect(keys.size).toBe(2_000);
    expect(rows[1234]).toEqual(sim.dataset.rowAt('cumulative', 1234));
  });

  it('serves rows as SC types them: strings, "" for missing values, nested objects', async () => {
    // Act
    const { results } = await analysis(sim, analysisBody({ endOffset: 400 }));

    // Assert
    for (const row of results) {
      expect(typeof row.pluginID).toBe('string');
      expect(row.severity).toEqual({
        id: expect.any(String),
        name: expect.any(String),
        description: expect.any(String),
      });
      expect(Object.keys(row.repository).sort()).toEqual([
        'dataFormat',
        'description',
        'id',
        'name',
        'sciID',
      ]);
      // Wrapped output, or "" for a plugin without output (as recorded SC rows have).
      expect(row.pluginText).toMatch(/^(<plugin_output>[\s\S]*<\/plugin_output>)?$/);
      expect(row.hostUniqueness).toBe('repositoryID,ip,dnsName');
      expect(row.lastMitigated).toBeUndefined();
    }
    expect(results.some((row) => row.cvssV3BaseScore === '')).toBe(true);
    expect(results.some((row) => row.cvssV3BaseScore !== '')).toBe(true);
    expect(results.some((row) => row.uuid !== '' && row.hostUUID === row.uuid)).toBe(true);
    expect(results.some((row) => row.uuid === '')).toBe(true);
    expect(results.some((row) => row.hasBeenMitigated === '1')).toBe(true);
    expect(results.some((row) => row.vulnPubDate === '-1')).toBe(true);
  });

  it('sorts by lastSeen ascending or descending', async () => {
    // Act
    const ascending = await analysis(
      sim,
      analysisBody({ sortField: 'lastSeen', sortDir: 'ASC', endOffset: 2_000 }),
    );
    const descending = await analysis(
      sim,
      analysisBody({ sortField: 'lastSeen', sortDir: 'DESC', endOffset: 2_000 }),
    );

    // Assert
    const times = ascending.results.map((row) => Number(row.lastSeen));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(descending.results).toEqual([...ascending.results].reverse());
  });

  it('sorts by severity and by pluginID in both directions', async () => {
    // Act
    const bySeverity = await analysis(
      sim,
      analysisBody({ sortField: 'severity', sortDir: 'DESC', endOffset: 2_000 }),
    );
    const byPlugin = await analysis(
      sim,
      analysisBody({ sortField: 'pluginID', sortDir: 'ASC', endOffset: 2_000 }),
    );
    const byPluginDesc = await analysis(
      sim,
      analysisBody({ sortField: 'pluginID', sortDir: 'DESC', endOffset: 2_000 }),
    );

    // Assert
    const severities = bySeverity.results.map((row) => Number(row.severity.id));
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    const plugins = byPlugin.results.map((row) => Number(row.pluginID));
    expect(plugins).toEqual([...plugins].sort((a, b) => a - b));
    expect(byPluginDesc.results).toEqual([...byPlugin.results].reverse());
  });

  it('pages a sorted result consistently: pages concatenate to the whole result', async () => {
    // Act
    const whole = await analysis(
      sim,
      analysisBody({ sortField: 'severity', sortDir: 'ASC', endOffset: 2_000 }),
    );
    const pages = await pageAll(sim, { sortField: 'severity', sortDir: 'ASC' }, 333);

    // Assert
    expect(pages).toEqual(whole.results);
  });

  it('sends returnedRecords as a float in the float quirk mode', async () => {
    // Prepare
    sim.control.setReturnedRecordsQuirk('float');

    // Act
    const page = await analysis(sim, analysisBody({ endOffset: 1_000 }));

    // Assert
    expect(page.results).toHaveLength(1_000);
    expect(page.returnedRecords).toBeCloseTo(1000.0526, 3);
    expect(Number.isInteger(page.returnedRecords)).toBe(false);
  });

  it('drops totalRecords and returnedRecords in the absent quirk mode', async () => {
    // Prepare
    sim.control.setReturnedRecordsQuirk('absent');

    // Act
    const page = await analysis(sim, analysisBody({ endOffset: 10 }));

    // Assert
    expect(page.raw).not.toHaveProperty('totalRecords');
    expect(page.raw).not.toHaveProperty('returnedRecords');
    expect(page.results).toHaveLength(10);
  });

  it('serves fewer rows than asked under a server page limit, still echoing the offsets', async () => {
    // Prepare
    sim.control.setPageLimit(70);

    // Act
    const page = await analysis(sim, analysisBody({ startOffset: 0, endOffset: 1_000 }));

    // Assert
    expect(page.results).toHaveLength(70);
    expect(page.raw).toMatchObject({ returnedRecords: 70, endOffset: '1000', totalRecords: '2000' });
  });

  it('serves the patched store with lastMitigated on every row', async () => {
    // Act
    const rows = await pageAll(sim, { sourceType: 'patched' }, 100);

    // Assert
    expect(rows).toHaveLength(300);
    for (const row of rows) expect(Number(row.lastMitigated)).toBeGreaterThan(Number(row.lastSeen));
    const mitigated = rows.map((row) => Number(row.lastMitigated));
    expect(mitigated).toEqual([...mitigated].sort((a, b) => a - b));
  });

  it('serves one sumip row per host whose counts add up to the findings', async () => {
    // Act
    const page = await analysis(sim, analysisBody({ tool: 'sumip', endOffset: 1_000 }));

    // Assert
    const rows = page.results as unknown as Record<string, string>[];
    expect(page.totalRecords).toBe('40');
    expect(new Set(rows.map((row) => row.ip)).size).toBe(40);
    const total = rows.reduce((sum, row) => sum + Number(row.total), 0);
    expect(total).toBe(2_000);
    for (const row of rows) {
      const bySeverity = [
        'severityInfo',
        'severityLow',
        'severityMedium',
        'severityHigh',
        'severityCritical',
      ];
      expect(bySeverity.reduce((sum, field) => sum + Number(row[field]), 0)).toBe(Number(row.total));
    }
    expect(String(page.raw.matchingDataElementCount).split(':')[0]).toBe('2000');
  });
});
