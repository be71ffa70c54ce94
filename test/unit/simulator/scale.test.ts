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
  // Its speed is the bench's business (the transfer limit, bench/README.md): a timed test fails on a
  // loaded machine and proves nothing on an idle one.
  it('serves a filtered 1000-row page deep in a 1M-row store under every sort', () => {
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
    const pages = [undefined, 'lastSeen', 'severity', 'pluginID'].map(
      (sortField) => JSON.parse(handleAnalysis(state, body(200_000, sortField)).body).response,
    );

    // Assert
    for (const page of pages) {
      expect(page.results).toHaveLength(1_000);
      expect(Number(page.totalRecords)).toBeGreaterThan(201_000);
    }
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
