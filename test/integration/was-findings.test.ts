import { afterEach, describe, expect, it } from 'vitest';
import { exportDataset } from '#lib/export';
import type { WasFindings } from '#lib/product';
import { deliverFully } from '#support/delivery';
import { type ExportHarness, exportHarness, firstWindow, readRun } from '#support/export-harness';

/**
 * Web-application-scanning findings (issue 17): SC 6 serves them in cumulative vulndetails unless
 * the request excludes them (root `wasVuln`, reference §3.1). The export excludes them by default;
 * asked to include them, they travel through export and delivery like any finding, URL kept.
 */
describe('web-application-scanning findings', () => {
  let h: ExportHarness;
  afterEach(async () => {
    await h?.close();
  });

  const WAS_COUNT = 6;
  const deliveryDeps = () => ({
    store: h.store,
    events: { publish: async (e: (typeof h.events)[number]) => void h.events.push(e) },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const analysisBodies = () =>
    h.sim.requests.filter((r) => r.path === '/rest/analysis').map((r) => r.body as Record<string, unknown>);

  /** Exports vulns with the given setting (none: the default) and delivers the run. */
  async function exportAndDeliver(wasFindings?: WasFindings) {
    h = await exportHarness({ sim: { vulnCount: 2000, wasCount: WAS_COUNT } });
    const settings = h.settings(wasFindings === undefined ? {} : { wasFindings });
    const window = firstWindow(h, settings);
    const outcome = await exportDataset(h.deps(), settings, 'vulns');
    const rawKey = (outcome as { manifest: string }).manifest.replace(/^.*?raw\//, 'raw/');
    const raw = await readRun(h.store, rawKey);
    const result = await deliverFully(deliveryDeps(), { pluginOutputMaxBytes: 8192 }, rawKey);
    const delivered = await readRun(h.store, result.manifest);
    return { raw, result, delivered, hostRows: h.expectedIdentities('vulns', window).size };
  }

  it('leaves them out by default: the request says excludeWas at the root and none arrive', async () => {
    // Act
    const { raw, delivered, hostRows } = await exportAndDeliver();

    // Assert
    expect(analysisBodies().length).toBeGreaterThan(0);
    for (const body of analysisBodies()) expect(body.wasVuln).toBe('excludeWas');
    expect(raw.rows).toHaveLength(hostRows);
    expect(raw.rows.filter((r) => 'wasURL' in r)).toEqual([]);
    expect(delivered.rows.filter((r) => r.was_url !== null)).toEqual([]);
  });

  it('delivers them with their URL, none rejected, when WAS_FINDINGS is include', async () => {
    // Act
    const { raw, result, delivered, hostRows } = await exportAndDeliver('include');

    // Assert
    for (const body of analysisBodies()) expect(body.wasVuln).toBe('includeWas');
    expect(raw.rows).toHaveLength(hostRows + WAS_COUNT);
    expect(result.rejected).toBe(0);
    const was = delivered.rows.filter((r) => r.was_url !== null);
    expect(was).toHaveLength(WAS_COUNT);
    for (const row of was) {
      expect(row.was_url).toMatch(/^https:\/\/app\d\.example\.com\//);
      expect([0, 443]).toContain(row.port);
      expect(row.plugin_output).not.toContain('<plugin_output>');
      expect(row).toMatchObject({ dataset: 'vulns', state: 'open', family: { type: 'was' } });
    }
    expect(delivered.rows).toHaveLength(hostRows + WAS_COUNT);
  });

  it('delivers only them when WAS_FINDINGS is only', async () => {
    // Act
    const { delivered } = await exportAndDeliver('only');

    // Assert
    for (const body of analysisBodies()) expect(body.wasVuln).toBe('onlyWas');
    expect(delivered.rows).toHaveLength(WAS_COUNT);
    expect(delivered.rows.every((r) => typeof r.was_url === 'string')).toBe(true);
  });
});
