import { createHash } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'vitest';
import { type DeliveryResult, deliveryRequestOf } from '#lib/delivery';
import { createEventPublisher, type EventPublisher } from '#lib/events';
import {
  type DatasetOutcome,
  type ExportSettings,
  type ExportState,
  type ExportWindow,
  exportDataset,
} from '#lib/export';
import { createNormalizeContext, normalizeRow } from '#lib/findings';
import { consolePrefix, DEFAULT_CONSOLE_ID } from '#lib/product';
import { type ApiKeySource, createApiKeySource } from '#lib/secrets';
import {
  createS3Store,
  manifestKey,
  type ObjectStore,
  type ObjectUpload,
  type PartInfo,
  partsInStore,
  runManifestSchema,
  runPrefix,
} from '#lib/sink';
import { type AttemptInfo, ScClient, type ScClientOptions } from '#lib/tenable';
import { deliverFully } from '#support/delivery';
import { type ExportHarness, exportHarness, readRun, simIdentity } from '#support/export-harness';
import { fakeSecretsManager, SECRET_ARN } from '#support/fake-secrets-manager';
import { recordingLogger } from '#support/log-recorder';
import { sdkRetriesWithoutBackoff } from '#support/sdk-retries';
import { DATASET_SPECS, datasetQuery } from '../../../lib/export/datasets';
import { LEASE_SECONDS, pageOverlapFor } from '../../../lib/export/settings';
import { nextWindow, partitionDate, runIdFor } from '../../../lib/export/window';
import { injectS3Faults, type S3Faults } from './s3-faults';
import { type SecretsEndpoint, startSecretsEndpoint } from './secrets-endpoint';

const DAY_MS = 86_400_000;
const PREFIX = 'sc2aws';
/** Rows per SC page: small, so a run spans enough pages and parts for faults to land mid-run. */
export const PAGE_SIZE = 50;
const DELIVERY = { pluginOutputMaxBytes: 8192 };

/** The error a killed invocation "throws": not one of ours, a kill has no message for anyone. */
export class InvocationKilled extends Error {
  override name = 'InvocationKilled';
}

/**
 * Kills the invocation between parts: from the chosen moment on, nothing it writes reaches the
 * store (not even the lease release in its failure path), exactly as if the process died there.
 */
export interface KillSwitch {
  /**
   * `while-writing-part`: the part after `parts` stored parts never completes.
   * `before-cursor-saved`: part number `parts` is stored, but the state that lists it is not.
   */
  arm(moment: 'while-writing-part' | 'before-cursor-saved', parts: number): void;
  /** A new process: writes work again. */
  revive(): void;
}

function killable(inner: ObjectStore): { store: ObjectStore; kill: KillSwitch } {
  let armed: { moment: 'while-writing-part' | 'before-cursor-saved'; parts: number } | undefined;
  let partsStored = 0;
  let dead = false;
  const die = () => {
    dead = true;
    return new InvocationKilled('the invocation was killed');
  };
  const isRawPart = (key: string) => key.startsWith('raw/') && key.includes('/part-');
  const store: ObjectStore = {
    location: inner.location,
    uri: (key) => inner.uri(key),
    bucket: inner.bucket,
    bucketKey: (key) => inner.bucketKey(key),
    keyOf: (key) => inner.keyOf(key),
    getText: (key) => inner.getText(key),
    getStream: (key) => inner.getStream(key),
    async putText(key, body, options) {
      if (dead) throw die();
      if (armed?.moment === 'before-cursor-saved' && partsStored >= armed.parts && key.startsWith('state/'))
        throw die();
      return inner.putText(key, body, options);
    },
    openUpload(key, contentType): ObjectUpload {
      const upload = inner.openUpload(key, contentType);
      const doomed =
        dead || (armed?.moment === 'while-writing-part' && isRawPart(key) && partsStored >= armed.parts);
      return {
        stream: upload.stream,
        abort: () => upload.abort(),
        async done() {
          if (doomed) {
            await upload.abort();
            throw die();
          }
          await upload.done();
          if (isRawPart(key)) partsStored += 1;
        },
      };
    },
    async delete(key) {
      if (dead) throw die();
      await inner.delete(key);
    },
  };
  return {
    store,
    kill: {
      arm: (moment, parts) => {
        armed = { moment, parts };
        partsStored = 0;
      },
      revive: () => {
        armed = undefined;
        dead = false;
      },
    },
  };
}

export interface WorldOptions {
  /** `endpoint`: Secrets Manager over HTTP through the real SDK (retries included). */
  secrets?: 'fake' | 'endpoint';
  /** SC client overrides (timeouts, attempts). */
  sc?: Pick<ScClientOptions, 'timeouts'> & { maxAttempts?: number };
}

export interface ExportInvocation {
  outcome?: DatasetOutcome;
  error?: unknown;
}

export interface InvokeOptions {
  owner: string;
  remainingMs?: () => number;
  /** Called after each stored page, with the page count of this invocation. */
  onPage?: (pages: number) => void;
}

const header = (k: { accessKey: string; secretKey: string }) =>
  `accesskey=${k.accessKey}; secretkey=${k.secretKey};`;

/**
 * The whole pipeline over the simulator and s3rver, as the Lambdas wire it: pull-analysis
 * (exportDataset with an SC client whose keys come from Secrets Manager and are refreshed on
 * rejection), EventBridge through the real publisher (PutEvents mocked, failures injectable),
 * forward-results (deliverRun) triggered by the "Export Completed" events EventBridge accepted.
 * One earlier run has completed, so there is a checkpoint to keep.
 */
export class PipelineWorld {
  readonly clock: { now: number };
  readonly store: ObjectStore;
  readonly s3Faults: S3Faults;
  readonly kill: KillSwitch;
  readonly settings: ExportSettings;
  readonly logger = recordingLogger();
  readonly metrics: { name: string; value: number }[] = [];
  /** Every SC exchange: outcome and error code. */
  readonly scAttempts: AttemptInfo[] = [];
  /** Waits the SC client chose between attempts (recorded, not slept). */
  readonly scWaits: number[] = [];
  readonly eventBridge = {
    /** PutEvents calls still to answer with every entry failed (FailedEntryCount > 0). */
    failingCalls: 0,
    calls: 0,
    accepted: [] as { detailType: string; detail: Record<string, unknown> }[],
  };
  /** Raw manifests whose findings were delivered. */
  readonly delivered: DeliveryResult[] = [];
  readonly events: EventPublisher;
  keySource!: ApiKeySource;
  secrets: ReturnType<typeof fakeSecretsManager> | undefined;
  secretsEndpoint: SecretsEndpoint | undefined;
  /** The window the run under test pulls, and what SC holds for it (sim identity → finding_id). */
  window!: ExportWindow;
  expected!: Map<string, string>;
  checkpointBefore: ExportState['checkpoint'];
  /** s3rver's bucket, read without faults (what consumers and their tables see). */
  readonly bucket: { client: S3Client; bucket: string };
  private readonly eb = mockClient(EventBridgeClient);

  private constructor(
    readonly h: ExportHarness,
    private readonly options: WorldOptions,
  ) {
    this.clock = h.clock;
    // The faulted client retries as the Lambda's does, without sleeping through the SDK's backoff.
    const client = h.s3?.client({ retryStrategy: sdkRetriesWithoutBackoff() });
    if (client === undefined || h.s3 === undefined) throw new Error('the pipeline world needs s3rver');
    this.s3Faults = injectS3Faults(client);
    this.bucket = { client: h.s3.client(), bucket: h.s3.bucket };
    const killableStore = killable(
      createS3Store({ client, bucket: h.s3.bucket, prefix: consolePrefix(PREFIX, DEFAULT_CONSOLE_ID) }),
    );
    this.store = killableStore.store;
    this.kill = killableStore.kill;
    this.settings = h.settings({
      pageSize: PAGE_SIZE,
      pageOverlapRows: pageOverlapFor(PAGE_SIZE),
      // Seven parts in the run under test (275 rows): enough for faults on its third part, few
      // enough that each case's S3 traffic stays small (16 KiB parts made 26 of them).
      partSizeBytes: 64 * 1024,
    });
    this.eb.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
      const entries = input.Entries ?? [];
      this.eventBridge.calls += 1;
      if (this.eventBridge.failingCalls > 0) {
        this.eventBridge.failingCalls -= 1;
        return {
          FailedEntryCount: entries.length,
          Entries: entries.map(() => ({ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' })),
        };
      }
      for (const e of entries)
        this.eventBridge.accepted.push({
          detailType: e.DetailType ?? '',
          detail: JSON.parse(e.Detail ?? '{}'),
        });
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `event-${i}` })) };
    });
    this.events = createEventPublisher({
      client: new EventBridgeClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      }),
      busName: 'sc2aws',
      sleep: async () => {},
    });
  }

  static async start(options: WorldOptions = {}): Promise<PipelineWorld> {
    const h = await exportHarness({
      store: 's3',
      sim: { seed: 11, vulnCount: 1200, fixedCount: 10, hostCount: 60 },
    });
    const w = new PipelineWorld(h, options);
    const keys = header(h.sim.keys);
    if (options.secrets === 'endpoint') {
      w.secretsEndpoint = await startSecretsEndpoint(SECRET_ARN, keys);
      w.secretsEndpoint.throttling = false;
      w.keySource = createApiKeySource({ client: w.secretsEndpoint.client(), secretId: SECRET_ARN });
    } else {
      w.secrets = fakeSecretsManager();
      w.secrets.put('v1', keys, ['AWSCURRENT']);
      w.keySource = createApiKeySource({ client: w.secrets.client(), secretId: SECRET_ARN });
    }
    // An earlier run completed 20 days ago: the run under test starts from its checkpoint.
    const start = w.clock.now;
    w.clock.now = start - 20 * DAY_MS;
    const earlier = await exportDataset(h.deps(), w.settings, 'vulns');
    if (earlier.status !== 'completed') throw new Error('the earlier run did not complete');
    w.clock.now = start;
    w.checkpointBefore = (await w.state())?.checkpoint;
    w.window = nextWindow(
      w.checkpointBefore?.end,
      Math.floor(start / 1000),
      w.settings.overlapSeconds,
      w.settings.lookbackSeconds,
    );
    w.expected = w.findingsInWindow();
    return w;
  }

  /** A fresh SC client, as each Lambda invocation builds one; keys come from Secrets Manager. */
  scClient(): ScClient {
    const source = this.keySource;
    const sc = new ScClient({
      url: this.h.sim.url,
      ca: this.h.sim.caPem,
      keys: {
        current: async () => (await source.get()).keys,
        refresh: async () => (await source.get({ forceRefresh: true })).keys,
      },
      logger: this.logger,
      onAttempt: (attempt) => void this.scAttempts.push(attempt),
      timeouts: { headersMs: 5000, bodyMs: 5000, ...this.options.sc?.timeouts },
      retry: {
        maxAttempts: this.options.sc?.maxAttempts ?? 3,
        baseDelayMs: 1,
        maxDelayMs: 30_000,
        sleep: async (ms, signal) => {
          this.scWaits.push(ms);
          if (signal?.aborted) throw signal.reason;
        },
      },
    });
    return sc;
  }

  /** One pull-analysis invocation for the vulns dataset; never throws. */
  async exportInvocation(options: InvokeOptions): Promise<ExportInvocation> {
    const sc = this.scClient();
    let pages = 0;
    try {
      const outcome = await exportDataset(
        {
          sc,
          store: this.store,
          events: this.events,
          metrics: { addMetric: (name, _unit, value) => void this.metrics.push({ name, value }) },
          logger: this.logger,
          clock: () => this.clock.now,
          remainingMs: options.remainingMs ?? (() => Number.POSITIVE_INFINITY),
          owner: options.owner,
          onProgress: () => {
            pages += 1;
            options.onPage?.(pages);
          },
        },
        this.settings,
        'vulns',
      );
      return { outcome };
    } catch (error) {
      return { error };
    } finally {
      await sc.close();
    }
  }

  /** The "Export Completed" events EventBridge accepted. */
  completedEvents(): Record<string, unknown>[] {
    return this.eventBridge.accepted.filter((e) => e.detailType === 'Export Completed').map((e) => e.detail);
  }

  /** One forward-results invocation for an accepted "Export Completed" event. */
  async deliver(detail: Record<string, unknown>): Promise<DeliveryResult> {
    const bucket = this.h.s3?.bucket as string;
    const { manifestKey: key } = deliveryRequestOf(
      { source: 'sc2aws', 'detail-type': 'Export Completed', detail },
      bucket,
      PREFIX,
      [DEFAULT_CONSOLE_ID],
    );
    const result = await deliverFully(
      { store: this.store, events: this.events, logger: this.logger },
      DELIVERY,
      key,
    );
    this.delivered.push(result);
    return result;
  }

  /** Delivers every accepted "Export Completed" event not delivered yet; stops at the first failure. */
  async deliverAnnounced(): Promise<{ error?: unknown }> {
    for (const detail of this.completedEvents()) {
      if (this.delivered.some((d) => d.runId === detail.runId)) continue;
      try {
        await this.deliver(detail);
      } catch (error) {
        return { error };
      }
    }
    return {};
  }

  /** The run under test: its id, raw and findings manifest keys. */
  get run(): { runId: string; rawManifest: string; findingsManifest: string } {
    const runId = runIdFor('vulns', this.window);
    const dt = partitionDate(this.window);
    return {
      runId,
      rawManifest: manifestKey(runPrefix('raw', 'vulns', dt, runId)),
      findingsManifest: manifestKey(runPrefix('findings', 'vulns', dt, runId)),
    };
  }

  async state(): Promise<ExportState | undefined> {
    return this.h.state('vulns');
  }

  /**
   * What a rerun does once the fault is gone: deliver announced runs, else invoke pull-analysis
   * again (continuations included) until the run under test is delivered. A dataset locked by a
   * dead invocation is retried once its lease has expired. Checks the state after every invocation.
   */
  async rerun(): Promise<{ invocations: number; locked: number }> {
    let invocations = 0;
    let locked = 0;
    while ((await this.h.store.getText(this.run.findingsManifest)) === undefined) {
      if (invocations >= 8) throw new Error('the run under test was not delivered after 8 invocations');
      const pending = this.completedEvents().filter((d) => !this.delivered.some((r) => r.runId === d.runId));
      if (pending.length > 0) {
        const { error } = await this.deliverAnnounced();
        if (error !== undefined) throw error;
        continue;
      }
      invocations += 1;
      const { outcome, error } = await this.exportInvocation({ owner: `rerun-${invocations}` });
      await expectStateSafe(this);
      if (error !== undefined) throw error;
      if (outcome?.status === 'locked') {
        locked += 1;
        this.clock.now += (LEASE_SECONDS + 1) * 1000;
      }
    }
    return { invocations, locked };
  }

  /** What SC holds in the window now: sim identity → the finding_id the product must deliver. */
  findingsInWindow(): Map<string, string> {
    const spec = DATASET_SPECS.vulns;
    const query = datasetQuery(spec, this.window, { severityFloor: this.settings.severityFloor });
    const ctx = createNormalizeContext({
      dataset: 'vulns',
      runId: 'expected',
      collectedAt: new Date(this.window.end * 1000),
      scHost: 'sc.example.com',
    });
    const ids = new Map<string, string>();
    for (const row of this.h.sim.dataset.rowsMatching({
      sourceType: spec.sourceType,
      filters: query.filters as never,
      sortField: spec.timeField,
      sortDir: 'ASC',
    })) {
      const result = normalizeRow(row, ctx);
      if (!result.ok) throw new Error(`simulator row not deliverable: ${result.reason}`);
      ids.set(
        simIdentity(row as unknown as Record<string, unknown>),
        (result.row as { finding_id: string }).finding_id,
      );
    }
    return ids;
  }

  async close(): Promise<void> {
    this.bucket.client.destroy();
    this.eb.restore();
    this.secrets?.mock.restore();
    await this.secretsEndpoint?.close();
    await this.h.close();
  }
}

/** A stored part is there, whole: its bytes hash to the sha256 and size its manifest or state lists. */
export async function expectPartStored(store: ObjectStore, part: PartInfo): Promise<void> {
  const chunks = (await (await store.getStream(part.key)).toArray()) as Buffer[];
  const bytes = Buffer.concat(chunks);
  expect(bytes.length, `${part.key} size`).toBe(part.bytes);
  expect(createHash('sha256').update(bytes).digest('hex'), `${part.key} sha256`).toBe(part.sha256);
}

/**
 * The checkpoint never points past data that is not manifested: a checkpoint names a manifest
 * that exists and whose parts are all stored whole; every part an in-flight run lists is stored
 * whole too (a resume builds on them).
 */
export async function expectStateSafe(w: PipelineWorld): Promise<ExportState | undefined> {
  const state = await w.state();
  if (state?.checkpoint !== undefined) {
    const manifest = await w.h.store.getText(state.checkpoint.manifestKey);
    expect(manifest, 'the checkpoint names a stored manifest').toBeDefined();
    const parsed = runManifestSchema.parse(JSON.parse(manifest?.body ?? '{}'));
    expect(parsed.window.end).toBe(state.checkpoint.end);
    const inStore = partsInStore(w.h.store, parsed);
    expect(inStore, 'the manifest names parts of its own store').toHaveProperty('parts');
    for (const part of 'parts' in inStore ? inStore.parts : []) await expectPartStored(w.h.store, part);
  }
  for (const part of state?.inflight?.parts ?? []) await expectPartStored(w.h.store, part);
  return state;
}

/** The delivered findings and the raw rows of the run under test, read back and verified. */
export async function deliveredRun(w: PipelineWorld) {
  const findings = await readRun(w.h.store, w.run.findingsManifest);
  const raw = await readRun(w.h.store, w.run.rawManifest);
  return { findings, raw };
}
