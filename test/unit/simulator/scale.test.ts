import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '#sim';
import { handleAnalysis } from '../../../simulator/analysis';
import { resolveOptions } from '../../../simulator/options';
import { SimulatorState } from '../../../simulator/state';
import { analysis, analysisBody, lastSeenRange } from './analysisClient';

const MB = 1024 * 1024;

/** A real full GC, so heap numbers mean live memory (the flag can be set at run time). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('simulator at scale', () => {
  it('serves a filtered 1000-row page of a 1M-row store in well under 50 ms', () => {
    // Prepare
    const state = new SimulatorState(resolveOptions({ vulnCount: 1_000_000 }));
    const now = state.model.settings.generatedAt;
    const body = (startOffset: number, sortField?: string) =>
      analysisBody({
        filters: [
          lastSeenRange(now - 30 * 86_400, now),
          { filterName: 'severity', operator: '=', value: '2,3,4' },
        ],
        sortField,
        sortDir: sortField ? 'DESC' : undefined,
        startOffset,
        endOffset: startOffset + 1_000,
      });
    handleAnalysis(state, body(0));
    handleAnalysis(state, body(0, 'severity'));

    // Act
    const timings = [undefined, 'lastSeen', 'severity', 'pluginID'].map((sortField) => {
      const started = performance.now();
      const reply = handleAnalysis(state, body(200_000, sortField));
      const elapsed = performance.now() - started;
      expect(JSON.parse(reply.body).response.results).toHaveLength(1_000);
      return elapsed;
    });

    // Assert
    expect(Math.max(...timings)).toBeLessThan(50);
  });

  it('keeps memory flat with a 1M-row store while serving pages over HTTPS', async () => {
    // Prepare
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const sim = await startSimulator({ vulnCount: 1_000_000, fixedCount: 100_000, recordRequests: false });
    const now = sim.dataset.generatedAt;
    const filters = [
      lastSeenRange(now - 45 * 86_400, now - 86_400),
      { filterName: 'severity', operator: '=', value: '3,4' },
    ];

    try {
      // Act
      const pages = [];
      for (const startOffset of [0, 50_000, 100_000, 150_000]) {
        const started = performance.now();
        const page = await analysis(
          sim,
          analysisBody({ filters, startOffset, endOffset: startOffset + 1_000 }),
        );
        pages.push({
          elapsed: performance.now() - started,
          rows: page.results.length,
          total: Number(page.totalRecords),
        });
      }
      collectGarbage();
      const growth = (process.memoryUsage().heapUsed - before) / MB;

      // Assert
      expect(pages.every((page) => page.rows === 1_000)).toBe(true);
      expect(pages[0]?.total).toBe(sim.dataset.countMatching({ filters }));
      expect(growth).toBeLessThan(50);
      expect(Math.min(...pages.map((page) => page.elapsed))).toBeLessThan(250);
    } finally {
      await sim.close();
    }
  });
});
