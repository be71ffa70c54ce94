import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { runSc2aws } from '#support/cli';

async function filesUnder(root: string, dir = root): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(root, path)));
    else found.push(relative(root, path));
  }
  return found.sort();
}

/** Findings, rejected rows and delivery state under `root`; committed lists with the root taken out. */
async function delivered(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of await filesUnder(root)) {
    if (!/^(findings|rejected)\/|^state\/delivery\//.test(file)) continue;
    const bytes = await readFile(join(root, file));
    out.set(
      file,
      file.includes('/committed/')
        ? bytes.toString('utf8').replaceAll(root, '<root>')
        : bytes.toString('base64'),
    );
  }
  return out;
}

/**
 * Ctrl-C and SIGTERM reach `sc2aws deliver` as users send them: to the built binary, mid-delivery.
 * It stops after the parts in flight, saves its state and exits 130 / 143; the same command then
 * continues there and writes what one uninterrupted delivery writes, byte for byte.
 */
describe('sc2aws deliver interrupted by a signal', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let exported: string;
  let reference: Map<string, string>;

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 4,
      vulnCount: 24_000,
      fixedCount: 10,
      hostCount: 400,
      recordRequests: false,
    });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-cli-deliver-signals-'));
    await writeFile(join(dir, 'ca.pem'), sim.caPem);
    await writeFile(join(dir, 'keys'), `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`, {
      mode: 0o600,
    });
    exported = join(dir, 'export');
    // 1 MiB parts (the smallest): about twenty, so the signal lands while most are still to come.
    const r = await runSc2aws([
      'export',
      ...['--url', sim.url, '--keys-file', join(dir, 'keys'), '--ca-file', join(dir, 'ca.pem')],
      ...['--out', exported, '--dataset', 'vulns', '--severity-floor', '0', '--part-size-mb', '1'],
      ...['--since', '2000-01-01T00:00:00Z'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    await sim.close();
    const whole = join(dir, 'whole');
    await cp(exported, whole, { recursive: true });
    const once = await runSc2aws(['deliver', '--from', whole, '--threads', '2']);
    expect(once.code, once.stderr).toBe(0);
    reference = await delivered(join(whole, 'console=default'));
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts the delivery and sends `signal` once its first part is delivered. */
  function interrupted(from: string, signal: 'SIGINT' | 'SIGTERM') {
    return runSc2aws(
      ['deliver', '--from', from, '--threads', '2'],
      {},
      { signal, when: /transform part \d+\// },
    );
  }

  /**
   * Interrupts a delivery with `signal` and runs the same command again. Both signals take the same
   * path through the CLI, so the Lambda's Node runs one of them (SIGTERM, what a supervisor sends).
   */
  async function stopsAndResumes(signal: 'SIGINT' | 'SIGTERM', exit: number) {
    // Prepare
    const from = join(dir, `out-${signal}`);
    await cp(exported, from, { recursive: true });

    // Act
    const stopped = await interrupted(from, signal);
    const left = await filesUnder(join(from, 'console=default'));
    const resumed = await runSc2aws(['deliver', '--from', from, '--threads', '2']);

    // Assert
    expect(stopped.code, stopped.stderr).toBe(exit);
    expect(stopped.afterSignalMs).toBeLessThan(5_000);
    expect(stopped.stderr).toContain('run the same command again to continue');
    const summary = JSON.parse(stopped.stdout);
    expect(summary).toMatchObject({
      interrupted: signal,
      runs: [{ dataset: 'vulns', status: 'interrupted', phase: 'transform' }],
    });
    expect(summary.runs[0].next).toBeGreaterThan(0);
    expect(left).toContain(`state/delivery/dataset=vulns/run=${summary.runs[0].runId}/state.json`);
    expect(left.some((f) => f.startsWith('findings/committed/'))).toBe(false);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).runs).toEqual([
      expect.objectContaining({ dataset: 'vulns', status: 'delivered', rawRows: 24_000 }),
    ]);
    expect(await delivered(join(from, 'console=default'))).toEqual(reference);
  }

  it('stops on SIGINT between parts, exits 130, saves its state, and the same command finishes with the same bytes', () =>
    stopsAndResumes('SIGINT', 130));

  it(
    'stops on SIGTERM between parts, exits 143, saves its state, and the same command finishes with the same bytes',
    {
      tags: ['runtime'],
    },
    () => stopsAndResumes('SIGTERM', 143),
  );
});
