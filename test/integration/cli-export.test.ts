import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { type CliRun, runSc2aws } from '#support/cli';
import { expectNoKeyMaterial } from '#support/keys';

interface Summary {
  out: string;
  consoleId: string;
  peakRssBytes: number;
  datasets: { dataset: string; status: string; rows: number; manifest?: string }[];
}

/** `sc2aws export` as users run it: the built binary against the simulator over TLS. */
describe('sc2aws export', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let caFile: string;
  let keysFile: string;
  const runs: CliRun[] = [];
  const run = async (args: string[]) => {
    const r = await runSc2aws([
      'export',
      '--url',
      sim.url,
      '--keys-file',
      keysFile,
      '--ca-file',
      caFile,
      ...args,
    ]);
    runs.push(r);
    return r;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, vulnCount: 4000, fixedCount: 500, hostCount: 60 });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-cli-export-'));
    caFile = join(dir, 'ca.pem');
    keysFile = join(dir, 'keys');
    await writeFile(caFile, sim.caPem);
    await writeFile(keysFile, `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`);
  });
  afterAll(async () => {
    expectNoKeyMaterial(
      runs.map((r) => r.stdout + r.stderr).join('\n'),
      sim.keys.accessKey,
      sim.keys.secretKey,
    );
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("exports every dataset into the default console's folder with the Lambda's layout and prints a JSON summary", async () => {
    const root = join(dir, 'out-all');
    const out = join(root, 'console=default');
    const r = await run(['--out', root]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Summary;
    expect([summary.out, summary.consoleId]).toEqual([root, 'default']);
    expect(await readdir(root)).toEqual(['console=default']);
    expect(summary.datasets.map((d) => [d.dataset, d.status])).toEqual([
      ['vulns', 'completed'],
      ['fixed', 'completed'],
      ['assets', 'completed'],
    ]);
    expect(summary.datasets[0]?.rows).toBeGreaterThan(500);
    expect((await readdir(join(out, 'raw'))).sort()).toEqual([
      'committed',
      'dataset=assets',
      'dataset=fixed',
      'dataset=vulns',
    ]);
    expect((await readdir(join(out, 'raw', 'committed'))).sort()).toEqual([
      'dataset=assets',
      'dataset=fixed',
      'dataset=vulns',
    ]);
    expect((await readdir(join(out, 'state'))).sort()).toEqual(['assets.json', 'fixed.json', 'vulns.json']);
  });

  it('exits 5 after partial writes, keeps the checkpoint, and resumes on the rerun', async () => {
    const root = join(dir, 'out-partial');
    const out = join(root, 'console=default');
    sim.control.injectFault({ kind: 'status', status: 503, path: '/rest/analysis', after: 4, times: 20 });
    const failed = await run([
      '--out',
      root,
      '--dataset',
      'vulns',
      '--page-size',
      '100',
      '--part-size-mb',
      '1',
    ]);
    sim.control.clearFaults();
    expect(failed.code).toBe(5);
    expect(failed.stderr).toMatch(/rerun the same command to resume/);
    const state = JSON.parse(await readFile(join(out, 'state', 'vulns.json'), 'utf8'));
    expect(state.checkpoint).toBeUndefined();
    expect(state.inflight.runId).toEqual(expect.any(String));
    const again = await run(['--out', root, '--dataset', 'vulns', '--page-size', '100']);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout) as Summary).datasets[0]?.status).toBe('completed');
  });

  it.each([
    [['--out', 'x', '--dataset', 'everything'], /--dataset/],
    [['--out', 'x', '--since', 'yesterday'], /--since/],
    [['--out', 'x', '--page-size', '50'], /--page-size/],
    [['--out', 'x', '--max-page-mb', '0'], /--max-page-mb/],
    [['--dataset', 'vulns'], /--out/],
    [['--out', 's3://'], /bucket name/],
    [['--out', 'ftp://host/dir'], /neither a directory nor s3/],
    [['--out', 'x', '--console', 'EMEA'], /--console "EMEA" must be 1-16 lowercase letters.*--console emea/],
    [['--out', 'x', '--console', ''], /--console "" must be/],
  ])('exits 3 on bad flags %j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
  });

  it('refuses an SC page over --max-page-mb with SC_PROTOCOL naming the cap, exit 4', async () => {
    // Prepare: a proxy streaming a body without end instead of the first page.
    sim.control.injectFault({ kind: 'endless-body', path: '/rest/analysis', times: 5 });

    // Act
    const r = await run(['--out', join(dir, 'out-capped'), '--dataset', 'vulns', '--max-page-mb', '1']);
    sim.control.clearFaults();

    // Assert
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/larger than its 1 MiB cap \(more than 1 MiB arrived.*--max-page-mb/);
    await sim.control.whenNoneHeld();
  });

  it('re-pulls from --since instead of the checkpoint', async () => {
    const out = join(dir, 'out-since');
    const since = new Date(Date.now() - 2 * 86400 * 1000).toISOString();
    const r = await run(['--out', out, '--dataset', 'vulns', '--since', since]);
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.stdout) as Summary).datasets[0]?.rows ?? 0;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(4000 * (3 / 60));
  });
});
