import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { DetailType } from '#lib/events';
import { DEFAULT_CONSOLE_ID } from '#lib/product';
import type { ObjectStore, PartInfo } from '#lib/sink';
import { commit } from './commit-phase';
import { prune, scan } from './dedupe-phase';
import { type DeliveryState, DeliveryStateObjects, type Occurrence } from './delivery-state';
import { IdFilter } from './id-filter';
import { lifecycle } from './lifecycle-phase';
import { finish, ocsf } from './ocsf-phase';
import { inlinePartRunner, type PartRunner } from './part-runner';
import type { PartTask } from './part-transform';
import type { DeliverableManifest } from './raw-manifest';
import { securityHub } from './securityhub-phase';
import { transform } from './transform-phase';
import {
  type DeliveryDeps,
  DeliveryInvocationLimitError,
  type DeliveryOutcome,
  type DeliverySettings,
} from './types';

/**
 * One raw run being delivered: where it stands (its saved state) and what every phase shares.
 * The phases, in order, each in its own file: transform (./transform-phase.ts), scan and prune
 * (./dedupe-phase.ts), commit (./commit-phase.ts), lifecycle (./lifecycle-phase.ts), OCSF and
 * finish (./ocsf-phase.ts), Security Hub (./securityhub-phase.ts). Each phase returns false when the invocation must stop; `go` then
 * saves where it is.
 */
export class RunDelivery {
  readonly source: ObjectStore;
  readonly runner: PartRunner;
  readonly dt: string;
  /** Rows of the run before each part: a rejected row names its line across the whole run. */
  readonly firstSeq: number[];
  readonly objects: DeliveryStateObjects;
  state!: DeliveryState;
  /** Only while raw parts are read (the transform phase); 2 MB per million rows. */
  filter: IdFilter | undefined;

  constructor(
    readonly deps: DeliveryDeps,
    readonly settings: DeliverySettings,
    readonly rawKey: string,
    readonly raw: DeliverableManifest,
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

  get rawUri(): string {
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
      if (!(await transform(this))) return this.stop();
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
      if (!(await scan(this))) return this.stop();
      this.state.phase = 'prune';
      this.state.next = 0;
    }
    if (this.state.phase === 'prune') {
      if (!(await prune(this))) return this.stop();
      await commit(this);
    }
    if (this.state.phase === 'lifecycle') {
      if (!(await lifecycle(this))) return this.stop();
      this.state.phase = 'ocsf';
      this.state.next = 0;
      // A failure in the OCSF phase then retries OCSF only: the changes are committed and announced.
      if (this.deps.ocsf !== undefined) await this.objects.save(this.state, undefined);
    }
    if (this.state.phase !== 'securityhub') {
      if (!(await ocsf(this))) return this.stop();
      if (this.deps.securityHub !== undefined && this.state.changes !== undefined) {
        // As for OCSF: a failure while sending to Security Hub then retries only the sending.
        this.state.phase = 'securityhub';
        this.state.next = 0;
        await this.objects.save(this.state, undefined);
      }
    }
    if (this.state.phase === 'securityhub' && !(await securityHub(this))) return this.stop();
    return finish(this);
  }

  shouldStop(): boolean {
    if (this.deps.cancel?.aborted) return true;
    const left = this.deps.remainingMs?.();
    return left !== undefined && left < this.settings.timeGuardMs;
  }

  progress(of: number): void {
    this.deps.onProgress?.({
      dataset: this.raw.dataset,
      runId: this.raw.runId,
      phase: this.state.phase,
      done: this.state.next,
      of,
    });
  }

  task(index: number, stored: Uint8Array): PartTask {
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
        consoleId: this.raw.sc.consoleId ?? DEFAULT_CONSOLE_ID,
        pluginOutputMaxBytes: this.settings.pluginOutputMaxBytes,
      },
    };
  }

  async read(store: ObjectStore, key: string): Promise<Uint8Array> {
    return buffer(await store.getStream(key));
  }

  get duplicates(): number {
    return Object.values(this.state.best).reduce((sum, o) => sum + Math.max(0, o.count - 1), 0);
  }

  async stop(): Promise<DeliveryOutcome> {
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

  /** `vulns` and `fixed` move the finding lifecycle; `assets` do not. */
  get tracksLifecycle(): boolean {
    return this.raw.dataset === 'vulns' || this.raw.dataset === 'fixed';
  }
}
