import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { DetailType } from '#lib/events';
import {
  applyLifecycle,
  changePartsInStore,
  type LifecycleResult,
  readChangesManifest,
} from '#lib/lifecycle';
import {
  commitRun,
  committedKey,
  type FindingsRunManifest,
  MANIFEST_VERSION,
  manifestKey,
  type ObjectStore,
  type PartInfo,
  partKey,
  partsForManifest,
  runPrefix,
  totalsOf,
} from '#lib/sink';
import { type DeliveryState, DeliveryStateObjects, type Occurrence } from './delivery-state';
import { encodeIds, lookupOf, losingLines, prunePart, scanIds } from './duplicates';
import { IdFilter } from './id-filter';
import { runInOrder } from './in-order';
import { type RefusedLease, takeDeliveryLease } from './lease';
import { inlinePartRunner, type PartRunner } from './part-runner';
import type { PartObject, PartOutput, PartTask } from './part-transform';
import { type DeliverableManifest, readRawManifest } from './raw-manifest';
import {
  type DeliveryDeps,
  DeliveryInvocationLimitError,
  type DeliveryOutcome,
  type DeliveryResult,
  type DeliverySettings,
} from './types';

/**
 * Turns one completed raw run into delivered findings, reading each raw part once. Findings part
 * `i` (and rejected part `i`) comes from raw part `i`; an id filter flags ids that may repeat, and
 * only when it flags any are the written parts read back to keep exactly one row per id (newest
 * `last_seen` wins; see ./duplicates.ts). The run is committed last (the findings `_manifest.json`,
 * then its committed list, the only thing the findings tables read), then `Findings Delivered` is
 * published. Keys and content depend only on the raw run, so delivering a run twice — or in
 * several invocations, or on several threads — writes the same objects.
 *
 * Out of time (`remainingMs` under the guard) it stops between parts, saves where it is, publishes
 * `Delivery Continuation Requested` and returns `continued`; cancelled, it saves and returns
 * `interrupted`. The next call for the same manifest continues there.
 *
 * @example
 * ```ts
 * const outcome = await deliverRun(deps, settings, 'raw/dataset=vulns/dt=2026-11-23/run=…/_manifest.json');
 * ```
 */
export async function deliverRun(
  deps: DeliveryDeps,
  settings: DeliverySettings,
  rawManifestKey: string,
): Promise<DeliveryOutcome> {
  const source = deps.source ?? deps.store;
  const raw = await readRawManifest(source, rawManifestKey);
  const lease = await takeDeliveryLease({ ...deps, dataset: raw.dataset, runId: raw.runId });
  if (!lease.held) return locked(deps, raw, lease);
  try {
    const run = new RunDelivery(deps, settings, rawManifestKey, raw);
    await run.open();
    return await run.go();
  } finally {
    await lease.release();
  }
}

/** Another invocation is delivering the run: this one leaves it alone and publishes nothing. */
function locked(deps: DeliveryDeps, raw: DeliverableManifest, lease: RefusedLease): DeliveryOutcome {
  const expiresAt = new Date(lease.expiresAt).toISOString();
  deps.logger.warn('Another invocation is delivering this run; this one left it alone.', {
    dataset: raw.dataset,
    runId: raw.runId,
    holder: lease.holder,
    expiresAt,
  });
  return { status: 'locked', dataset: raw.dataset, runId: raw.runId, holder: lease.holder, expiresAt };
}

class RunDelivery {
  private readonly source: ObjectStore;
  private readonly runner: PartRunner;
  private readonly dt: string;
  /** Rows of the run before each part: a rejected row names its line across the whole run. */
  private readonly firstSeq: number[];
  private readonly objects: DeliveryStateObjects;
  private state!: DeliveryState;
  /** Only while raw parts are read (the transform phase); 2 MB per million rows. */
  private filter: IdFilter | undefined;

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly settings: DeliverySettings,
    private readonly rawKey: string,
    private readonly raw: DeliverableManifest,
  ) {
    this.source = deps.source ?? deps.store;
    this.runner = deps.runner ?? inlinePartRunner();
    this.dt = raw.window.endIso.slice(0, 10);
    this.objects = new DeliveryStateObjects(deps.store, raw.dataset, raw.runId);
    let seq = 0;
    this.firstSeq = raw.parts.map((p) => {
      const first = seq;
      seq += p.rows;
      return first;
    });
  }

  private get rawUri(): string {
    return this.source.uri(this.rawKey);
  }

  /** Resumes the saved state of this very raw run (same manifest, same parts), or starts afresh. */
  async open(): Promise<void> {
    const rawSha256 = createHash('sha256')
      .update(this.raw.parts.map((p) => p.sha256).join(','))
      .digest('hex');
    const saved = await this.objects.load();
    const resumable =
      saved !== undefined &&
      saved.state.source === this.rawKey &&
      saved.state.rawSha256 === rawSha256 &&
      // A state from before the cap was recorded is taken as made with today's.
      (saved.state.pluginOutputMaxBytes ?? this.settings.pluginOutputMaxBytes) ===
        this.settings.pluginOutputMaxBytes;
    this.state = resumable
      ? saved.state
      : {
          stateVersion: 1,
          source: this.rawKey,
          rawSha256,
          pluginOutputMaxBytes: this.settings.pluginOutputMaxBytes,
          phase: 'transform',
          next: 0,
          invocations: 0,
          findings: [],
          indexes: [],
          rejected: [],
          rejectedRows: 0,
          candidates: [],
          best: {},
        };
    if (this.state.phase === 'transform')
      this.filter = new IdFilter(this.raw.totals.rows, resumable ? saved.filterBits : undefined);
    this.state.invocations += 1;
    if (this.state.invocations > this.settings.maxInvocations)
      throw new DeliveryInvocationLimitError(
        this.rawUri,
        this.state.invocations,
        this.settings.maxInvocations,
      );
    if (resumable) {
      this.deps.logger.info('Delivery continues.', {
        dataset: this.raw.dataset,
        runId: this.raw.runId,
        phase: this.state.phase,
        next: this.state.next,
        invocation: this.state.invocations,
      });
    }
  }

  async go(): Promise<DeliveryOutcome> {
    if (this.state.phase === 'transform') {
      if (!(await this.transform())) return this.stop();
      this.state.phase = 'scan';
      this.state.next = 0;
      this.state.best = Object.fromEntries(
        this.state.candidates.map((id) => [
          id,
          { time: null, part: 0, line: 0, count: 0, parts: [] } satisfies Occurrence,
        ]),
      );
      this.state.candidates = [];
    }
    if (this.state.phase === 'scan') {
      if (!(await this.scan())) return this.stop();
      this.state.phase = 'prune';
      this.state.next = 0;
    }
    if (this.state.phase === 'prune') {
      if (!(await this.prune())) return this.stop();
      await this.commit();
    }
    if (this.state.phase === 'lifecycle') {
      if (!(await this.lifecycle())) return this.stop();
      this.state.phase = 'ocsf';
      this.state.next = 0;
      // A failure in the OCSF phase then retries OCSF only: the changes are committed and announced.
      if (this.deps.ocsf !== undefined) await this.objects.save(this.state, undefined);
    }
    if (!(await this.ocsf())) return this.stop();
    return this.finish();
  }

  private shouldStop(): boolean {
    if (this.deps.cancel?.aborted) return true;
    const left = this.deps.remainingMs?.();
    return left !== undefined && left < this.settings.timeGuardMs;
  }

  private progress(of: number): void {
    this.deps.onProgress?.({
      dataset: this.raw.dataset,
      runId: this.raw.runId,
      phase: this.state.phase,
      done: this.state.next,
      of,
    });
  }

  private task(index: number, stored: Uint8Array): PartTask {
    const part = this.raw.parts[index] as PartInfo;
    return {
      index,
      part,
      where: { part: this.source.uri(part.key), manifest: this.rawUri },
      stored,
      firstSeq: this.firstSeq[index] as number,
      context: {
        dataset: this.raw.dataset,
        runId: this.raw.runId,
        // collected_at is the run time (the window end), not the delivery time: redelivery is identical.
        collectedAt: this.raw.window.endIso,
        scHost: this.raw.sc.host,
        scVersion: this.raw.sc.version,
        pluginOutputMaxBytes: this.settings.pluginOutputMaxBytes,
      },
    };
  }

  /** Raw parts into findings and rejected parts, several in flight; false when it stopped early. */
  private async transform(): Promise<boolean> {
    const parts = this.raw.parts;
    await runInOrder({
      from: this.state.next,
      to: parts.length,
      // One more than the threads: the next part is read while every thread works.
      window: this.runner.concurrency + 1,
      shouldStop: () => this.shouldStop(),
      start: async (index) =>
        this.runner.run(this.task(index, await this.read(this.source, (parts[index] as PartInfo).key))),
      finish: async (index, output) => {
        await this.storePart(output);
        this.state.next = index + 1;
        this.progress(parts.length);
      },
    });
    return this.state.next >= parts.length;
  }

  private async read(store: ObjectStore, key: string): Promise<Uint8Array> {
    return buffer(await store.getStream(key));
  }

  private async storePart(output: PartOutput): Promise<void> {
    const i = output.index;
    if (output.findings !== null) {
      const prefix = runPrefix('findings', this.raw.dataset, this.dt, this.raw.runId);
      this.state.findings.push(await this.put(partKey(prefix, i), output.findings));
      this.state.indexes.push(i);
      await this.objects.putBinary(this.objects.idsKey(i), encodeIds(output));
    }
    if (output.rejected !== null) {
      const prefix = runPrefix('rejected', this.raw.dataset, this.dt, this.raw.runId);
      this.state.rejected.push(await this.put(partKey(prefix, i), output.rejected));
      this.state.rejectedRows += output.rejected.rows;
    }
    const filter = this.filter;
    if (filter === undefined) throw new Error('the id filter exists while raw parts are read');
    const flagged = new Set(this.state.candidates);
    for (let offset = 0; offset < output.ids.length; offset += 16) {
      if (filter.add(output.ids, offset))
        flagged.add(Buffer.from(output.ids.subarray(offset, offset + 16)).toString('hex'));
    }
    this.state.candidates = [...flagged];
  }

  private async put(key: string, object: PartObject): Promise<PartInfo> {
    const upload = this.deps.store.openUpload(key, 'application/gzip');
    upload.stream.end(object.bytes);
    await upload.done();
    const { rows, uncompressedBytes, sha256 } = object;
    return { key, rows, bytes: object.bytes.byteLength, uncompressedBytes, sha256 };
  }

  /** Finds the best occurrence of every flagged id, part by part; false when it stopped early. */
  private async scan(): Promise<boolean> {
    if (Object.keys(this.state.best).length === 0) return true;
    const flagged = lookupOf(this.state.best);
    const parts = this.state.findings;
    for (; this.state.next < parts.length; this.state.next++) {
      if (this.shouldStop()) return false;
      const index = this.state.indexes[this.state.next] as number;
      const rows = (parts[this.state.next] as PartInfo).rows;
      await scanIds(this.deps.store, this.objects.idsKey(index), rows, this.state.next, flagged);
      this.progress(parts.length);
    }
    return true;
  }

  /** Rewrites the parts that hold a losing duplicate; false when it stopped early. */
  private async prune(): Promise<boolean> {
    const repeated = new Map([...lookupOf(this.state.best)].filter(([, o]) => o.count > 1));
    const touched = new Set([...repeated.values()].flatMap((o) => o.parts));
    const parts = this.state.findings;
    for (; this.state.next < parts.length; this.state.next++) {
      if (!touched.has(this.state.next)) continue;
      if (this.shouldStop()) return false;
      const part = parts[this.state.next] as PartInfo;
      const index = this.state.indexes[this.state.next] as number;
      const losers = await losingLines(
        this.deps.store,
        this.objects.idsKey(index),
        part.rows,
        this.state.next,
        repeated,
      );
      const original = () => this.transformAgain(index);
      if (losers.size > 0)
        parts[this.state.next] = (await prunePart(this.deps.store, part, losers, original)) ?? {
          ...part,
          rows: 0,
        };
      this.progress(parts.length);
    }
    return true;
  }

  /** Raw part `index` delivered again: its findings bytes, as the transform first wrote them. */
  private async transformAgain(index: number): Promise<Uint8Array> {
    const part = this.raw.parts[index] as PartInfo;
    const output = await this.runner.run(this.task(index, await this.read(this.source, part.key)));
    return output.findings?.bytes ?? new Uint8Array(0);
  }

  private get duplicates(): number {
    return Object.values(this.state.best).reduce((sum, o) => sum + Math.max(0, o.count - 1), 0);
  }

  private async stop(): Promise<DeliveryOutcome> {
    const { dataset, runId } = this.raw;
    await this.objects.save(this.state, this.state.phase === 'transform' ? this.filter?.bits : undefined);
    const cancelled = this.deps.cancel?.aborted === true;
    if (!cancelled) {
      await this.deps.events.publish({
        detailType: DetailType.DeliveryContinuationRequested,
        detail: {
          manifest: this.rawUri,
          dataset,
          runId,
          phase: this.state.phase,
          next: this.state.next,
          requestedAt: new Date().toISOString(),
        },
      });
    }
    this.deps.logger.info(cancelled ? 'Delivery interrupted.' : 'Delivery continues in a new invocation.', {
      dataset,
      runId,
      phase: this.state.phase,
      next: this.state.next,
      invocation: this.state.invocations,
    });
    return {
      status: cancelled ? 'interrupted' : 'continued',
      dataset,
      runId,
      phase: this.state.phase,
      next: this.state.next,
      invocations: this.state.invocations,
    };
  }

  /** Commits the findings (manifest, then committed list) and announces them. */
  private async commit(): Promise<void> {
    const { dataset, runId } = this.raw;
    // A part every row of which lost to a newer duplicate was removed by the prune.
    const kept = this.state.findings.flatMap((p, i) =>
      p.rows > 0 ? [[p, this.state.indexes[i] as number] as const] : [],
    );
    const parts = kept.map(([p]) => p);
    const duplicates = this.duplicates;
    const outPrefix = runPrefix('findings', dataset, this.dt, runId);
    const store = this.deps.store;
    const manifest: FindingsRunManifest = {
      manifestVersion: MANIFEST_VERSION,
      kind: 'findings',
      dataset,
      runId,
      ...(store.bucket === undefined ? {} : { bucket: store.bucket }),
      window: this.raw.window,
      sc: this.raw.sc,
      parts: partsForManifest(store, parts),
      totals: totalsOf(parts),
      createdAt: this.raw.createdAt,
      details: {
        source: this.source.bucketKey(this.rawKey),
        rawRows: this.raw.totals.rows,
        duplicates,
        rejected: { rows: this.state.rejectedRows, parts: partsForManifest(store, this.state.rejected) },
      },
    };
    const key = manifestKey(outPrefix);
    await commitRun(
      this.deps.store,
      { manifestKey: key, committedKey: committedKey('findings', dataset, this.dt, runId) },
      manifest,
    );
    await this.deps.events.publish({
      detailType: DetailType.FindingsDelivered,
      detail: {
        detailVersion: 2,
        dataset,
        runId,
        manifest: store.uri(key),
        ...(store.bucket === undefined ? {} : { bucket: store.bucket }),
        manifestKey: store.bucketKey(key),
        rowCount: manifest.totals.rows,
        rejectedCount: this.state.rejectedRows,
        duplicateCount: duplicates,
      },
    });
    this.deps.logger.info('Findings delivered.', {
      dataset,
      runId,
      rows: manifest.totals.rows,
      rejected: this.state.rejectedRows,
      duplicates,
      invocations: this.state.invocations,
    });
    // From here on the state describes the committed parts only: OCSF file i comes from findings part i.
    const next: DeliveryState = {
      ...this.state,
      phase: this.tracksLifecycle ? 'lifecycle' : 'ocsf',
      next: 0,
      findings: parts,
      indexes: kept.map(([, index]) => index),
      candidates: [],
      best: {},
      delivered: {
        manifest: this.deps.store.uri(key),
        manifestKey: key,
        rows: manifest.totals.rows,
        rejected: this.state.rejectedRows,
        duplicates,
      },
      ocsf: [],
    };
    // The saved state moves on (or goes) before the ids it points at are removed: a retry after a
    // crash here never looks for ids that are gone.
    if (this.deps.ocsf !== undefined || this.tracksLifecycle) await this.objects.save(next, undefined);
    else await this.objects.removeState();
    await this.objects.removeDedupe(this.state.indexes);
    this.state = next;
  }

  /** `vulns` and `fixed` move the finding lifecycle; `assets` do not. */
  private get tracksLifecycle(): boolean {
    return this.raw.dataset === 'vulns' || this.raw.dataset === 'fixed';
  }

  /**
   * Phase `lifecycle`: the committed findings applied to the finding lifecycle (lib/lifecycle),
   * then `Findings Changed` announced; false when it stopped early.
   */
  private async lifecycle(): Promise<boolean> {
    const { dataset, runId } = this.raw;
    const delivered = this.state.delivered;
    if (delivered === undefined || (dataset !== 'vulns' && dataset !== 'fixed'))
      throw new Error('the lifecycle phase runs on committed vulns or fixed findings');
    const outcome = await applyLifecycle(
      {
        store: this.deps.store,
        shouldStop: () => this.shouldStop(),
        ...(this.settings.lifecycleGroupTargetBytes === undefined
          ? {}
          : { groupTargetBytes: this.settings.lifecycleGroupTargetBytes }),
      },
      {
        dataset,
        runId,
        dt: this.dt,
        window: this.raw.window,
        createdAt: this.raw.createdAt,
        source: delivered.manifestKey,
        parts: this.state.findings,
      },
      this.state.lifecycle,
    );
    if (outcome.status === 'stopped') {
      this.state.lifecycle = outcome.work;
      return false;
    }
    const changes = outcome.result;
    this.state.lifecycle = undefined;
    this.state.changes = changes;
    if (this.deps.ocsf !== undefined) {
      const manifest = await readChangesManifest(this.deps.store, changes.manifestKey);
      const parts = changePartsInStore(this.deps.store, manifest);
      this.state.ocsfSource = { parts, indexes: parts.map((p) => partNumberOf(p.key)) };
    }
    await this.deps.events.publish({
      detailType: DetailType.FindingsChanged,
      detail: {
        detailVersion: 2,
        dataset,
        runId,
        manifest: changes.manifest,
        ...(this.deps.store.bucket === undefined ? {} : { bucket: this.deps.store.bucket }),
        manifestKey: this.deps.store.bucketKey(changes.manifestKey),
        rowCount: changes.rows,
        baseline: changes.baseline,
        counts: changes.counts,
        generation: changes.generation,
      },
    });
    this.deps.logger.info('Finding changes committed.', {
      dataset,
      runId,
      rows: changes.rows,
      ...changes.counts,
      unchanged: changes.unchanged,
      baseline: changes.baseline,
      partitions: changes.partitionsTouched,
      objectsRead: changes.io.reads,
      objectsWritten: changes.io.writes,
    });
    return true;
  }

  /**
   * Phase `ocsf`: one Parquet file per committed findings part, made on the delivery's threads
   * (mapping and encoding are the costly part), stored in part order; false when it stopped early.
   */
  private async ocsf(): Promise<boolean> {
    if (this.deps.ocsf === undefined) return true;
    // Loaded here, not at start: with OCSF output off a cold start never pays for the Parquet writer.
    const { storeOcsfFile } = await import('#lib/ocsf');
    // vulns and fixed: from the change run (one record per change); assets: from the findings.
    const source = this.state.ocsfSource;
    const parts = source?.parts ?? this.state.findings;
    const indexes = source?.indexes ?? this.state.indexes;
    const files = this.state.ocsf ?? [];
    this.state.ocsf = files;
    await runInOrder({
      from: this.state.next,
      to: parts.length,
      window: this.runner.concurrency + 1,
      shouldStop: () => this.shouldStop(),
      start: async (position) => {
        const part = parts[position] as PartInfo;
        const stored = await this.read(this.deps.store, part.key);
        const index = indexes[position] as number;
        return this.runner.ocsf({
          stored,
          dataset: this.raw.dataset,
          part,
          ctx: { runId: this.raw.runId, dt: this.dt, index, where: this.objects.where(part.key) },
        });
      },
      finish: async (position, file) => {
        files[position] = await storeOcsfFile(this.deps.store, file);
        this.state.next = position + 1;
        this.progress(parts.length);
      },
    });
    return this.state.next >= parts.length;
  }

  /** Commits the OCSF run (when on), removes the state, and reports what was delivered. */
  private async finish(): Promise<DeliveryOutcome> {
    const { dataset, runId } = this.raw;
    const delivered = this.state.delivered;
    if (delivered === undefined) throw new Error('finish() before the findings were committed');
    let ocsf: DeliveryResult['ocsf'];
    if (this.deps.ocsf !== undefined) {
      const { commitOcsfRun } = await import('#lib/ocsf');
      const files = this.state.ocsf ?? [];
      const committed = await commitOcsfRun(
        this.deps.store,
        this.deps.ocsf,
        {
          dataset,
          runId,
          dt: this.dt,
          source: this.deps.store.bucketKey(this.state.changes?.manifestKey ?? delivered.manifestKey),
          createdAt: this.raw.createdAt,
        },
        files,
      );
      ocsf = {
        manifest: this.deps.store.uri(committed.manifestKey),
        rows: committed.rows,
        files: files.length,
        securityLakeKeys: committed.securityLakeKeys.length,
      };
      this.deps.logger.info('OCSF delivered.', { dataset, runId, ...ocsf });
    }
    await this.objects.removeState();
    return {
      status: 'delivered',
      dataset,
      runId,
      manifest: delivered.manifest,
      rows: delivered.rows,
      rejected: delivered.rejected,
      duplicates: delivered.duplicates,
      ...(this.state.changes === undefined ? {} : { changes: reportedChanges(this.state.changes) }),
      ...(ocsf === undefined ? {} : { ocsf }),
    };
  }
}

/** A change run as the outcome reports it: without this invocation's own figures. */
function reportedChanges(changes: LifecycleResult): NonNullable<DeliveryResult['changes']> {
  const { io: _io, redone: _redone, ...reported } = changes;
  return reported;
}

/** The number of a part from its key (`…/part-00042.ndjson.gz` → 42). */
function partNumberOf(key: string): number {
  return Number(/part-(\d+)\.ndjson\.gz$/.exec(key)?.[1] ?? Number.NaN);
}
