import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyLifecycle, LIFECYCLE_ROOT_KEY, type LifecycleRunInfo, readRoot } from '#lib/lifecycle';
import { createLocalStore, createS3Store, type ObjectStore } from '#lib/sink';
import { runCliInProcess, runSc2aws } from '#support/cli';
import {
  commitDeliveredRun,
  orderFreeCurrent,
  orderFreeStates,
  rebuildEstate,
} from '#support/committed-findings';
import { readAllStates, readCurrentTable } from '#support/lifecycle';
import { type LocalS3, startS3 } from '#support/s3';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A console's folder of a data root: where the deliveries of that console keep their lifecycle. */
const inConsole = (root: string, consoleId = 'default') => join(root, `console=${consoleId}`);

async function newDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sc2aws-cli-rebuild-'));
  dirs.push(dir);
  return dir;
}

/** The estate's runs committed, then applied to the lifecycle in `order` (arrival), as deliveries do. */
async function deliverEstate(store: ObjectStore, order: readonly number[]): Promise<void> {
  const runs: LifecycleRunInfo[] = [];
  for (const r of rebuildEstate()) runs.push(await commitDeliveredRun(store, r.dataset, r.end, r.rows));
  for (const i of order) {
    const outcome = await applyLifecycle({ store, shouldStop: () => false }, runs[i] as LifecycleRunInfo);
    if (outcome.status !== 'committed') throw new Error('expected the run to be committed in one go');
  }
}

async function lifecycleOf(store: ObjectStore) {
  return {
    states: orderFreeStates(await readAllStates(store)),
    current: orderFreeCurrent(await readCurrentTable(store)),
  };
}

describe('sc2aws lifecycle rebuild', () => {
  it('rebuilds into --out the state and current table the deliveries built out of order, one progress line a run', async () => {
    const from = await newDir();
    const delivered = createLocalStore(inConsole(from));
    await deliverEstate(delivered, [3, 0, 4, 2, 1]);
    const out = await newDir();

    const r = await runCliInProcess(['lifecycle', 'rebuild', '--from', from, '--out', out]);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/^(vulns|fixed) \S+ \(\d\/5, window end /gm)).toHaveLength(5);
    expect(r.stderr).toContain('Rebuilt from 5 runs: 7 findings, 6 open');
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'rebuilt', runs: 5, findings: 7, open: 6 });
    expect(await lifecycleOf(createLocalStore(inConsole(out)))).toEqual(await lifecycleOf(delivered));
  });

  it('refuses to replace an existing state without --replace, naming the fix, and leaves it as it was', async () => {
    const dir = await newDir();
    const store = createLocalStore(inConsole(dir));
    await deliverEstate(store, [0, 1, 2, 3, 4]);
    const before = await store.getText(LIFECYCLE_ROOT_KEY);

    const r = await runCliInProcess(['lifecycle', 'rebuild', '--from', dir]);

    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/already holds a finding lifecycle state\. Fix: add --replace/);
    expect((await store.getText(LIFECYCLE_ROOT_KEY))?.body).toBe(before?.body);
  });

  it('with --replace, switches a corrupt state to the rebuilt one, then moves a healthy one aside', async () => {
    const dir = await newDir();
    const store = createLocalStore(inConsole(dir));
    await deliverEstate(store, [4, 3, 2, 1, 0]);
    const reference = await lifecycleOf(store);
    await store.putText(LIFECYCLE_ROOT_KEY, '{"lifecycleVersion":1,');

    const corrupt = await runCliInProcess(['lifecycle', 'rebuild', '--from', dir, '--replace']);

    expect(corrupt.code, corrupt.stderr).toBe(0);
    expect(corrupt.stderr).toMatch(/replaced root did not parse, so only it and the current list were kept/);
    expect(await lifecycleOf(store)).toEqual(reference);
    const firstRoot = (await readRoot(store))?.root;
    const firstState = Object.values(firstRoot?.objects ?? {})[0]?.state as string;

    const healthy = await runCliInProcess(['lifecycle', 'rebuild', '--from', dir, '--replace']);

    expect(healthy.code, healthy.stderr).toBe(0);
    const { replaced } = JSON.parse(healthy.stdout);
    expect(replaced).toMatchObject({ parsed: true, left: 0 });
    expect(replaced.moved).toBeGreaterThan(0);
    expect(await lifecycleOf(store)).toEqual(reference);
    expect(await store.getText(firstState)).toBeUndefined();
    const backup = (replaced.movedTo as string).slice(inConsole(dir).length + 1);
    expect(await store.getText(`${backup}/${firstState}`)).toBeDefined();
    expect(await store.getText('state/lifecycle/rebuild.json')).toBeUndefined();
  });

  it('names the cause and the fix of bad input in one line, exit 3', async () => {
    const empty = await newDir();
    const unmanifested = await newDir();
    await createLocalStore(inConsole(unmanifested)).putText(
      'findings/committed/dataset=vulns/dt=2026-01-02/20260102T000000Z-vuln6400.txt',
      '',
    );
    const cases: [string[], RegExp][] = [
      [[], /Missing --from/],
      [['--from', join(empty, 'nowhere')], /does not exist\. Fix: pass the directory/],
      [['--from', empty], /holds no committed vulns or fixed findings run .* Fix: pass the directory/],
      [['--from', 'ftp://host/x'], /neither a directory nor s3:\/\/bucket\/prefix/],
      [
        ['--from', unmanifested],
        /run=20260102T000000Z-vuln6400\/_manifest\.json: its committed list exists but its manifest is missing\..* Fix: deliver that run again/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCliInProcess(['lifecycle', 'rebuild', ...args]);
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('rebuilds the console --console names, in its own folder, and finds no run of another', async () => {
    const dir = await newDir();
    const emea = createLocalStore(inConsole(dir, 'emea'));
    await deliverEstate(emea, [2, 0, 1, 4, 3]);
    const reference = await lifecycleOf(emea);
    await emea.delete(LIFECYCLE_ROOT_KEY);

    const rebuilt = await runCliInProcess(['lifecycle', 'rebuild', '--from', dir, '--console', 'emea']);
    const plain = await runCliInProcess(['lifecycle', 'rebuild', '--from', dir]);

    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({
      from: dir,
      consoleId: 'emea',
      status: 'rebuilt',
      runs: 5,
    });
    expect(await lifecycleOf(emea)).toEqual(reference);
    expect(plain.code).toBe(3);
    expect(plain.stderr).toMatch(/holds no committed vulns or fixed findings run .* of the console default/);
  });

  describe('with S3', () => {
    let s3: LocalS3;
    beforeAll(async () => {
      s3 = await startS3('rebuild-bucket');
    });
    afterAll(async () => {
      await s3.close();
    });

    it('rebuilds the state of s3://bucket/prefix in place with --replace', async () => {
      const store = createS3Store({
        client: s3.client(),
        bucket: s3.bucket,
        prefix: 'sc2aws/console=default',
      });
      await deliverEstate(store, [1, 4, 0, 3, 2]);
      const reference = await lifecycleOf(store);

      const r = await runSc2aws(
        ['lifecycle', 'rebuild', '--from', 's3://rebuild-bucket/sc2aws', '--replace'],
        {
          ...s3.environment(),
        },
      );

      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        status: 'rebuilt',
        runs: 5,
        replaced: { parsed: true, left: 0 },
      });
      expect(await lifecycleOf(store)).toEqual(reference);
    });
  });
});
