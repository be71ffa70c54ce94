import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configValue } from '#lib/config';
import { codeOf, ErrorCode } from '#lib/errors';
import { type ExportState, exportDatasets } from '#lib/export';
import { createLocalStore, type RunManifest, refuseLegacyLayout } from '#lib/sink';
import { runCliInProcess } from '#support/cli';
import { type ExportHarness, exportHarness } from '#support/export-harness';
import { expectNoKeyMaterial } from '#support/keys';

/** Every file under `dir`, relative, with `/`. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

/**
 * `sc2aws migrate-layout` on a directory written before consoles: the export of those days, with its
 * store rooted at the directory itself (state/, raw/ straight under it), moved into console=default/.
 */
describe('sc2aws migrate-layout', () => {
  let h: ExportHarness;
  let legacy: string;
  let scratch: string;
  let oldVulns: ExportState;
  let oldLists: Map<string, string>;
  const outputs: string[] = [];
  const cli = async (args: string[]) => {
    const r = await runCliInProcess(args);
    outputs.push(r.stdout + r.stderr);
    return r;
  };
  const exportArgs = () => [
    'export',
    '--url',
    h.sim.url,
    '--keys-file',
    join(scratch, 'keys'),
    '--ca-file',
    join(scratch, 'ca.pem'),
    '--out',
    legacy,
  ];

  beforeAll(async () => {
    h = await exportHarness({ sim: { vulnCount: 1500, fixedCount: 200, hostCount: 40 } });
    legacy = h.store.location;
    await exportDatasets(h.deps(), h.settings(), ['vulns', 'fixed']);
    oldVulns = (await h.state('vulns')) as ExportState;
    const lists = (await filesUnder(legacy)).filter((f) => f.startsWith('raw/committed/'));
    oldLists = new Map(
      await Promise.all(lists.map(async (f) => [f, await readFile(join(legacy, f), 'utf8')] as const)),
    );
    scratch = await mkdtemp(join(tmpdir(), 'sc2aws-cli-migrate-'));
    await writeFile(join(scratch, 'ca.pem'), h.sim.caPem);
    await writeFile(
      join(scratch, 'keys'),
      `accesskey=${h.sim.keys.accessKey}; secretkey=${h.sim.keys.secretKey};`,
    );
  });
  afterAll(async () => {
    expectNoKeyMaterial(outputs.join('\n'), h.sim.keys.accessKey, h.sim.keys.secretKey);
    await h.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('the old layout is refused as the Lambdas refuse it, by every command that reads or writes a console', async () => {
    expect(oldVulns.checkpoint?.end).toEqual(expect.any(Number));
    expect(oldLists.size).toBe(2);
    const lambda = await refuseLegacyLayout(createLocalStore(legacy)).catch((err: unknown) => err);
    expect(codeOf(lambda)).toBe(ErrorCode.LayoutLegacy);

    for (const args of [
      [...exportArgs(), '--dataset', 'vulns'],
      ['deliver', '--from', legacy],
      ['lifecycle', 'rebuild', '--from', legacy],
      ['securityhub', 'backfill', '--state', legacy, '--asff', join(scratch, 'asff')],
    ]) {
      const r = await cli(args);
      expect([args[0], r.code]).toEqual([args[0], 3]);
      expect(r.stderr).toMatch(/state\/vulns\.json is state from before consoles.*sc2aws migrate-layout/);
    }
    // Nothing was written beside the old layout.
    expect((await readdir(legacy)).sort()).toEqual(['raw', 'state']);
  });

  it('moves the state and the committed lists under console=default/, and an export continues from the old checkpoint', async () => {
    const r = await cli(['migrate-layout', '--data', legacy]);

    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ data: legacy, status: 'migrated', consoleId: 'default', removed: 2 });
    expect(summary.copied).toBe(4); // two state objects, two committed lists
    expect(r.stderr).toMatch(/Migrated: 4 objects copied into .*console=default/);
    await expect(refuseLegacyLayout(createLocalStore(legacy))).resolves.toBeUndefined();
    // The lists moved as they were: they still name the parts where those stay, by full address.
    for (const [list, body] of oldLists) {
      expect(await readFile(join(legacy, 'console=default', list), 'utf8')).toBe(body);
      for (const part of body.trim().split('\n')) await expect(readFile(part)).resolves.toBeDefined();
    }
    const files = await filesUnder(legacy);
    expect(files.filter((f) => f.startsWith('state/'))).toEqual([]);
    expect(files).toContain('console=default/state/vulns.json');

    const again = await cli([...exportArgs(), '--console', 'default', '--dataset', 'vulns']);
    expect(again.code).toBe(0);
    const manifestPath = JSON.parse(again.stdout).datasets[0].manifest as string;
    expect(manifestPath.startsWith(join(legacy, 'console=default', 'raw', 'dataset=vulns'))).toBe(true);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as RunManifest;
    const overlap = configValue({}, 'OVERLAP_MINUTES') * 60;
    expect(manifest.window.start).toBe((oldVulns.checkpoint?.end as number) - overlap);
  });

  it('says there is nothing to migrate when run again, even with the deployment-wide sender lease at the root', async () => {
    // Once the functions run again, the Security Hub sender lease (the consoles share it) lives in
    // the root's state/; it is no old layout, and the console's state must not be copied over.
    const store = createLocalStore(legacy);
    await store.putText('state/securityhub/sender-lease.json', '{"owner":"forward-results"}');
    const before = await readFile(join(legacy, 'console=default', 'state', 'vulns.json'), 'utf8');

    const r = await cli(['migrate-layout', '--data', legacy]);

    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'nothing-to-migrate', copied: 0, removed: 0 });
    expect(r.stderr).toMatch(/Nothing to migrate: .* holds no state from before consoles/);
    expect(await readFile(join(legacy, 'console=default', 'state', 'vulns.json'), 'utf8')).toBe(before);
    expect(await store.getText('state/securityhub/sender-lease.json')).toBeDefined();
  });

  it.each([
    [[], /Missing --data/],
    [['--data', '/nonexistent/sc2aws-data'], /does not exist/],
    [['--data', 'discard:'], /holds nothing to migrate/],
    [['--data', '.', '--console', 'Not_An_Id'], /--console "Not_An_Id" must be/],
  ])('exits 3 on bad input %j', async (args, message) => {
    const r = await cli(['migrate-layout', ...args]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
  });
});
