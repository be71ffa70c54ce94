import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { type CliRun, runCliInProcess, runSc2aws } from '#support/cli';
import { expectNoKeyMaterial } from '#support/keys';

/**
 * `sc2aws deliver` and consoles: a manifest's console is the folder it lies in, as for the Lambda,
 * and a directory delivers the runs of the console `--console` names.
 */
describe('sc2aws deliver --console', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let root: string;
  let emeaManifest: string;
  const runs: CliRun[] = [];
  const deliver = async (args: string[]) => {
    const r = await runCliInProcess(['deliver', '--threads', '1', ...args]);
    runs.push(r);
    return r;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 9, vulnCount: 800, fixedCount: 50, hostCount: 20 });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-cli-deliver-consoles-'));
    await writeFile(join(dir, 'ca.pem'), sim.caPem);
    await writeFile(join(dir, 'keys'), `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`);
    root = join(dir, 'data');
    const r = await runSc2aws([
      'export',
      ...['--url', sim.url, '--keys-file', join(dir, 'keys'), '--ca-file', join(dir, 'ca.pem')],
      ...['--out', root, '--console', 'emea', '--dataset', 'vulns', '--since', '2000-01-01T00:00:00Z'],
    ]);
    runs.push(r);
    expect(r.code, r.stderr).toBe(0);
    emeaManifest = JSON.parse(r.stdout).datasets[0].manifest;
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

  it("takes a manifest's console from its address and delivers into that console's folder", async () => {
    const r = await deliver(['--from', emeaManifest]);

    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect([summary.out, summary.consoleId]).toEqual([root, 'emea']);
    expect(summary.runs[0].manifest.startsWith(join(root, 'console=emea', 'findings', 'dataset=vulns'))).toBe(
      true,
    );
    // The rows are the console's: delivered from its manifest (sc.consoleId), not as the default's.
    const part = join(dirname(summary.runs[0].manifest), 'part-00000.ndjson.gz');
    const [first] = gunzipSync(await readFile(part))
      .toString('utf8')
      .split('\n');
    expect(JSON.parse(first ?? '{}').console_id).toBe('emea');
    expect(await readdir(root)).toEqual(['console=emea']);
  });

  it('refuses a --console that disagrees with the manifest it names, writing nothing', async () => {
    const r = await deliver(['--from', emeaManifest, '--console', 'apac']);

    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--console apac disagrees with --from, a run of the console "emea"/);
    expect(await readdir(root)).toEqual(['console=emea']);
  });

  it('delivers a directory for the console --console names, and finds no run of another', async () => {
    const emea = await deliver(['--from', root, '--console', 'emea', '--redeliver']);
    const plain = await deliver(['--from', root]);

    expect(emea.code, emea.stderr).toBe(0);
    expect(JSON.parse(emea.stdout)).toMatchObject({ consoleId: 'emea', runs: [{ status: 'delivered' }] });
    expect(plain.code).toBe(3);
    expect(plain.stderr).toMatch(/console=default\/raw\/committed is missing or empty/);
  });

  it("refuses a manifest outside any console's folder, and a malformed --console", async () => {
    const outside = emeaManifest.replace('/console=emea/', '/');
    const bare = await deliver(['--from', outside]);
    const malformed = await deliver(['--from', root, '--console', 'EMEA!']);

    expect(bare.code).toBe(3);
    expect(bare.stderr).toMatch(/is not in a console's folder \(<data root>\/console=<id>\/raw\/…\)/);
    expect(malformed.code).toBe(3);
    expect(malformed.stderr).toMatch(/--console "EMEA!" must be 1-16 lowercase letters/);
  });
});
