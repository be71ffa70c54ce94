import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));

/**
 * `npm run bench -- --only securityhub` at a tiny size, so the section cannot rot. It asserts that
 * each figure was produced and the arithmetic of the initial import, never that the machine was fast.
 */
describe('npm run bench -- --only securityhub', () => {
  it('measures ASFF rows/s beside the lifecycle and works out a 500 000-finding initial import', {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc2aws-bench-'));
    try {
      const args = ['--only', 'securityhub', '--no-build', '--rows', '2000', '--reps', '1'];
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

      const h = report.securityhub;
      expect(h.rows).toBe(2000);
      expect(h.asffRowsPerSecond).toBeGreaterThan(0);
      expect(h.lifecycleRowsPerSecond).toBeGreaterThan(0);
      expect(h.peakRssBytes).toBeGreaterThan(0);
      // 5 000 calls of 100; after the burst of 30, 4 970 at 10 a second.
      expect(h.initialImport).toMatchObject({ findings: 500_000, calls: 5000, rateBoundSeconds: 497 });
      expect(h.initialImport.seconds).toBe(Math.max(497, h.initialImport.encodeSeconds));
      expect(markdown).toMatch(/Security Hub: ASFF encoding of a change run/);
      expect(markdown).toMatch(/Security Hub: initial import of 500 000 findings at 10 calls\/s/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
