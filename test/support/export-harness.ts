import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import type { Sc2awsEvent } from '#lib/events';
import {
  type Dataset,
  type ExportDeps,
  type ExportSettings,
  type ExportState,
  exportSettings,
  exportStateSchema,
} from '#lib/export';
import { noMetrics } from '#lib/metrics';
import { consolePrefix, DEFAULT_CONSOLE_ID } from '#lib/product';
import { ScApiKeys } from '#lib/secrets';
import {
  createLocalStore,
  createS3Store,
  type ObjectStore,
  partsInStore,
  type RunManifest,
  runManifestSchema,
  stateKey,
} from '#lib/sink';
import { ScClient } from '#lib/tenable';
import { type SimulatorHandle, type SimulatorOptions, startSimulator } from '#sim';
import { DATASET_SPECS, datasetQuery } from '../../lib/export/datasets';
import { nextWindow } from '../../lib/export/window';
import { type LocalS3, startS3 } from './s3';

export interface ExportHarness {
  sim: SimulatorHandle;
  store: ObjectStore;
  events: Sc2awsEvent[];
  /** Simulated wall clock, epoch ms; shared by the simulator and the export. */
  clock: { now: number };
  deps(overrides?: Partial<ExportDeps>): ExportDeps;
  settings(overrides?: Partial<ExportSettings>): ExportSettings;
  state(dataset: Dataset): Promise<ExportState | undefined>;
  /** Rows SC holds for the window the next run of `dataset` would pull. */
  expectedIdentities(
    dataset: Dataset,
    window: { start: number; end: number },
    severityFloor?: number,
  ): Set<string>;
  close(): Promise<void>;
  s3?: LocalS3;
}

/** The identity the simulator and the exporter agree on: repository, ip, port, protocol, plugin. */
export function simIdentity(row: Record<string, unknown>): string {
  const repo = (row.repository as { id?: unknown } | undefined)?.id;
  return `${String(repo)}|${row.ip}|${row.port}|${row.protocol}|${row.pluginID}`;
}

/** Starts the simulator and a store (a temp directory, or s3rver) and wires an export to them. */
/** The data prefix the S3 harness stands for (its DATA_PREFIX), and the key prefix of its console's store. */
export const HARNESS_DATA_PREFIX = 'sc2aws';
export const HARNESS_STORE_PREFIX = consolePrefix(HARNESS_DATA_PREFIX, DEFAULT_CONSOLE_ID);

export async function exportHarness(
  options: { sim?: SimulatorOptions; store?: 'local' | 's3' } = {},
): Promise<ExportHarness> {
  const clock = { now: Date.now() };
  const sim = await startSimulator({
    seed: 11,
    vulnCount: 3000,
    fixedCount: 400,
    hostCount: 80,
    now: () => clock.now,
    ...options.sim,
  });
  let s3: LocalS3 | undefined;
  let dir: string | undefined;
  let store: ObjectStore;
  if (options.store === 's3') {
    s3 = await startS3();
    store = createS3Store({
      client: s3.client(),
      bucket: s3.bucket,
      prefix: HARNESS_STORE_PREFIX,
    });
  } else {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-export-'));
    store = createLocalStore(dir);
  }
  const events: Sc2awsEvent[] = [];
  const clients: ScClient[] = [];
  const harness: ExportHarness = {
    sim,
    store,
    events,
    clock,
    deps(overrides = {}) {
      const sc = new ScClient({
        url: sim.url,
        keys: ScApiKeys.fromParts(sim.keys.accessKey, sim.keys.secretKey),
        ca: sim.caPem,
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      });
      clients.push(sc);
      return {
        sc,
        store,
        events: { publish: async (event) => void events.push(event) },
        metrics: noMetrics,
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        clock: () => clock.now,
        remainingMs: () => Number.POSITIVE_INFINITY,
        owner: 'test-invocation',
        ...overrides,
      };
    },
    settings(overrides = {}) {
      return {
        ...exportSettings({
          severityFloor: 1,
          pageSize: 500,
          overlapSeconds: 3600,
          lookbackSeconds: 30 * 86400,
          partSizeBytes: 64 * 1024 * 1024,
          timeGuardMs: 1000,
          maxInvocations: 24,
        }),
        ...overrides,
      };
    },
    async state(dataset) {
      const stored = await store.getText(stateKey(dataset));
      return stored === undefined ? undefined : exportStateSchema.parse(JSON.parse(stored.body));
    },
    expectedIdentities(dataset, window, severityFloor = 1) {
      const spec = DATASET_SPECS[dataset];
      const q = datasetQuery(spec, window, { severityFloor });
      const ids = new Set<string>();
      for (const row of sim.dataset.rowsMatching({
        sourceType: spec.sourceType,
        filters: q.filters as never,
        sortField: spec.timeField,
        sortDir: 'ASC',
      })) {
        ids.add(simIdentity(row as unknown as Record<string, unknown>));
      }
      return ids;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await sim.close();
      await s3?.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
    ...(s3 === undefined ? {} : { s3 }),
  };
  return harness;
}

/** The first window a dataset gets with the harness settings. */
export function firstWindow(h: ExportHarness, settings: ExportSettings): { start: number; end: number } {
  return nextWindow(
    undefined,
    Math.floor(h.clock.now / 1000),
    settings.overlapSeconds,
    settings.lookbackSeconds,
  );
}

/** Reads a run back: its manifest, and every part decompressed with its sha256 checked. */
export async function readRun(
  store: ObjectStore,
  manifestKeyOrUri: string,
): Promise<{ manifest: RunManifest; rows: Record<string, unknown>[] }> {
  const key = manifestKeyOrUri.replace(/^.*?(raw|findings)\//, '$1/');
  const stored = await store.getText(key);
  if (stored === undefined) throw new Error(`no manifest at ${key}`);
  const manifest = runManifestSchema.parse(JSON.parse(stored.body));
  const inStore = partsInStore(store, manifest);
  if ('outside' in inStore) throw new Error(`part ${inStore.outside} of ${key} is outside the store`);
  const rows: Record<string, unknown>[] = [];
  for (const part of inStore.parts) {
    const raw = Buffer.from(
      await (await store.getStream(part.key)).toArray().then((c) => Buffer.concat(c as Buffer[])),
    );
    const sha = createHash('sha256').update(raw).digest('hex');
    if (sha !== part.sha256) throw new Error(`sha256 mismatch on ${part.key}`);
    const lines = (await text((await store.getStream(part.key)).pipe(createGunzip())))
      .split('\n')
      .filter((l) => l !== '');
    if (lines.length !== part.rows) throw new Error(`row count mismatch on ${part.key}`);
    for (const line of lines) rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  return { manifest, rows };
}
