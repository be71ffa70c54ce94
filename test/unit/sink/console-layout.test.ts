import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createLocalStore,
  type KeyLister,
  legacyLayoutCheck,
  migrateToConsoleLayout,
  refuseLegacyLayout,
} from '#lib/sink';

/** Keys under a prefix of a directory, as the CLI lists them. */
const listerOf =
  (dir: string): KeyLister =>
  async (prefix) => {
    const entries = await readdir(join(dir, prefix), { recursive: true, withFileTypes: true }).catch(
      () => [],
    );
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
  };

/** A data prefix as a deployment from before consoles left it. */
async function legacyPrefix() {
  const dir = await mkdtemp(join(tmpdir(), 'sc2aws-layout-'));
  const store = createLocalStore(dir);
  const put = (key: string, body = key) => store.putText(key, body);
  await put('state/vulns.json', '{"checkpoint":{"end":1}}');
  await put('state/lifecycle/root.json');
  await put('state/lifecycle/partition=00a/vulns-r1.json.gz');
  await put('state/securityhub/ledger/00a.json');
  await put('state/securityhub/sender-lease.json');
  await put('raw/dataset=vulns/dt=2026-12-01/run=r1/part-00000.ndjson.gz');
  await put('raw/committed/dataset=vulns/dt=2026-12-01/r1.txt');
  await put('findings/committed/dataset=vulns/dt=2026-12-01/r1.txt');
  await put('changes/committed/dt=2026-12-01/r1.txt');
  await put('current/partition=00a/vulns-r1.ndjson.gz');
  await put('current/committed/current.txt');
  await put('ocsf/committed/class=vulnerability_finding/dataset=vulns/dt=2026-12-01/r1.txt');
  return { dir, store };
}

describe('moving a data prefix from before consoles', () => {
  it('refuses to run on it, naming the old state object and the command that moves it', async () => {
    const { store } = await legacyPrefix();

    await expect(refuseLegacyLayout(store)).rejects.toMatchObject({
      code: 'LAYOUT_LEGACY',
      message: expect.stringContaining('state/vulns.json is state from before consoles'),
    });
  });

  it("copies state, the current table and the committed lists into the console's folder, then removes the old state", async () => {
    // Prepare
    const { dir, store } = await legacyPrefix();

    // Act
    const done = await migrateToConsoleLayout(store, listerOf(dir), 'default');

    // Assert: parts stay; the shared Security Hub sender lease stays where every console finds it.
    const keys = await listerOf(dir)('');
    expect(done).toEqual({ status: 'migrated', consoleId: 'default', copied: 10, removed: 4 });
    expect(keys.filter((k) => k.startsWith('console=default/')).sort()).toEqual(
      [
        'changes/committed/dt=2026-12-01/r1.txt',
        'current/committed/current.txt',
        'current/partition=00a/vulns-r1.ndjson.gz',
        'findings/committed/dataset=vulns/dt=2026-12-01/r1.txt',
        'ocsf/committed/class=vulnerability_finding/dataset=vulns/dt=2026-12-01/r1.txt',
        'raw/committed/dataset=vulns/dt=2026-12-01/r1.txt',
        'state/lifecycle/partition=00a/vulns-r1.json.gz',
        'state/lifecycle/root.json',
        'state/securityhub/ledger/00a.json',
        'state/vulns.json',
      ].map((k) => `console=default/${k}`),
    );
    expect((await store.getText('console=default/state/vulns.json'))?.body).toBe('{"checkpoint":{"end":1}}');
    expect(keys.filter((k) => k.startsWith('state/'))).toEqual(['state/securityhub/sender-lease.json']);
    expect(keys).toContain('raw/dataset=vulns/dt=2026-12-01/run=r1/part-00000.ndjson.gz');
    await expect(refuseLegacyLayout(store)).resolves.toBeUndefined();
  });

  it('does nothing the second time, so it never overwrites what a console wrote since', async () => {
    // Prepare: migrated, then the console moved on.
    const { dir, store } = await legacyPrefix();
    await migrateToConsoleLayout(store, listerOf(dir), 'default');
    await store.putText('console=default/current/committed/current.txt', 'newer');

    // Act
    const again = await migrateToConsoleLayout(store, listerOf(dir), 'default');

    // Assert
    expect(again).toEqual({ status: 'nothing-to-migrate', consoleId: 'default', copied: 0, removed: 0 });
    expect((await store.getText('console=default/current/committed/current.txt'))?.body).toBe('newer');
  });

  it('moves into the folder of the console named, for a deployment whose old console gets another id', async () => {
    const { dir, store } = await legacyPrefix();

    await migrateToConsoleLayout(store, listerOf(dir), 'emea');

    expect(await store.getText('console=emea/state/vulns.json')).toBeDefined();
    expect(await store.getText('console=default/state/vulns.json')).toBeUndefined();
  });

  it('is checked in a warm container until it passes, then not again: a refusal clears once the prefix is moved', async () => {
    // Prepare: a legacy prefix, and a count of the store's reads.
    const { dir, store } = await legacyPrefix();
    let reads = 0;
    const counted = {
      ...store,
      getText: (key: string) => {
        reads += 1;
        return store.getText(key);
      },
    };
    const layoutChecked = legacyLayoutCheck(counted);

    // Act & assert: refused twice (each invocation looks again), then the move, then one check only.
    await expect(layoutChecked()).rejects.toMatchObject({ code: 'LAYOUT_LEGACY' });
    await expect(layoutChecked()).rejects.toMatchObject({ code: 'LAYOUT_LEGACY' });
    await migrateToConsoleLayout(store, listerOf(dir), 'default');
    const before = reads;
    await layoutChecked();
    await layoutChecked();
    await layoutChecked();
    expect(reads - before).toBe(4);
  });
});
