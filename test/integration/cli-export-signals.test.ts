import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { runSc2aws } from '#support/cli';

/**
 * Ctrl-C and SIGTERM reach `sc2aws export` as users send them: to the built binary, mid-export.
 * It stops at the next safe point, keeps what it stored, records the cursor and exits 130 / 143;
 * the same command then resumes and completes.
 */
describe('sc2aws export interrupted by a signal', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let args: (out: string) => string[];

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 3,
      vulnCount: 60_000,
      fixedCount: 10,
      hostCount: 400,
      recordRequests: false,
    });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-cli-signals-'));
    await writeFile(join(dir, 'ca.pem'), sim.caPem);
    await writeFile(join(dir, 'keys'), `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`, {
      mode: 0o600,
    });
    args = (out) => [
      'export',
      ...['--url', sim.url, '--keys-file', join(dir, 'keys'), '--ca-file', join(dir, 'ca.pem')],
      ...['--out', out, '--dataset', 'vulns', '--page-size', '100', '--severity-floor', '0'],
      ...['--since', '2000-01-01T00:00:00Z'],
    ];
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts the export and sends `signal` once its first progress line shows rows flowing. */
  function interrupted(out: string, signal: 'SIGINT' | 'SIGTERM') {
    return runSc2aws(args(out), {}, { signal, when: /vulns: \d+ rows/ });
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'stops on %s within seconds, exits %i, and the same command resumes to completion',
    async (signal, exit) => {
      const out = join(dir, `out-${signal}`);

      const stopped = await interrupted(out, signal);

      expect(stopped.code).toBe(exit);
      expect(stopped.afterSignalMs).toBeLessThan(5_000);
      expect(stopped.stderr).toContain('run the same command again to resume');
      expect(JSON.parse(stopped.stdout)).toMatchObject({
        interrupted: signal,
        datasets: [{ status: 'interrupted' }],
      });
      const state = JSON.parse(await readFile(join(out, 'console=default', 'state', 'vulns.json'), 'utf8'));
      expect(state.inflight.cursor.offset).toBeGreaterThan(0);
      expect(state.inflight.parts.length).toBeGreaterThan(0);
      expect(state.lease).toBeUndefined();
      expect(state.checkpoint).toBeUndefined();

      const resumed = await runSc2aws(args(out));
      expect(resumed.code).toBe(0);
      const summary = JSON.parse(resumed.stdout);
      expect(summary.datasets).toEqual([
        expect.objectContaining({ dataset: 'vulns', status: 'completed', runId: state.inflight.runId }),
      ]);
      expect(summary.datasets[0].rows).toBe(60_000);
    },
  );
});
