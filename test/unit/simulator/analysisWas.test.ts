import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { analysis, analysisBody } from './analysisClient';

/** wasVuln at the root (SC's docs) or as a filter (pyTenable), reference §3.1. */
describe('simulator web-application-scanning findings', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, vulnCount: 40, fixedCount: 10, hostCount: 10, wasCount: 4 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const withRoot = (wasVuln?: string) => ({
    ...analysisBody({ endOffset: 100 }),
    ...(wasVuln === undefined ? {} : { wasVuln }),
  });
  const withFilter = (wasVuln: string) =>
    analysisBody({ endOffset: 100, filters: [{ filterName: 'wasVuln', operator: '=', value: wasVuln }] });
  const wasRows = (page: { results: unknown[] }) =>
    page.results.filter((r) => 'wasURL' in (r as Record<string, unknown>));

  it('serves them after the host findings when the request does not say, as SC does', async () => {
    const page = await analysis(sim, withRoot());
    expect(page.results).toHaveLength(44);
    expect(page.totalRecords).toBe('44');
    expect(wasRows({ results: page.results.slice(40) })).toHaveLength(4);
  });

  it.each([
    ['at the root', withRoot],
    ['as a filter', withFilter],
  ])('reads wasVuln %s', async (_where, body) => {
    expect(wasRows(await analysis(sim, body('excludeWas')))).toHaveLength(0);
    expect((await analysis(sim, body('excludeWas'))).results).toHaveLength(40);
    expect((await analysis(sim, body('onlyWas'))).results).toHaveLength(4);
    expect(wasRows(await analysis(sim, body('includeWas')))).toHaveLength(4);
  });

  it('gives WAS rows a URL, port 443 or 0, plain plugin output and family type "was"', async () => {
    const rows = (await analysis(sim, withRoot('onlyWas'))).results as unknown as Record<string, unknown>[];
    for (const row of rows) {
      expect(row.wasURL).toMatch(/^https:\/\/app\d\.example\.com\//);
      expect(['0', '443']).toContain(row.port);
      expect(String(row.pluginText)).not.toContain('<plugin_output>');
      expect(row.family).toMatchObject({ type: 'was' });
    }
    expect(new Set(rows.map((r) => r.pluginID)).size).toBe(rows.length);
  });

  it('refuses a wasVuln value SC does not know', async () => {
    const page = await analysis(sim, withRoot('maybeWas'));
    expect(page.status).toBe(403);
    expect(page.errorMsg).toContain('wasVuln');
  });
});
