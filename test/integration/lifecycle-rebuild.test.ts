import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyLifecycle,
  LIFECYCLE_ROOT_KEY,
  type LifecycleRunInfo,
  type RebuildDeps,
  readRoot,
  rebuildLifecycle,
} from '#lib/lifecycle';
import { createLocalStore, type ObjectStore } from '#lib/sink';
import {
  commitDeliveredRun,
  type EstateRun,
  orderFreeCurrent,
  orderFreeStates,
  rebuildEstate,
} from '#support/committed-findings';
import { readAllStates, readCurrentTable, readObjectLines } from '#support/lifecycle';
import { keyListerFor } from '../../cli/key-listing';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function newStore(): Promise<ObjectStore> {
  const dir = await mkdtemp(join(tmpdir(), 'sc2aws-rebuild-'));
  dirs.push(dir);
  return createLocalStore(dir);
}

async function apply(store: ObjectStore, run: LifecycleRunInfo): Promise<void> {
  const outcome = await applyLifecycle({ store, shouldStop: () => false }, run);
  if (outcome.status !== 'committed') throw new Error('expected the run to be committed in one go');
}

/** Commits the runs' findings, then delivers them to the lifecycle in `order`, as deliveries would. */
async function deliver(store: ObjectStore, runs: readonly EstateRun[], order: readonly number[]) {
  const infos = [];
  for (const r of runs) infos.push(await commitDeliveredRun(store, r.dataset, r.end, r.rows));
  for (const i of order) await apply(store, infos[i] as LifecycleRunInfo);
  return infos;
}

function depsOf(source: ObjectStore, store: ObjectStore, extra: Partial<RebuildDeps> = {}): RebuildDeps {
  return {
    source,
    store,
    listSourceKeys: keyListerFor(source.location, {}, '--from'),
    shouldStop: () => false,
    ...extra,
  };
}

async function lifecycleOf(store: ObjectStore) {
  return {
    states: orderFreeStates(await readAllStates(store)),
    current: orderFreeCurrent(await readCurrentTable(store)),
  };
}

describe('rebuilding the finding lifecycle', () => {
  it('ends in the state and current table the deliveries built, whatever order they arrived in', async () => {
    for (const order of [
      [0, 1, 2, 3, 4],
      [4, 2, 0, 3, 1],
      [3, 4, 1, 0, 2],
    ]) {
      const delivered = await newStore();
      await deliver(delivered, rebuildEstate(), order);
      const rebuilt = await newStore();

      const outcome = await rebuildLifecycle(depsOf(delivered, rebuilt), { replace: false });

      expect(outcome).toMatchObject({ status: 'rebuilt', runs: 5, findings: 7, open: 6 });
      expect(await lifecycleOf(rebuilt), `order ${order.join(',')}`).toEqual(await lifecycleOf(delivered));
    }
  });

  it('writes again, under the same keys, the change feed deliveries in SC order wrote', async () => {
    const delivered = await newStore();
    await deliver(delivered, rebuildEstate(), [0, 1, 2, 3, 4]);
    const rebuilt = await newStore();

    await rebuildLifecycle(depsOf(delivered, rebuilt), { replace: false });

    const applied = (await readRoot(rebuilt))?.root.applied ?? [];
    expect(applied.map((a) => a.changes)).toEqual(
      (await readRoot(delivered))?.root.applied.map((a) => a.changes),
    );
    for (const { changes } of applied) {
      const feed = async (store: ObjectStore) => {
        const manifest = JSON.parse((await store.getText(changes))?.body ?? '{}');
        const rows = [];
        for (const part of manifest.parts) rows.push(...(await readObjectLines(store, part.key)));
        return { details: manifest.details, rows };
      };
      expect(await feed(rebuilt), changes).toEqual(await feed(delivered));
    }
  });

  it('leaves the live state untouched when stopped, and continues the staged replay on the next call', async () => {
    const store = await newStore();
    await deliver(store, rebuildEstate(), [2, 0, 4, 1, 3]);
    const before = await store.getText(LIFECYCLE_ROOT_KEY);
    const reference = await lifecycleOf(store);
    let replayed = 0;

    const stopped = await rebuildLifecycle(
      depsOf(store, store, {
        shouldStop: () => replayed >= 2,
        onRun: () => {
          replayed += 1;
        },
      }),
      { replace: true },
    );
    expect(stopped).toMatchObject({ status: 'stopped', replayed: 2, runs: 5 });
    expect((await store.getText(LIFECYCLE_ROOT_KEY))?.body).toBe(before?.body);

    const finished = await rebuildLifecycle(depsOf(store, store), { replace: true });

    expect(finished).toMatchObject({ status: 'rebuilt', runs: 5, resumed: 2, replaced: { parsed: true } });
    expect(await lifecycleOf(store)).toEqual(reference);
  });

  it('replays a run a delivery commits while the rebuild runs, instead of switching over it', async () => {
    const store = await newStore();
    const runs = rebuildEstate();
    await deliver(store, runs.slice(1), [0, 1, 2, 3]);
    // The first run in SC's time: had it been listed at first, it would have been replayed first.
    const late = runs[0] as EstateRun;
    let delivered = false;
    const replayed: string[] = [];

    const outcome = await rebuildLifecycle(
      depsOf(store, store, {
        onRun: async ({ run }) => {
          replayed.push(run.runId);
          if (delivered) return;
          delivered = true;
          await apply(store, await commitDeliveredRun(store, late.dataset, late.end, late.rows));
        },
      }),
      { replace: true },
    );

    expect(outcome).toMatchObject({ status: 'rebuilt', runs: 5 });
    // Listed only once the first switch failed (the late delivery moved the root): replayed last.
    expect(replayed).toHaveLength(5);
    expect(replayed.at(-1)).toMatch(/^20260102T000000Z-vuln/);
    const reference = await newStore();
    await deliver(reference, runs, [0, 1, 2, 3, 4]);
    expect(await lifecycleOf(store)).toEqual(await lifecycleOf(reference));
  });

  it('run again after a crash right past its switch, keeps the objects its live root names', async () => {
    const store = await newStore();
    await deliver(store, rebuildEstate(), [1, 0, 3, 2, 4]);
    const reference = await lifecycleOf(store);
    let crashed = false;
    const crashing: ObjectStore = {
      ...store,
      delete: async (key) => {
        if (key === 'state/lifecycle/rebuild.json' && !crashed) {
          crashed = true;
          throw new Error('crash after the switch');
        }
        return store.delete(key);
      },
    };
    await expect(rebuildLifecycle(depsOf(store, crashing), { replace: true })).rejects.toThrow(/crash/);

    const again = await rebuildLifecycle(depsOf(store, store), { replace: true });

    expect(again).toMatchObject({
      status: 'rebuilt',
      resumed: 5,
      replaced: { parsed: true, moved: 0, left: 0 },
    });
    expect(await lifecycleOf(store)).toEqual(reference);
  });
});
