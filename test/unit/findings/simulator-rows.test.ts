import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveredAsset, type DeliveredFinding, normalizeRow } from '#lib/findings';
import { ScApiKeys } from '#lib/secrets';
import { ScClient, START_CURSOR, stablePages } from '#lib/tenable';
import { type SimulatorHandle, type StoreName, startSimulator } from '#sim';
import { contextFor } from './fixtures';

/** Realistic rows: everything the SC simulator generates normalizes, and ids are unique. */
describe('normalizeRow on simulator rows', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 11, vulnCount: 4000, fixedCount: 1500, hostCount: 250, tls: false });
  });
  afterAll(async () => {
    await sim.close();
  });

  function normalizeStore(store: StoreName): DeliveredFinding[] {
    const ctx = contextFor(store === 'patched' ? 'fixed' : 'vulns');
    const rows: DeliveredFinding[] = [];
    for (let i = 0; i < sim.dataset.size(store); i++) {
      const result = normalizeRow(sim.dataset.rowAt(store, i), ctx);
      if (!result.ok) expect.fail(`${store} row ${i} rejected: ${result.reason}`);
      rows.push(result.row as DeliveredFinding);
    }
    return rows;
  }

  it('normalizes every open finding, with unique finding_ids', () => {
    // Act
    const rows = normalizeStore('cumulative');

    // Assert
    expect(rows).toHaveLength(4000);
    expect(new Set(rows.map((row) => row.finding_id)).size).toBe(rows.length);
    expect(new Set(rows.map((row) => row.state))).toEqual(new Set(['open', 'reopened']));
    for (const row of rows) {
      expect(row.last_seen).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      expect(row.severity?.id).toBeTypeOf('number');
      expect(row.plugin_output?.startsWith('<plugin_output>') ?? false).toBe(false);
    }
    // An empty pluginText (a plugin without output) is delivered as null.
    expect(rows.some((row) => row.plugin_output === null)).toBe(true);
  });

  it('normalizes every fixed finding as fixed, with last_mitigated and unique finding_ids', () => {
    // Act
    const rows = normalizeStore('patched');

    // Assert
    expect(rows).toHaveLength(1500);
    expect(new Set(rows.map((row) => row.finding_id)).size).toBe(rows.length);
    for (const row of rows) {
      expect(row.state).toBe('fixed');
      expect(row.last_mitigated).not.toBeNull();
    }
  });

  it('gives a finding the same id in both stores exactly when SC identifies it the same way', () => {
    // Prepare
    const key = (store: StoreName, i: number) => {
      const id = sim.dataset.identity(store, i);
      return `${id.repositoryID}|${id.ip}|${id.port}|${id.protocol}|${id.pluginID}`;
    };
    const open = new Map(
      normalizeStore('cumulative').map((row, i) => [key('cumulative', i), row.finding_id]),
    );
    const openIds = new Set(open.values());

    // Act / Assert: the simulator's hosts have distinct ips, so SC's key and ours agree.
    normalizeStore('patched').forEach((row, i) => {
      const same = open.get(key('patched', i));
      if (same !== undefined) expect(row.finding_id).toBe(same);
      else expect(openIds.has(row.finding_id)).toBe(false);
    });
  });

  it('normalizes every sumip host, and its asset_id matches its findings', async () => {
    // Prepare
    const sc = new ScClient({
      url: sim.url,
      keys: ScApiKeys.fromParts(sim.keys.accessKey, sim.keys.secretKey),
      allowInsecureHttp: true,
    });
    const hosts: DeliveredAsset[] = [];
    const ctx = contextFor('assets');

    // Act
    try {
      const fetch = (startOffset: number, pageSize: number) =>
        sc.analysisPage({ tool: 'sumip', sourceType: 'cumulative' }, { startOffset, pageSize, kind: 'host' });
      for await (const { page, fresh } of stablePages(fetch, START_CURSOR, { pageSize: 100, overlap: 10 })) {
        for (const bytes of page.rows.slice(fresh)) {
          const result = normalizeRow(JSON.parse(bytes.toString()) as Record<string, unknown>, ctx);
          if (!result.ok) expect.fail(`sumip row rejected: ${result.reason}`);
          hosts.push(result.row as DeliveredAsset);
        }
      }
    } finally {
      await sc.close();
    }

    // Assert
    expect(hosts).toHaveLength(250);
    expect(new Set(hosts.map((host) => host.asset_id)).size).toBe(250);
    const findingAssets = new Set(normalizeStore('cumulative').map((row) => row.asset_id));
    for (const host of hosts) {
      expect(findingAssets.has(host.asset_id)).toBe(true);
      const counts = Object.values(host.severity_counts).reduce<number>((sum, n) => sum + (n ?? 0), 0);
      expect(counts).toBe(host.total);
    }
  });
});
