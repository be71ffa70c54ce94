import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));

/**
 * `npm run bench` in a small quick mode, so the harness cannot rot. It asserts that every figure
 * was produced, never that the machine was fast (figures belong to `npm run bench` runs).
 */
describe('npm run bench -- --quick', () => {
  it('produces every figure and the markdown report', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc2aws-bench-'));
    try {
      const args = [
        '--quick',
        '--no-build',
        // The smallest sizes that still exercise each section: the figures are not the point here.
        ...['--rows', '1000', '--reps', '1', '--init-reps', '1'],
        ...['--mem-sizes', '1000,2000', '--delivery-mem-sizes', '1000,2000'],
        // The lifecycle and Security Hub sections have their own tests (lifecycle.test.ts,
        // securityhub.test.ts): running them here too would only lengthen the suite.
        ...['--only', 'throughput,memory,bundles,ocsf,delivery'],
      ];
      await new Promise<void>((resolve, reject) => {
        execFile(process.execPath, [RUN, ...args, '--results-dir', dir], (err, _out, stderr) =>
          err ? reject(new Error(`bench failed: ${stderr}`)) : resolve(),
        );
      });
      const files = await readdir(dir);
      const report = JSON.parse(
        await readFile(join(dir, files.find((f) => f.endsWith('.json')) as string), 'utf8'),
      );
      const markdown = await readFile(join(dir, files.find((f) => f.endsWith('.md')) as string), 'utf8');
      for (const sink of ['limit', 'discard', 'dir', 's3'])
        expect(report.throughput.rowsPerSecond[sink]).toBeGreaterThan(0);
      for (const fn of ['validate-keys', 'pull-analysis', 'forward-results']) {
        expect(report.bundles.sizes[fn].minifiedBytes).toBeGreaterThan(0);
        expect(report.bundles.sizes[fn].gzipBytes).toBeGreaterThan(0);
        expect(report.bundles.initMs[fn]).toBeGreaterThan(0);
      }
      expect(report.bundles.initMs.node).toBeGreaterThan(0);
      expect(report.memory.ratio.value).toBeGreaterThan(0);
      expect(report.ocsf.rowsPerSecond).toBeGreaterThan(0);
      // Issue 22: one findings part of the largest default size (PART_SIZE_MB 64) made into OCSF
      // Parquet stays within half of forward-results' default 1024 MB.
      expect(report.ocsf.ndjsonBytes).toBeGreaterThanOrEqual(64 * 1024 * 1024);
      expect(report.ocsf.peakRssBytes).toBeGreaterThan(0);
      expect(report.ocsf.peakRssBytes).toBeLessThanOrEqual(512e6);
      expect(report.delivery.exportRowsPerSecond).toBeGreaterThan(0);
      for (const threads of report.delivery.threadCounts) {
        expect(report.delivery.deliveryRowsPerSecond[threads]).toBeGreaterThan(0);
        expect(report.delivery.ocsfRowsPerSecond[threads]).toBeGreaterThan(0);
        expect(report.delivery.ocsfPeakRssBytes[threads]).toBeGreaterThan(0);
      }
      expect(report.delivery.endToEnd.rowsPerSecond).toBeGreaterThan(0);
      expect(report.delivery.memory.map((m: { rows: number }) => m.rows)).toEqual([1000, 2000]);
      for (const m of report.delivery.memory)
        expect(m.byThreads.map((r: { threads: number }) => r.threads)).toEqual(report.delivery.threadCounts);
      expect(report.delivery.memory[1].byThreads[0].peakRssBytes).toBeGreaterThan(0);
      expect(report.machine).toMatchObject({
        cores: expect.any(Number),
        node: expect.stringMatching(/^v\d+/),
      });
      expect(markdown).toMatch(/Transfer limit/);
      expect(markdown).toMatch(/validate-keys/);
      expect(markdown).toMatch(/Delivery \(`sc2aws deliver --threads 1`/);
      expect(markdown).toMatch(/End to end: SC rows → delivered findings/);
      expect(markdown).toMatch(/OCSF \(`sc2aws deliver --redeliver --ocsf --threads 1`/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
