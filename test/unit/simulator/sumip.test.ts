import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { analysis, analysisBody, lastSeenRange } from './analysisClient';

const NOW = Date.parse('2024-03-04T12:00:00Z');

// The columns of the sumip rows recorded from a real SC 5.x (issue 17), in their order.
const RECORDED_SUMIP_COLUMNS = [
  'ip',
  'uuid',
  'score',
  'total',
  'severityInfo',
  'severityLow',
  'severityMedium',
  'severityHigh',
  'severityCritical',
  'macAddress',
  'policyName',
  'pluginSet',
  'netbiosName',
  'dnsName',
  'osCPE',
  'biosGUID',
  'tpmID',
  'mcafeeGUID',
  'lastAuthRun',
  'lastUnauthRun',
  'uniqueness',
  'repository',
];

const ipNumber = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);

describe('simulator sumip rows (recorded SC shape)', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, vulnCount: 2_000, fixedCount: 300, hostCount: 40, now: () => NOW });
  });

  afterAll(async () => {
    await sim.close();
  });

  it('carries exactly the recorded columns: no firstSeen/lastSeen, hostUniqueness or ACR/AES', async () => {
    // Act
    const page = await analysis(sim, analysisBody({ tool: 'sumip', endOffset: 1_000 }));

    // Assert
    expect(page.results).toHaveLength(40);
    for (const row of page.results) expect(Object.keys(row)).toEqual(RECORDED_SUMIP_COLUMNS);
  });

  it('writes scan times as epoch strings, and "-1" or "" for a scan kind that never ran', async () => {
    // Act
    const page = await analysis(sim, analysisBody({ tool: 'sumip', endOffset: 1_000 }));

    // Assert
    const rows = page.results as unknown as Record<string, string>[];
    const missing = new Set<string>();
    for (const row of rows) {
      const scans = [row.lastAuthRun ?? '', row.lastUnauthRun ?? ''];
      const times = scans.filter((scan) => /^\d+$/.test(scan));
      expect(times).toHaveLength(1);
      for (const scan of scans) if (!times.includes(scan)) missing.add(scan);
    }
    expect([...missing].sort()).toEqual(['', '-1']);
  });

  it('still selects hosts by the lastSeen of their findings in the window', async () => {
    // Prepare: a narrow window at the newest end of the span, holding the findings of a few hosts
    const end = sim.dataset.generatedAt;
    const start = end - Math.floor(sim.dataset.spanSeconds / 400);
    const expected = new Set(
      [...sim.dataset.rowsMatching({ filters: [lastSeenRange(start, end)] })].map((row) => row.ip),
    );

    // Act
    const page = await analysis(
      sim,
      analysisBody({ tool: 'sumip', filters: [lastSeenRange(start, end)], endOffset: 1_000 }),
    );

    // Assert
    expect(expected.size).toBeGreaterThan(0);
    expect(expected.size).toBeLessThan(40);
    expect(new Set(page.results.map((row) => row.ip))).toEqual(expected);
  });

  it('sorts on ip in both directions', async () => {
    // Act
    const asc = await analysis(sim, analysisBody({ tool: 'sumip', sortField: 'ip', endOffset: 1_000 }));
    const desc = await analysis(
      sim,
      analysisBody({ tool: 'sumip', sortField: 'ip', sortDir: 'DESC', endOffset: 1_000 }),
    );

    // Assert
    const ips = asc.results.map((row) => ipNumber(row.ip));
    expect(ips).toEqual([...ips].sort((a, b) => a - b));
    expect(desc.results.map((row) => row.ip)).toEqual(asc.results.map((row) => row.ip).reverse());
  });

  it.each([
    ['lastSeen', 'invalid for the tool'],
    ['firstSeen', 'invalid for the tool'],
    ['pluginID', 'invalid for the tool'],
    ['score', 'not supported for sumip by the sc2aws simulator'],
  ])("refuses a sort on %s with 403 / 146 (SC's answer is not recorded)", async (field, wording) => {
    // Act
    const page = await analysis(sim, analysisBody({ tool: 'sumip', sortField: field }));

    // Assert
    expect(page.status).toBe(403);
    expect(page.errorCode).toBe(146);
    expect(page.errorMsg).toContain(`The sortField '${field}' is ${wording}`);
  });
});
