import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportState } from '#lib/export';
import type { RunManifest } from '#lib/sink';
import { type SimulatorHandle, startSimulator } from '#sim';
import { type CliRun, runSc2aws } from '#support/cli';
import { expectNoKeyMaterial } from '#support/keys';

interface Summary {
  out: string;
  consoleId: string;
  datasets: { dataset: string; status: string; runId: string; manifest: string }[];
}

/**
 * `sc2aws export --console`: several consoles exported into one data root keep apart, each in its
 * own console=<id>/ folder, as the Lambda keeps them in the data prefix.
 */
describe('sc2aws export --console', () => {
  let sim: SimulatorHandle;
  let dir: string;
  const runs: CliRun[] = [];
  const run = async (args: string[]) => {
    const r = await runSc2aws([
      'export',
      '--url',
      sim.url,
      '--keys-file',
      join(dir, 'keys'),
      '--ca-file',
      join(dir, 'ca.pem'),
      '--dataset',
      'vulns',
      ...args,
    ]);
    runs.push(r);
    return r;
  };
  const state = async (root: string, consoleId: string) =>
    JSON.parse(
      await readFile(join(root, `console=${consoleId}`, 'state', 'vulns.json'), 'utf8'),
    ) as ExportState;
  const manifestOf = async (r: CliRun) => {
    const summary = JSON.parse(r.stdout) as Summary;
    return JSON.parse(await readFile(summary.datasets[0]?.manifest as string, 'utf8')) as RunManifest;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 8, vulnCount: 1200, fixedCount: 100, hostCount: 30 });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-cli-export-consoles-'));
    await writeFile(join(dir, 'ca.pem'), sim.caPem);
    await writeFile(join(dir, 'keys'), `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`);
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

  it('keeps two consoles exported into one directory apart: their own folders, cursors, runs and manifests', async () => {
    const root = join(dir, 'two');
    const emea = await run(['--out', root, '--console', 'emea']);
    const plain = await run(['--out', root]);

    expect([emea.code, plain.code]).toEqual([0, 0]);
    expect((JSON.parse(emea.stdout) as Summary).consoleId).toBe('emea');
    expect((JSON.parse(plain.stdout) as Summary).consoleId).toBe('default');
    expect((await readdir(root)).sort()).toEqual(['console=default', 'console=emea']);
    const [emeaManifest, plainManifest] = [await manifestOf(emea), await manifestOf(plain)];
    expect([emeaManifest.sc?.consoleId, plainManifest.sc?.consoleId]).toEqual(['emea', 'default']);
    expect((await readdir(join(root, 'console=emea', 'raw', 'dataset=vulns'))).length).toBe(1);
    expect((await readdir(join(root, 'console=default', 'raw', 'dataset=vulns'))).length).toBe(1);
    const [emeaState, plainState] = [await state(root, 'emea'), await state(root, 'default')];
    expect(emeaState.checkpoint?.runId).toBe(emeaManifest.runId);
    expect(plainState.checkpoint?.runId).toBe(plainManifest.runId);
    // Run ids come from the window, so two consoles may share one: their folders keep them apart.
    const [emeaPath, plainPath] = [emea, plain].map(
      (r) => (JSON.parse(r.stdout) as Summary).datasets[0]?.manifest,
    );
    expect(emeaPath?.startsWith(join(root, 'console=emea', 'raw', 'dataset=vulns'))).toBe(true);
    expect(plainPath?.startsWith(join(root, 'console=default', 'raw', 'dataset=vulns'))).toBe(true);
  });

  it("continues one console's cursor without moving the other's", async () => {
    const root = join(dir, 'cursors');
    expect((await run(['--out', root, '--console', 'emea'])).code).toBe(0);
    expect((await run(['--out', root, '--console', 'apac'])).code).toBe(0);
    const apacBefore = await state(root, 'apac');
    const emeaBefore = await state(root, 'emea');

    const next = await run(['--out', root, '--console', 'emea']);

    expect(next.code).toBe(0);
    // The second emea window starts at emea's checkpoint (less the overlap), not afresh.
    const window = (await manifestOf(next)).window;
    expect(window.start).toBeLessThan(emeaBefore.checkpoint?.end as number);
    expect(window.start).toBeGreaterThan((emeaBefore.checkpoint?.end as number) - 86400);
    expect(await state(root, 'apac')).toEqual(apacBefore);
    expect((await readdir(join(root, 'console=emea', 'raw', 'dataset=vulns'))).length).toBeGreaterThanOrEqual(
      1,
    );
  });
});
