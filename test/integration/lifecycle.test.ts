import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  APPLIED_RUNS_KEPT,
  applyLifecycle,
  CURRENT_LIST_KEY,
  type FindingState,
  LIFECYCLE_ROOT_KEY,
  type LifecycleResult,
  type LifecycleRoot,
  type LifecycleRunInfo,
  readRoot,
} from '#lib/lifecycle';
import { createLocalStore, createS3Store, type ObjectStore, StoreConflictError } from '#lib/sink';
import {
  type RowSpec,
  readAllStates,
  readCurrentTable,
  readObjectLines,
  storeDeliveredRun,
} from '#support/lifecycle';
import { startS3 } from '#support/s3';

const DAY = 86_400;
const T0 = 1_767_225_600; // 2026-01-01

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  for (const close of closers.splice(0)) await close();
});

async function newStore(): Promise<ObjectStore> {
  const dir = await mkdtemp(join(tmpdir(), 'sc2aws-lifecycle-'));
  dirs.push(dir);
  return createLocalStore(dir);
}

async function apply(store: ObjectStore, run: LifecycleRunInfo): Promise<LifecycleResult> {
  const outcome = await applyLifecycle({ store, shouldStop: () => false }, run);
  if (outcome.status !== 'committed') throw new Error('expected the run to be committed in one go');
  return outcome.result;
}

async function changesOf(store: ObjectStore, result: LifecycleResult) {
  const manifest = JSON.parse((await store.getText(result.manifestKey))?.body ?? '{}') as {
    parts: { key: string }[];
  };
  const rows = [];
  for (const part of manifest.parts) rows.push(...(await readObjectLines(store, part.key)));
  return rows;
}

/** Four runs of a small estate: a first import, a day of changes, a fixed run, and a reopening. */
function estate() {
  const day1: RowSpec[] = [
    { host: 1, plugin: 100, lastSeen: T0 + DAY },
    { host: 1, plugin: 101, lastSeen: T0 + DAY },
    { host: 2, plugin: 100, lastSeen: T0 + DAY, vpr: '5.0' },
    { host: 3, plugin: 102, lastSeen: T0 + DAY },
    { host: 4, plugin: 103, lastSeen: T0 + DAY },
  ];
  const day2: RowSpec[] = [
    { host: 1, plugin: 100, lastSeen: T0 + 2 * DAY }, // seen again, as it was
    { host: 2, plugin: 100, lastSeen: T0 + 2 * DAY, vpr: '9.1' }, // VPR moved
    { host: 3, plugin: 102, lastSeen: T0 + 2 * DAY, acceptRisk: true }, // risk accepted
    { host: 4, plugin: 103, lastSeen: T0 + 2 * DAY, recastRisk: true, severity: 1 }, // recast to Low
    { host: 5, plugin: 104, lastSeen: T0 + 2 * DAY }, // new host
  ];
  const fixed: RowSpec[] = [{ host: 1, plugin: 101, lastSeen: T0 + DAY, lastMitigated: T0 + 2 * DAY + 3600 }];
  const day4: RowSpec[] = [{ host: 1, plugin: 101, lastSeen: T0 + 4 * DAY, hasBeenMitigated: true }];
  return { day1, day2, fixed, day4 };
}

/** The store, failing every write from the `n`th on (a crash: nothing after it happens). */
function crashAfter(store: ObjectStore, n: number): { store: ObjectStore } {
  let writes = 0;
  const write = () => {
    writes += 1;
    if (writes >= n) throw new Error(`crash at write ${writes}`);
  };
  return {
    store: {
      ...store,
      uri: (key) => store.uri(key),
      getText: (key) => store.getText(key),
      getStream: (key) => store.getStream(key),
      putText: async (key, body, options) => {
        write();
        return store.putText(key, body, options);
      },
      openUpload: (key, contentType) => {
        const upload = store.openUpload(key, contentType);
        return {
          ...upload,
          done: async () => {
            try {
              write();
            } catch (err) {
              await upload.abort();
              throw err;
            }
            return upload.done();
          },
        };
      },
      delete: async (key) => {
        write();
        return store.delete(key);
      },
    },
  };
}

function orderFree(states: Map<string, FindingState>) {
  return [...states.values()]
    .map(({ changed_run_id: _, ...rest }) => rest)
    .sort((a, b) => (a.finding_id < b.finding_id ? -1 : 1));
}

function currentOrderFree(rows: Record<string, unknown>[]) {
  return rows
    .map(({ changed_run_id: _, ...rest }) => rest)
    .sort((a, b) => ((a.finding_id as string) < (b.finding_id as string) ? -1 : 1));
}

describe('the finding lifecycle', () => {
  it('marks a first import baseline, then names each change of the next runs once, with its previous values', async () => {
    const store = await newStore();
    const e = estate();
    const first = await apply(store, await storeDeliveredRun(store, 'vulns', T0 + DAY, e.day1));
    expect(first).toMatchObject({ baseline: true, rows: 5, counts: { new: 5, fixed: 0 }, generation: 1 });
    expect((await changesOf(store, first)).every((c) => c.baseline === true && c.change === 'new')).toBe(
      true,
    );

    const second = await apply(store, await storeDeliveredRun(store, 'vulns', T0 + 2 * DAY, e.day2));
    expect(second).toMatchObject({
      baseline: false,
      counts: { new: 1, changed: 1, risk_accepted: 1, risk_recast: 1, fixed: 0, reopened: 0 },
      unchanged: 1,
    });
    const changes = await changesOf(store, second);
    const changed = changes.find((c) => c.change === 'changed');
    expect(changed).toMatchObject({
      changed_fields: ['vpr_score'],
      previous: { vpr_score: '5' },
      vpr_score: 9.1,
      previous_state: 'open',
      lifecycle_state: 'open',
      detected_at: new Date((T0 + 2 * DAY) * 1000).toISOString(),
    });
    expect(changes.find((c) => c.change === 'risk_recast')).toMatchObject({
      changed_fields: ['severity', 'recast_risk'],
      previous: { severity: 'High', recast_risk: 'false' },
    });
    expect(changes.find((c) => c.change === 'risk_accepted')?.changed_fields).toEqual(['accept_risk']);

    const fixed = await apply(store, await storeDeliveredRun(store, 'fixed', T0 + 3 * DAY, e.fixed));
    // The first fixed run is its dataset's first import, and says so.
    expect(fixed).toMatchObject({ baseline: true, counts: { fixed: 1 } });
    const reopened = await apply(store, await storeDeliveredRun(store, 'vulns', T0 + 4 * DAY, e.day4));
    expect(reopened.counts.reopened).toBe(1);

    const current = await readCurrentTable(store);
    // Six findings, one fixed then reopened: all six open now; the accepted one is still there, flagged.
    expect(current).toHaveLength(6);
    expect(current.find((r) => r.accept_risk === true)).toMatchObject({ lifecycle_state: 'open' });
    expect(current.filter((r) => r.lifecycle_state === 'reopened')).toHaveLength(1);
  });

  it('an empty run applied first (as a rebuild replays it) leaves the first run with rows its baseline', async () => {
    const store = await newStore();
    const empty = await apply(store, await storeDeliveredRun(store, 'vulns', T0 + DAY / 2, []));
    expect(empty).toMatchObject({ rows: 0, baseline: true, generation: 1 });
    const first = await apply(store, await storeDeliveredRun(store, 'vulns', T0 + DAY, estate().day1));
    expect(first).toMatchObject({ baseline: true, counts: { new: 5 }, generation: 2 });
    const second = await apply(store, await storeDeliveredRun(store, 'vulns', T0 + 2 * DAY, estate().day2));
    expect(second.baseline).toBe(false);
  });

  it('a run delivered twice makes no second change and no new generation', async () => {
    const store = await newStore();
    const run = await storeDeliveredRun(store, 'vulns', T0 + DAY, estate().day1);
    const first = await apply(store, run);
    const again = await apply(store, run);
    expect(again).toMatchObject({ manifestKey: first.manifestKey, counts: first.counts, generation: 1 });
    expect((await readRoot(store))?.root.generation).toBe(1);
  });

  it('remembers the last runs only: the oldest leave the root, its imports stay known, and a forgotten run delivered again is announced as it was', async () => {
    const store = await newStore();
    const e = estate();
    const day1 = await storeDeliveredRun(store, 'vulns', T0 + DAY, e.day1);
    const first = await apply(store, day1);
    // A root as one written before the list was bounded (no `imported`), whose oldest run is the import.
    const loaded = await readRoot(store);
    const root = loaded?.root as LifecycleRoot;
    const { imported: _, forgotten: __, ...old } = root;
    const fillers = Array.from({ length: APPLIED_RUNS_KEPT - 1 }, (_, i) => ({
      dataset: 'fixed' as const,
      runId: `20250101T000000Z-filler${i}`,
      changes: `changes/dt=2025-01-01/run=filler${i}/_manifest.json`,
      generation: 0,
      rows: 0,
    }));
    await store.putText(
      LIFECYCLE_ROOT_KEY,
      JSON.stringify({ ...old, applied: [...old.applied, ...fillers] }),
    );
    const statesBefore = orderFree(await readAllStates(store));

    const day2 = await apply(store, await storeDeliveredRun(store, 'vulns', T0 + 2 * DAY, e.day2));
    const after = (await readRoot(store))?.root as LifecycleRoot;
    expect(after.applied).toHaveLength(APPLIED_RUNS_KEPT);
    expect(after.applied.some((a) => a.runId === day1.runId)).toBe(false);
    expect(after.forgotten).toBe(1);
    expect(after.imported).toEqual(['vulns']);
    // The import left the list, not the root's memory of it: the next vulns run is no baseline.
    expect(day2).toMatchObject({ baseline: false, counts: { new: 1, changed: 1 } });

    // day1 again, past the list: found by its listed change run, announced as it was, not applied again.
    const statesAfterDay2 = orderFree(await readAllStates(store));
    expect(statesAfterDay2).not.toEqual(statesBefore);
    const replay = await apply(store, day1);
    expect(replay).toMatchObject({ manifestKey: first.manifestKey, counts: first.counts, generation: 1 });
    expect((await readRoot(store))?.root.generation).toBe(after.generation);
    expect(await changesOf(store, replay)).toEqual(await changesOf(store, first));
    expect(await changesOf(store, first)).toHaveLength(5);
    expect(orderFree(await readAllStates(store))).toEqual(statesAfterDay2);
  });

  it('ends in the same state and current table whatever order the runs arrive in', async () => {
    const e = estate();
    const specs: ['vulns' | 'fixed', number, RowSpec[]][] = [
      ['vulns', T0 + DAY, e.day1],
      ['vulns', T0 + 2 * DAY, e.day2],
      ['fixed', T0 + 3 * DAY, e.fixed],
      ['vulns', T0 + 4 * DAY, e.day4],
    ];
    const permutations = (xs: number[]): number[][] =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) => permutations(xs.filter((_, j) => j !== i)).map((p) => [x, ...p]));
    let reference: { states: unknown; current: unknown } | undefined;
    for (const order of permutations([0, 1, 2, 3])) {
      const store = await newStore();
      for (const i of order) {
        const [dataset, end, rows] = specs[i] as (typeof specs)[number];
        await apply(store, await storeDeliveredRun(store, dataset, end, rows));
      }
      const got = {
        states: orderFree(await readAllStates(store)),
        current: currentOrderFree(await readCurrentTable(store)),
      };
      reference ??= got;
      expect(got, `order ${order.join(',')}`).toEqual(reference);
      await rm(store.location, { recursive: true, force: true });
    }
    expect(reference?.states).toHaveLength(6);
  });

  it('applies a run larger than one group by routing its rows, and stops and continues between groups', async () => {
    const store = await newStore();
    const rows: RowSpec[] = Array.from({ length: 600 }, (_, i) => ({
      host: i % 150,
      plugin: 200 + Math.floor(i / 150),
      lastSeen: T0 + DAY,
    }));
    const run = await storeDeliveredRun(store, 'vulns', T0 + DAY, rows, { partRows: 200 });
    let calls = 0;
    let outcome = await applyLifecycle(
      { store, shouldStop: () => ++calls % 3 === 0, groupTargetBytes: 64 * 1024 },
      run,
    );
    let invocations = 1;
    while (outcome.status === 'stopped') {
      const saved = JSON.parse(JSON.stringify(outcome.work));
      outcome = await applyLifecycle(
        { store, shouldStop: () => ++calls % 3 === 0, groupTargetBytes: 64 * 1024 },
        run,
        saved,
      );
      invocations += 1;
    }
    expect(invocations).toBeGreaterThan(2);
    expect(outcome.result).toMatchObject({ rows: 600, counts: { new: 600 } });
    expect(await readCurrentTable(store)).toHaveLength(600);
    const states = await readAllStates(store);
    expect(states.size).toBe(600);
  });

  it('after a crash at any write, a rerun commits exactly the changes and state of one uninterrupted go', async () => {
    const e = estate();
    const prepare = async (store: ObjectStore) => {
      await apply(store, await storeDeliveredRun(store, 'vulns', T0 + DAY, e.day1));
      return storeDeliveredRun(store, 'vulns', T0 + 2 * DAY, [...e.day2, ...e.day4]);
    };
    const clean = await newStore();
    const cleanResult = await apply(clean, await prepare(clean));
    const expected = {
      changes: await changesOf(clean, cleanResult),
      states: orderFree(await readAllStates(clean)),
    };
    let crashAt = 1;
    for (; ; crashAt++) {
      const store = await newStore();
      const run = await prepare(store);
      const crashing = crashAfter(store, crashAt);
      const first = await applyLifecycle({ store: crashing.store, shouldStop: () => false }, run).catch(
        () => 'crashed',
      );
      if (first !== 'crashed') break; // no write left to crash at
      const result = await apply(store, run);
      expect(await changesOf(store, result), `crash at write ${crashAt}`).toEqual(expected.changes);
      expect(orderFree(await readAllStates(store)), `crash at write ${crashAt}`).toEqual(expected.states);
      await rm(store.location, { recursive: true, force: true });
    }
    expect(crashAt).toBeGreaterThan(8);
  });

  it.each(['a directory', 's3rver'])(
    'two deliveries applied at once (a vulns and a fixed run on the same host) lose no update, on %s',
    async (where) => {
      const e = estate();
      const sequential = await newStore();
      await apply(sequential, await storeDeliveredRun(sequential, 'vulns', T0 + DAY, e.day1));
      await apply(sequential, await storeDeliveredRun(sequential, 'vulns', T0 + 2 * DAY, e.day2));
      await apply(sequential, await storeDeliveredRun(sequential, 'fixed', T0 + 3 * DAY, e.fixed));

      const s3 = where === 's3rver' ? await startS3() : undefined;
      if (s3 !== undefined) closers.push(() => s3.close());
      // On s3rver the conditional PUT of the root is S3's own If-Match (412 to the loser).
      const store =
        s3 === undefined
          ? await newStore()
          : createS3Store({ client: s3.client(), bucket: s3.bucket, prefix: 'sc2aws' });
      await apply(store, await storeDeliveredRun(store, 'vulns', T0 + DAY, e.day1));
      const runs = [
        await storeDeliveredRun(store, 'vulns', T0 + 2 * DAY, e.day2),
        await storeDeliveredRun(store, 'fixed', T0 + 3 * DAY, e.fixed),
      ];
      const results = await Promise.all(runs.map((run) => apply(store, run)));
      expect(results.map((r) => r.generation).sort()).toEqual([2, 3]);
      expect(results[1]?.counts.fixed).toBe(1);
      expect(results.some((r) => r.redone > 0)).toBe(true);
      expect(orderFree(await readAllStates(store))).toEqual(orderFree(await readAllStates(sequential)));
      expect(currentOrderFree(await readCurrentTable(store))).toEqual(
        currentOrderFree(await readCurrentTable(sequential)),
      );
    },
  );

  it('refuses a findings part that is not what its manifest records, naming it, and leaves the state as it was', async () => {
    const store = await newStore();
    const run = await storeDeliveredRun(store, 'vulns', T0 + DAY, estate().day1);
    const part = run.parts[0]?.key as string;
    const upload = store.openUpload(part, 'application/gzip');
    upload.stream.end(gzipSync('{"finding_id":"not what the delivery wrote"}\n'));
    await upload.done();
    await expect(applyLifecycle({ store, shouldStop: () => false }, run)).rejects.toMatchObject({
      code: 'FINDINGS_MANIFEST_INVALID',
      message: expect.stringContaining(
        `Findings part ${store.uri(part)} is not what its run's manifest records`,
      ),
    });
    expect(await readRoot(store)).toBeUndefined();
    expect(await store.getText(CURRENT_LIST_KEY)).toBeUndefined();
  });

  it('gives up with STATE_CONFLICT, naming the root, when every commit loses to another delivery, and commits nothing', async () => {
    const store = await newStore();
    const run = await storeDeliveredRun(store, 'vulns', T0 + DAY, estate().day1);
    let refused = 0;
    // Another delivery moves the root just before each of this one's conditional PUTs.
    const contended: ObjectStore = {
      ...store,
      uri: (key) => store.uri(key),
      putText: async (key, body, options) => {
        if (key !== LIFECYCLE_ROOT_KEY) return store.putText(key, body, options);
        refused += 1;
        throw new StoreConflictError(store.uri(key));
      },
    };
    await expect(applyLifecycle({ store: contended, shouldStop: () => false }, run)).rejects.toMatchObject({
      code: 'STATE_CONFLICT',
      message: expect.stringContaining(store.uri(LIFECYCLE_ROOT_KEY)),
    });
    expect(refused).toBe(5);
    expect(await readRoot(store)).toBeUndefined();
    expect(await store.getText(CURRENT_LIST_KEY)).toBeUndefined();
  });

  it('says STATE_CORRUPT, naming the object and the rebuild, when the root does not parse', async () => {
    const store = await newStore();
    await store.putText(LIFECYCLE_ROOT_KEY, '{"lifecycleVersion":1}');
    const run = await storeDeliveredRun(store, 'vulns', T0 + DAY, estate().day1);
    await expect(applyLifecycle({ store, shouldStop: () => false }, run)).rejects.toMatchObject({
      code: 'STATE_CORRUPT',
      message: expect.stringMatching(
        new RegExp(`${store.uri(LIFECYCLE_ROOT_KEY)}.*sc2aws lifecycle rebuild`),
      ),
    });
  });

  it('keeps the current list whole: each commit names only its own files, and a reader still on the last list finds them all', async () => {
    const store = await newStore();
    const e = estate();
    const listOf = async () => (await store.getText(CURRENT_LIST_KEY))?.body.trim().split('\n') ?? [];
    const exists = async (uri: string) =>
      (await store.getText(uri.slice(store.location.length + 1))) !== undefined;
    await apply(store, await storeDeliveredRun(store, 'vulns', T0 + DAY, e.day1));
    const first = await listOf();
    const root = (await readRoot(store))?.root;
    expect(first).toHaveLength(Object.values(root?.objects ?? {}).filter((o) => o.current !== null).length);
    for (const uri of first) expect(uri.startsWith(store.location)).toBe(true);

    // A second commit rewrites the partitions of the hosts it holds: a new list, in one PUT.
    await apply(store, await storeDeliveredRun(store, 'vulns', T0 + 2 * DAY, e.day2));
    const second = await listOf();
    expect(second).not.toEqual(first);
    // A query that read the first list just before still finds every file it names.
    for (const uri of first) expect(await exists(uri), uri).toBe(true);

    // Two commits later, what the first list alone named is removed: nothing reads it any more.
    await apply(store, await storeDeliveredRun(store, 'fixed', T0 + 3 * DAY, e.fixed));
    await apply(store, await storeDeliveredRun(store, 'vulns', T0 + 4 * DAY, e.day4));
    const named = new Set([...(await listOf())]);
    const gone = first.filter((uri) => !named.has(uri) && !second.includes(uri));
    expect(gone.length).toBeGreaterThan(0);
    for (const uri of gone) expect(await exists(uri), uri).toBe(false);
    for (const uri of await listOf()) expect(await exists(uri), uri).toBe(true);
  });
});
