/**
 * One delivered run applied to the finding lifecycle: its rows, partition by partition, into the
 * state, the current rows and a change run; then one conditional PUT of the root commits all of it.
 *
 * Work is proportional to the run: only the partitions of the hosts in the run are read and
 * written, and within them only the members of those hosts are decoded and encoded again (memory:
 * one group of the run's rows and the partitions in flight). Objects are
 * copy-on-write under keys named by the run, so until the root moves nothing a reader or another
 * delivery sees has changed; a crash anywhere before it leaves the old state whole, and the rerun
 * computes the same objects again. Another delivery that commits first (a `fixed` run beside a
 * `vulns` run) makes this one apply again only the groups whose partitions it changed.
 */
import { createHash } from 'node:crypto';
import type { DeliveredFinding } from '#lib/findings';
import type { RunWindow } from '#lib/product';
import { type ObjectStore, type PartInfo, partKey } from '#lib/sink';
import { GROUP_TARGET_BYTES, PARTITION_CONCURRENCY, PARTITION_HEX_DIGITS, PARTITIONS } from './constants';
import { changesRunPrefix, currentPartKey, partitionStateKey, routedKey } from './layout';
import { applyToPartition, type DeliveredLine, findingIdOfLine } from './partition-apply';
import { encodeHost, encodePartition, hostCurrentLines, hostStates } from './partition-file';
import {
  readPartition,
  readPartLines,
  readPlainLines,
  writeGzip,
  writePartition,
  writePlain,
} from './partition-objects';
import { type ChangeCounts, type LifecycleRoot, zeroCounts } from './schema';
import type { LifecycleWork } from './work';

/** The delivered run, as the lifecycle needs it. */
export interface LifecycleRunInfo {
  dataset: 'vulns' | 'fixed';
  runId: string;
  dt: string;
  window: RunWindow;
  createdAt: string;
  /** The findings run's manifest key. */
  source: string;
  /** Its committed findings parts. */
  parts: readonly PartInfo[];
}

const ASSET_ID_AT = '{"finding_id":"'.length + 32 + '","asset_id":"'.length;

/** The partition of a delivered line: the first hex digits of its asset_id. */
export function partitionOfLine(line: string): number {
  const partition = Number.parseInt(line.slice(ASSET_ID_AT, ASSET_ID_AT + PARTITION_HEX_DIGITS), 16);
  if (Number.isNaN(partition))
    throw new Error('a delivered line does not start with finding_id and asset_id');
  return partition;
}

/** The group of a partition: groups are runs of neighbouring partitions. */
function groupOf(partition: number, groups: number): number {
  return Math.floor((partition * groups) / PARTITIONS);
}

/** A new run's work: one group when its rows fit in memory, else as many as it needs. */
export function startWork(run: LifecycleRunInfo, groupTargetBytes = GROUP_TARGET_BYTES): LifecycleWork {
  const bytes = run.parts.reduce((sum, p) => sum + p.uncompressedBytes, 0);
  const groups = Math.min(PARTITIONS, Math.max(1, Math.ceil(bytes / groupTargetBytes)));
  return {
    step: groups > 1 ? 'route' : 'apply',
    next: 0,
    groups,
    routed: groups > 1 ? Array.from({ length: groups }, () => []) : [],
    baseline: false,
    written: {},
    applied: {},
    redone: 0,
    io: { reads: 0, writes: 0 },
  };
}

export interface ApplyContext {
  store: ObjectStore;
  shouldStop: () => boolean;
}

/** Sum of the applied groups' counts. */
export function totalsOfWork(work: LifecycleWork): {
  counts: ChangeCounts;
  unchanged: number;
  parts: PartInfo[];
} {
  const counts = zeroCounts();
  let unchanged = 0;
  const parts: PartInfo[] = [];
  const groups = Object.keys(work.applied)
    .map(Number)
    .sort((a, b) => a - b);
  for (const g of groups) {
    const applied = work.applied[g];
    if (applied === undefined) continue;
    for (const [type, n] of Object.entries(applied.counts)) counts[type as keyof ChangeCounts] += n;
    unchanged += applied.unchanged;
    if (applied.part !== null) parts.push(applied.part);
  }
  return { counts, unchanged, parts };
}

/**
 * Routes and applies the run's rows (the `route` and `apply` steps); true once every group is
 * applied against `root`, false when it stopped early (`work` says where to continue).
 */
export async function applyRun(
  ctx: ApplyContext,
  run: LifecycleRunInfo,
  work: LifecycleWork,
  root: LifecycleRoot | undefined,
  groups?: readonly number[],
): Promise<boolean> {
  if (work.step === 'route') {
    for (; work.next < run.parts.length; work.next++) {
      if (ctx.shouldStop()) return false;
      await routePart(ctx.store, run, work, work.next);
    }
    work.step = 'apply';
    work.next = 0;
  }
  const todo = groups ?? Array.from({ length: work.groups }, (_, g) => g).slice(work.next);
  for (const g of todo) {
    if (ctx.shouldStop()) return false;
    await applyGroup(ctx.store, run, work, root, g);
    if (groups === undefined) work.next = g + 1;
  }
  if (groups === undefined) work.step = 'commit';
  return true;
}

/** Sorts one findings part's lines into its groups' work objects. */
async function routePart(store: ObjectStore, run: LifecycleRunInfo, work: LifecycleWork, index: number) {
  const lines = await readPartLines(store, run.parts[index] as PartInfo, work.io);
  const byGroup = new Map<number, string[]>();
  for (const line of lines) {
    const g = groupOf(partitionOfLine(line), work.groups);
    const list = byGroup.get(g);
    if (list === undefined) byGroup.set(g, [line]);
    else list.push(line);
  }
  for (const [g, list] of byGroup) {
    const text = list.map((l) => `${l}\n`).join('');
    await writePlain(store, routedKey(run.runId, g, index), text, work.io);
    const routed = work.routed[g] as number[];
    if (!routed.includes(index)) routed.push(index);
  }
}

/** The run's lines of one group. */
async function groupLines(store: ObjectStore, run: LifecycleRunInfo, work: LifecycleWork, g: number) {
  if (work.groups === 1) {
    const all: string[] = [];
    for (const part of run.parts)
      for (const line of await readPartLines(store, part, work.io)) all.push(line);
    return all;
  }
  const lines: string[] = [];
  for (const index of work.routed[g] ?? [])
    for (const line of await readPlainLines(store, routedKey(run.runId, g, index), work.io)) lines.push(line);
  return lines;
}

/** One partition's share of a group: its changes (in finding_id order) and counts. */
interface PartitionResult {
  changes: string[];
  counts: ChangeCounts;
  unchanged: number;
}

/**
 * Applies the run's rows of one partition, host by host, and writes its objects (none when nothing
 * changed). Only the hosts with rows in the run are inflated and parsed; the others' members are
 * copied as they are.
 */
async function applyPartition(
  store: ObjectStore,
  run: LifecycleRunInfo,
  work: LifecycleWork,
  root: LifecycleRoot | undefined,
  partition: number,
  lines: readonly string[],
): Promise<PartitionResult> {
  const base = root?.objects[partition];
  const content =
    base === undefined
      ? { uri: store.uri(partitionStateKey(partition, run.dataset, run.runId)), hosts: new Map() }
      : await readPartition(store, partition, base, work.io);
  const byHost = new Map<string, DeliveredLine[]>();
  for (const line of lines) {
    const row = JSON.parse(line) as DeliveredFinding;
    const list = byHost.get(row.asset_id);
    if (list === undefined) byHost.set(row.asset_id, [{ row, line }]);
    else list.push({ row, line });
  }
  const result: PartitionResult = { changes: [], counts: zeroCounts(), unchanged: 0 };
  let touched = false;
  for (const [assetId, rows] of byHost) {
    const host = content.hosts.get(assetId);
    const states = host === undefined ? [] : hostStates(host, content.uri);
    const current =
      host === undefined
        ? new Map<string, string>()
        : new Map(hostCurrentLines(host, content.uri).map((l) => [findingIdOfLine(l), l]));
    const out = applyToPartition({ states, current, rows, baseline: work.baseline });
    for (const [type, n] of Object.entries(out.counts)) result.counts[type as keyof ChangeCounts] += n;
    result.unchanged += out.unchanged;
    for (const line of out.changes) result.changes.push(line);
    if (!out.touched) continue;
    touched = true;
    content.hosts.set(assetId, encodeHost(assetId, out.states, out.current));
  }
  // In finding_id order, as one partition's changes always were (each line starts with it).
  result.changes.sort();
  // An untouched partition is kept with its base: should another delivery change it first, it is applied again.
  let written: LifecycleWork['written'][string] = {
    base: base?.state ?? null,
    state: null,
    current: null,
    findings: 0,
    open: 0,
  };
  if (touched) {
    const encoded = encodePartition(partition, content.hosts.values());
    const keys = {
      state: partitionStateKey(partition, run.dataset, run.runId),
      current: currentPartKey(partition, run.dataset, run.runId),
    };
    await writePartition(store, keys, encoded, work.io);
    written = {
      ...written,
      state: keys.state,
      current: encoded.current === null ? null : keys.current,
      findings: encoded.findings,
      open: encoded.open,
      index: encoded.index,
    };
  }
  work.written[partition] = written;
  return result;
}

/**
 * Applies one group: its partitions with rows in the run, {@link PARTITION_CONCURRENCY} at a time
 * (each is a few small object reads and writes: S3's latency, not the CPU, sets the pace), then the
 * group's change part, in partition order whatever order they finished in.
 */
async function applyGroup(
  store: ObjectStore,
  run: LifecycleRunInfo,
  work: LifecycleWork,
  root: LifecycleRoot | undefined,
  g: number,
): Promise<void> {
  const byPartition = new Map<number, string[]>();
  for (const line of await groupLines(store, run, work, g)) {
    const partition = partitionOfLine(line);
    const list = byPartition.get(partition);
    if (list === undefined) byPartition.set(partition, [line]);
    else list.push(line);
  }
  const partitions = [...byPartition.keys()].sort((a, b) => a - b);
  const results: PartitionResult[] = new Array(partitions.length);
  let next = 0;
  const worker = async () => {
    while (next < partitions.length) {
      const i = next++;
      const partition = partitions[i] as number;
      results[i] = await applyPartition(store, run, work, root, partition, byPartition.get(partition) ?? []);
      byPartition.delete(partition);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARTITION_CONCURRENCY, partitions.length) }, worker));
  const counts = zeroCounts();
  let unchanged = 0;
  const changes: string[] = [];
  for (const result of results) {
    for (const [type, n] of Object.entries(result.counts)) counts[type as keyof ChangeCounts] += n;
    unchanged += result.unchanged;
    // One by one: a spread of a very large partition's changes would overflow the call stack.
    for (const line of result.changes) changes.push(line);
  }
  let part: PartInfo | null = null;
  if (changes.length > 0) {
    const key = partKey(changesRunPrefix(run.dt, run.runId), g);
    const text = changes.map((l) => `${l}\n`).join('');
    const bytes = await writeGzip(store, key, text, work.io);
    part = {
      key,
      rows: changes.length,
      bytes: bytes.byteLength,
      uncompressedBytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  }
  work.applied[g] = { part, counts, unchanged };
}

/** Groups whose partitions another commit changed since this run applied them. */
export function staleGroups(work: LifecycleWork, root: LifecycleRoot | undefined): number[] {
  const stale = new Set<number>();
  for (const [p, written] of Object.entries(work.written)) {
    if ((root?.objects[p]?.state ?? null) !== written.base) stale.add(groupOf(Number(p), work.groups));
  }
  return [...stale].sort((a, b) => a - b);
}
