import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));

/**
 * `npm run bench -- --only lifecycle` at tiny sizes, so the section cannot rot. It asserts that each
 * figure was produced and what the sizes imply (a run over few hosts touches few partitions), never
 * that the machine was fast.
 */
describe('npm run bench -- --only lifecycle --quick', () => {
  it('produces the lifecycle figures and a large run committed over several invocations', {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc2aws-bench-'));
    try {
      const args = [
        ...['--only', 'lifecycle', '--quick', '--no-build', '--rows', '2000', '--reps', '1'],
        ...['--lifecycle-state', '5000', '--lifecycle-small-run', '1000', '--lifecycle-large-run', '5000'],
        ...['--lifecycle-invocation-boundaries', '40', '--lifecycle-group-bytes', '65536'],
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

      const l = report.lifecycle;
      expect(l.state.findings).toBe(5000);
      expect(l.deliveryRowsPerSecond).toBeGreaterThan(0);
      expect(l.emptyRowsPerSecond).toBeGreaterThan(0);
      expect(l.populatedRowsPerSecond).toBeGreaterThan(0);
      expect(l.small).toMatchObject({ rows: 1000, hosts: 10, invocations: 1 });
      expect(l.small.partitionsTouched).toBeLessThanOrEqual(10);
      // Each touched partition: its state and current objects read, both written again.
      expect(l.small.io.reads).toBeLessThanOrEqual(2 * l.small.partitionsTouched + 1);
      expect(l.large.rows).toBe(5000);
      expect(l.large.invocations).toBeGreaterThan(1);
      expect(l.large.peakRssBytes).toBeGreaterThan(0);
      expect(markdown).toMatch(/Lifecycle: that run applied to an empty state/);
      expect(markdown).toMatch(/Lifecycle peak RSS: that run, largest invocation/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
