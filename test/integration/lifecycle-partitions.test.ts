import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { assetId } from '#lib/findings';
import {
  applyLifecycle,
  type FindingState,
  LIFECYCLE_ROOT_KEY,
  type LifecycleResult,
  type LifecycleRoot,
  type LifecycleRunInfo,
  readPartitionStates,
  readRoot,
} from '#lib/lifecycle';
import { createLocalStore, type ObjectStore } from '#lib/sink';
import { type RowSpec, readAllStates, readCurrentTable, scRow, storeDeliveredRun } from '#support/lifecycle';
import {
  encodeHost,
  encodePartition,
  hostCurrentLines,
  hostStates,
} from '../../lib/lifecycle/partition-file';
import { readPartition } from '../../lib/lifecycle/partition-objects';

const DAY = 86_400;
const T0 = 1_767_225_600; // 2026-01-01

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function newStore(): Promise<{ store: ObjectStore; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sc2aws-partitions-'));
  dirs.push(dir);
  return { store: createLocalStore(dir), dir };
}

async function apply(store: ObjectStore, run: LifecycleRunInfo): Promise<LifecycleResult> {
  const outcome = await applyLifecycle({ store, shouldStop: () => false }, run);
  if (outcome.status !== 'committed') throw new Error('expected the run to be committed in one go');
  return outcome.result;
}

const partitionOfHost = (host: number) =>
  Number.parseInt(assetId(scRow({ host, plugin: 1, lastSeen: T0 })).slice(0, 3), 16);
const assetOfHost = (host: number) => assetId(scRow({ host, plugin: 1, lastSeen: T0 }));

/** Three hosts whose findings share one partition (found by their asset_ids), and one elsewhere. */
function sharedPartition(): { hosts: [number, number, number]; other: number; partition: number } {
  const seen = new Map<number, number[]>();
  for (let host = 0; ; host++) {
    const p = partitionOfHost(host);
    const list = [...(seen.get(p) ?? []), host];
    seen.set(p, list);
    if (list.length === 3) {
      const other = [...seen.keys()].find((q) => q !== p) as number;
      return {
        hosts: list as [number, number, number],
        other: (seen.get(other) as number[])[0] as number,
        partition: p,
      };
    }
  }
}

const rowsOf = (hosts: readonly number[], lastSeen: number, extra: Partial<RowSpec> = {}): RowSpec[] =>
  hosts.flatMap((host) => [100, 101, 102].map((plugin) => ({ host, plugin, lastSeen, ...extra })));

/** Each host's member bytes in a partition: its states and its current rows. */
async function membersOf(store: ObjectStore, partition: number) {
  const objects = (await readRoot(store))?.root.objects[partition];
  if (objects === undefined) throw new Error(`partition ${partition} has no objects`);
  const content = await readPartition(store, partition, objects, { reads: 0, writes: 0 });
  return new Map(
    [...content.hosts.values()].map((h) => [
      h.assetId,
      { state: Buffer.from(h.state ?? []), current: Buffer.from(h.current ?? []) },
    ]),
  );
}

/** Rewrites one host's members of a partition at gzip level 9 (the lib writes level 1). */
async function recompress(store: ObjectStore, partition: number, asset: string): Promise<void> {
  const root = (await readRoot(store))?.root as LifecycleRoot;
  const objects = root.objects[partition];
  if (objects === undefined) throw new Error(`partition ${partition} has no objects`);
  const content = await readPartition(store, partition, objects, { reads: 0, writes: 0 });
  const host = content.hosts.get(asset);
  if (host === undefined) throw new Error(`no host ${asset}`);
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
  const states = hostStates(host, content.uri).map((s) => JSON.stringify(s));
  content.hosts.set(asset, {
    ...host,
    state: gzipSync(text(states), { level: 9 }),
    current: gzipSync(text(hostCurrentLines(host, content.uri)), { level: 9 }),
  });
  const encoded = encodePartition(partition, content.hosts.values());
  for (const [key, bytes] of [
    [objects.state, encoded.state],
    [objects.current as string, encoded.current as Buffer],
  ] as const) {
    const upload = store.openUpload(key, 'application/gzip');
    upload.stream.end(bytes);
    await upload.done();
  }
  const next = { ...root, objects: { ...root.objects, [partition]: { ...objects, index: encoded.index } } };
  await store.putText(LIFECYCLE_ROOT_KEY, JSON.stringify(next));
}

const byId = (states: Map<string, FindingState>) =>
  [...states.values()].sort((a, b) => (a.finding_id < b.finding_id ? -1 : 1));

describe('the lifecycle stores each partition host by host', () => {
  it('a run rewrites the members of the hosts it holds and copies the other hosts bytes as they are', async () => {
    const { store, dir } = await newStore();
    const { hosts, other, partition } = sharedPartition();
    const [a, b, c] = hosts;
    await apply(store, await storeDeliveredRun(store, 'vulns', T0 + DAY, rowsOf([a, b, c, other], T0 + DAY)));
    // Host b's members compressed at another level than the lib's: re-encoding them would change them.
    await recompress(store, partition, assetOfHost(b));
    const before = await membersOf(store, partition);
    expect([...before.keys()].sort()).toEqual([a, b, c].map(assetOfHost).sort());

    // Host a is scanned again with a new VPR; b and c are not in the run.
    const second = await apply(
      store,
      await storeDeliveredRun(store, 'vulns', T0 + 2 * DAY, rowsOf([a], T0 + 2 * DAY, { vpr: '9.9' })),
    );
    expect(second.counts.changed).toBe(3);
    const after = await membersOf(store, partition);
    for (const host of [b, c]) expect(after.get(assetOfHost(host))).toEqual(before.get(assetOfHost(host)));
    expect(after.get(assetOfHost(a))?.state).not.toEqual(before.get(assetOfHost(a))?.state);

    // The states and the current table hold every finding, read by the lib and by DuckDB.
    const states = await readAllStates(store);
    expect(states.size).toBe(12);
    const current = await readCurrentTable(store);
    expect(current.filter((r) => r.asset_id === assetOfHost(a)).map((r) => r.vpr_score)).toEqual([
      9.9, 9.9, 9.9,
    ]);
    const root = (await readRoot(store))?.root as LifecycleRoot;
    const file = join(dir, root.objects[partition]?.current as string);
    const instance = await DuckDBInstance.create(':memory:');
    try {
      const connection = await instance.connect();
      const reader = await connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT asset_id)::INTEGER AS hosts FROM read_json('${file}', format = 'newline_delimited', compression = 'gzip')`,
      );
      // Three hosts' members, one gzip stream: every row of each.
      expect(reader.getRowObjectsJS()).toEqual([{ n: 9, hosts: 3 }]);
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
  });

  it('reads a partition stored before the index, and writes it host by host at its first change, as if it never was', async () => {
    const { hosts, other, partition } = sharedPartition();
    const runs = async (store: ObjectStore) => ({
      day1: await storeDeliveredRun(store, 'vulns', T0 + DAY, rowsOf([...hosts, other], T0 + DAY)),
      day2: await storeDeliveredRun(
        store,
        'vulns',
        T0 + 2 * DAY,
        rowsOf([hosts[0]], T0 + 2 * DAY, { vpr: '9.9' }),
      ),
    });
    const { store: fresh } = await newStore();
    const freshRuns = await runs(fresh);
    await apply(fresh, freshRuns.day1);
    const freshChanges = await apply(fresh, freshRuns.day2);

    const { store: old } = await newStore();
    const oldRuns = await runs(old);
    await apply(old, oldRuns.day1);
    // Rewrite every partition as one JSON document, and its root entry without an index.
    const loaded = (await readRoot(old))?.root as LifecycleRoot;
    for (const [p, objects] of Object.entries(loaded.objects)) {
      const states = await readPartitionStates(old, Number(p), objects, { reads: 0, writes: 0 });
      const doc = JSON.stringify({ lifecycleVersion: 1, partition: Number(p), findings: states });
      const upload = old.openUpload(objects.state, 'application/gzip');
      upload.stream.end(gzipSync(doc));
      await upload.done();
      delete objects.index;
    }
    await old.putText(LIFECYCLE_ROOT_KEY, JSON.stringify(loaded));
    expect(byId(await readAllStates(old)).length).toBe(12);

    const oldChanges = await apply(old, oldRuns.day2);
    expect(oldChanges.counts).toEqual(freshChanges.counts);
    expect(byId(await readAllStates(old))).toEqual(byId(await readAllStates(fresh)));
    const sorted = (rows: Record<string, unknown>[]) =>
      rows.sort((x, y) => ((x.finding_id as string) < (y.finding_id as string) ? -1 : 1));
    expect(sorted(await readCurrentTable(old))).toEqual(sorted(await readCurrentTable(fresh)));
    const root = (await readRoot(old))?.root as LifecycleRoot;
    expect(root.objects[partition]?.index).toBeGreaterThan(0);
    expect(root.objects[partitionOfHost(other)]?.index).toBeUndefined();
  });

  it('says STATE_CORRUPT, naming the object and the host, when a member a run reads does not parse', async () => {
    const { store } = await newStore();
    const { hosts, partition } = sharedPartition();
    await apply(store, await storeDeliveredRun(store, 'vulns', T0 + DAY, rowsOf(hosts, T0 + DAY)));
    const root = (await readRoot(store))?.root as LifecycleRoot;
    const objects = root.objects[partition];
    if (objects === undefined) throw new Error('no partition');
    const content = await readPartition(store, partition, objects, { reads: 0, writes: 0 });
    const victim = assetOfHost(hosts[1]);
    const host = content.hosts.get(victim);
    if (host === undefined) throw new Error('no host');
    const states = hostStates(host, content.uri).map(
      (s) => ({ ...s, state: 'lost' }) as unknown as FindingState,
    );
    content.hosts.set(victim, encodeHost(victim, states, hostCurrentLines(host, content.uri)));
    const encoded = encodePartition(partition, content.hosts.values());
    const upload = store.openUpload(objects.state, 'application/gzip');
    upload.stream.end(encoded.state);
    await upload.done();
    await store.putText(
      LIFECYCLE_ROOT_KEY,
      JSON.stringify({
        ...root,
        objects: { ...root.objects, [partition]: { ...objects, index: encoded.index } },
      }),
    );

    // A run of another host of the partition copies the bad member unread; one of the victim reads it.
    await apply(
      store,
      await storeDeliveredRun(store, 'vulns', T0 + 2 * DAY, rowsOf([hosts[0]], T0 + 2 * DAY)),
    );
    const run = await storeDeliveredRun(store, 'vulns', T0 + 3 * DAY, rowsOf([hosts[1]], T0 + 3 * DAY));
    const latest = (await readRoot(store))?.root.objects[partition]?.state as string;
    await expect(applyLifecycle({ store, shouldStop: () => false }, run)).rejects.toMatchObject({
      code: 'STATE_CORRUPT',
      message: expect.stringMatching(
        new RegExp(`${store.uri(latest)}.*host ${victim}.*sc2aws lifecycle rebuild`),
      ),
    });
  });
});
