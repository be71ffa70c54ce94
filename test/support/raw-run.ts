import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import type { DeliveryDeps } from '#lib/delivery';
import type { Sc2awsEvent } from '#lib/events';
import {
  createLocalStore,
  manifestKey,
  type ObjectStore,
  PartWriter,
  partKey,
  type RunManifest,
  runPrefix,
  totalsOf,
} from '#lib/sink';
import { type ExportHarness, exportHarness } from './export-harness';

export const RAW_RUN_ID = '20251123T000000Z-c0ffee00';
export const RAW_PREFIX = runPrefix('raw', 'vulns', '2025-11-23', RAW_RUN_ID);
export const ROWS_PER_PART = 120;
/** The raw run's window end (2025-11-23T00:00:00Z). */
const WINDOW_END = 1_763_856_000;
export const PARTS = 7;

/**
 * A raw run of seven parts that holds every kind of repeat the dedupe must settle: across parts
 * with the newer copy later and earlier, with equal times (the later copy wins), inside one part,
 * a part made only of losing copies (the prune removes it), and rows that are rejected.
 */
export async function writeRawRun(h: ExportHarness, store: ObjectStore): Promise<string> {
  // Last seen within the window's last three days: the OCSF phase writes one file per part and
  // event day, and the simulator's own spread of days made hundreds of files for 840 rows.
  const row = (i: number) => ({
    ...(h.sim.dataset.rowAt('cumulative', i) as unknown as Record<string, unknown>),
    lastSeen: String(WINDOW_END - 3600 - (i % 3) * 86_400),
  });
  const older = (r: Record<string, unknown>, days: number) => ({
    ...r,
    lastSeen: String(Number(r.lastSeen) - days * 86400),
    pluginName: `older copy (${days} d)`,
  });
  const parts: string[][] = [];
  for (let p = 0; p < PARTS; p++) {
    const lines: string[] = [];
    for (let i = 0; i < ROWS_PER_PART; i++) lines.push(JSON.stringify(row(p * ROWS_PER_PART + i)));
    parts.push(lines);
  }
  // Part 1 repeats ten rows of part 0 one day older: part 0's copies win.
  for (let i = 0; i < 10; i++) parts[1]?.push(JSON.stringify(older(row(i), 1)));
  // Part 0 has older copies of ten rows of part 3: part 3's copies win.
  for (let i = 0; i < 10; i++) parts[0]?.push(JSON.stringify(older(row(3 * ROWS_PER_PART + i), 2)));
  // Equal times: the later occurrence (part 5) wins; its copy is marked so the test can tell.
  for (let i = 0; i < 5; i++)
    parts[5]?.push(JSON.stringify({ ...row(2 * ROWS_PER_PART + i), pluginName: 'same time, later copy' }));
  // Inside one part.
  parts[4]?.push(JSON.stringify(older(row(4 * ROWS_PER_PART + 7), 3)));
  // Rejected rows.
  parts[2]?.push('not json', JSON.stringify({ ...row(11), ip: undefined }));
  // A last part made only of losing copies.
  parts.push(Array.from({ length: 6 }, (_, i) => JSON.stringify(older(row(6 * ROWS_PER_PART + i), 5))));

  const writer = new PartWriter(store, (i) => partKey(RAW_PREFIX, i), { partSizeBytes: 1 << 30 });
  for (const lines of parts) {
    await writer.write(lines);
    await writer.finishPart();
  }
  const manifest: RunManifest = {
    manifestVersion: 1,
    kind: 'raw',
    dataset: 'vulns',
    runId: RAW_RUN_ID,
    window: {
      field: 'lastSeen',
      start: 0,
      end: WINDOW_END,
      startIso: '1970-01-01T00:00:00.000Z',
      endIso: '2025-11-23T00:00:00.000Z',
    },
    sc: { host: 'sc.example.com', version: '6.4.0' },
    parts: writer.completed,
    totals: totalsOf(writer.completed),
    createdAt: '2025-11-23T00:00:01.000Z',
  };
  await store.putText(manifestKey(RAW_PREFIX), JSON.stringify(manifest));
  return manifestKey(RAW_PREFIX);
}

/**
 * Every file under `dir`, by path, with its bytes. A committed list names its parts by their full
 * address, which holds the output directory: that part of it is written as `<out>`.
 */
export async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    const name = relative(dir, path);
    files.set(
      name,
      name.includes('/committed/') ? Buffer.from(bytes.toString().replaceAll(dir, '<out>')) : bytes,
    );
  }
  return files;
}

export function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [path, bytes] of a) expect(b.get(path)?.equals(bytes), path).toBe(true);
}

/** A delivery's output: a fresh local store in a temp directory, and the events it published. */
export interface DeliveryOutput {
  dir: string;
  store: ObjectStore;
  events: Sc2awsEvent[];
}

/** The raw run of {@link writeRawRun} in a temp directory, and fresh outputs to deliver it to. */
export interface RawRunBench {
  source: ObjectStore;
  rawKey: string;
  output(): Promise<DeliveryOutput>;
  /** Delivery dependencies that read the raw run and write to `out`; `extra` overrides them. */
  depsFor(out: DeliveryOutput, extra?: Partial<DeliveryDeps>): DeliveryDeps;
  close(): Promise<void>;
}

export async function startRawRunBench(): Promise<RawRunBench> {
  const h = await exportHarness({ store: 'local' });
  const rawDir = await mkdtemp(join(tmpdir(), 'sc2aws-raw-'));
  const outDirs: string[] = [];
  const source = createLocalStore(rawDir);
  const rawKey = await writeRawRun(h, source);
  return {
    source,
    rawKey,
    async output() {
      const dir = await mkdtemp(join(tmpdir(), 'sc2aws-findings-'));
      outDirs.push(dir);
      return { dir, store: createLocalStore(dir), events: [] };
    },
    depsFor: (out, extra = {}) => ({
      store: out.store,
      source,
      events: { publish: async (e) => void out.events.push(e) },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      ...extra,
    }),
    async close() {
      await h.close();
      for (const dir of [rawDir, ...outDirs]) await rm(dir, { recursive: true, force: true });
    },
  };
}
