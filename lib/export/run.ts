import { ErrorCode, Sc2awsError } from '#lib/errors';
import { DetailType, type EventPublisher } from '#lib/events';
import type { LogSink } from '#lib/logging';
import {
  manifestKey,
  type ObjectStore,
  PartWriter,
  partKey,
  type RunManifest,
  runPrefix,
  totalsOf,
} from '#lib/sink';
import { isScError, type ScClient } from '#lib/tenable';
import { DATASET_SPECS, type Dataset, datasetQuery, type QueryScope } from './datasets';
import { IDENTITY_FIELDS, rowTextIdentity } from './identity';
import { type PageCursor, START_CURSOR, stablePages } from './stable-pager';
import { type InflightRun, StateHandle } from './state';
import { isoOf, nextWindow, partitionDate, runIdFor } from './window';

/** How exports run; every field comes from configuration (lib/config) or the CLI flags. */
export interface ExportSettings extends QueryScope {
  pageSize: number;
  /** Rows re-read at each page boundary against offset drift. */
  pageOverlapRows: number;
  overlapSeconds: number;
  lookbackSeconds: number;
  partSizeBytes: number;
  /** Stop starting new pages when less than this remains before the deadline. */
  timeGuardMs: number;
  leaseSeconds: number;
  /** Start a new run's window here (epoch seconds) instead of at the checkpoint (CLI `--since`). */
  since?: number;
}

/** EMF-style metrics with a dataset dimension. */
export interface ExportMetrics {
  record(
    dataset: string,
    name: string,
    unit: 'Count' | 'Bytes' | 'Seconds' | 'Milliseconds',
    value: number,
  ): void;
}

export interface ExportDeps {
  sc: ScClient;
  store: ObjectStore;
  events: EventPublisher;
  metrics: ExportMetrics;
  logger: LogSink;
  /** Epoch ms. */
  clock: () => number;
  /** Milliseconds left before the invocation's deadline (Infinity outside Lambda). */
  remainingMs: () => number;
  /** Identifies this invocation in the lease. */
  owner: string;
  /** The bucket, when the store is S3 (for the completion event). */
  bucket?: string;
  /** Called after every page (the CLI shows progress with it). */
  onProgress?: (progress: { dataset: Dataset; rows: number; pages: number; totalHint?: number }) => void;
}

export type DatasetOutcome =
  | { dataset: Dataset; status: 'completed'; runId: string; rows: number; parts: number; manifest: string }
  | { dataset: Dataset; status: 'continued'; runId: string; rows: number }
  | { dataset: Dataset; status: 'locked' };

/**
 * Exports one dataset: resumes the in-flight run if there is one, else starts the next window;
 * pages SC with drift-safe offsets; streams rows into gzip parts; records a resume cursor after each
 * stored part; writes `_manifest.json` last; announces `Export Completed`; only then moves the
 * checkpoint. Near the deadline it stores the cursor and returns `continued`. On any failure
 * the open part is dropped and the checkpoint stays put: the next run resumes from the last stored
 * part, writing the same keys again.
 *
 * @example
 * ```ts
 * const outcome = await exportDataset(deps, settings, 'vulns');
 * ```
 */
export async function exportDataset(
  deps: ExportDeps,
  settings: ExportSettings,
  dataset: Dataset,
): Promise<DatasetOutcome> {
  const spec = DATASET_SPECS[dataset];
  const nowSeconds = Math.floor(deps.clock() / 1000);
  const state = await StateHandle.load(deps.store, dataset);
  try {
    await state.acquire(deps.owner, nowSeconds, settings.leaseSeconds);
  } catch (err) {
    if (err instanceof Sc2awsError && err.code === ErrorCode.ExportLocked) {
      deps.logger.warn(err.message, { dataset });
      return { dataset, status: 'locked' };
    }
    throw err;
  }

  let run: InflightRun;
  if (state.state.inflight !== undefined) {
    run = state.state.inflight;
    run.invocations += 1;
    deps.logger.info('Resuming an unfinished run.', {
      dataset,
      runId: run.runId,
      offset: run.cursor.offset,
      parts: run.parts.length,
    });
  } else {
    const window =
      settings.since === undefined
        ? nextWindow(
            state.state.checkpoint?.end,
            nowSeconds,
            settings.overlapSeconds,
            settings.lookbackSeconds,
          )
        : { start: Math.min(settings.since, nowSeconds), end: nowSeconds };
    run = {
      runId: runIdFor(dataset, window),
      window,
      dt: partitionDate(window),
      cursor: START_CURSOR,
      parts: [],
      nextPart: 0,
      scVersion: await deps.sc.systemVersion(),
      startedAt: new Date(deps.clock()).toISOString(),
      invocations: 1,
      duplicatesSkipped: 0,
    };
  }
  state.state.inflight = run;
  await state.save();

  const prefix = runPrefix('raw', dataset, run.dt, run.runId);
  const writer = new PartWriter(deps.store, (i) => partKey(prefix, i), {
    partSizeBytes: settings.partSizeBytes,
    firstIndex: run.nextPart,
  });
  const query = datasetQuery(spec, run.window, settings);
  // In-flight SC calls are cut short before the hard deadline, leaving time to store the part.
  const abort = new AbortController();
  const remaining = deps.remainingMs();
  const timer = Number.isFinite(remaining)
    ? setTimeout(() => abort.abort(), Math.max(0, remaining - settings.timeGuardMs / 2))
    : undefined;
  let totalHint: number | undefined;
  const fetch = async (startOffset: number, pageSize: number) => {
    // Rows stay the bytes SC sent: written verbatim, never parsed into objects and back.
    const page = await deps.sc.analysisPageText(query, {
      startOffset,
      pageSize,
      signal: abort.signal,
      fields: IDENTITY_FIELDS,
    });
    totalHint = page.totalRecords;
    // Only the bytes and the identity are kept: pages wait in the read-ahead, and what they hold
    // survives young-generation collections (bench/, issue 9: fields kept alive cost GC time).
    return page.rows.map((row) => ({ bytes: row.bytes, identity: rowTextIdentity(row, spec.identity) }));
  };

  let cursor: PageCursor = run.cursor;
  let rowsThisInvocation = 0;
  let pages = 0;
  let timeUp = false;
  // Closes the open part and, once it is stored, moves the resume cursor to where it ended.
  const storePart = async () => {
    const finishing = writer.finishPart(); // closes the part now: the next write opens the next one
    const at = { cursor, nextPart: writer.nextIndex };
    const part = await finishing;
    if (part !== undefined) {
      run.parts.push(part);
      deps.metrics.record(dataset, 'BytesWritten', 'Bytes', part.bytes);
    }
    run.nextPart = at.nextPart;
    run.cursor = at.cursor;
    await state.save();
  };
  // One full part is stored in the background while the next one fills: paging does not stop for
  // an upload (a PUT per part; bench/ issue 9). Parts are stored in order, a second full part waits
  // for the first, and a failure surfaces at the next page.
  let storing: Promise<void> | undefined;
  let storeFailure: { error: unknown } | undefined;
  const storeInBackground = async () => {
    await storing;
    storing = storePart();
    storing.catch((error: unknown) => {
      storeFailure ??= { error };
    });
  };

  try {
    try {
      for await (const page of stablePages(fetch, run.cursor, {
        pageSize: settings.pageSize,
        overlap: settings.pageOverlapRows,
        identityOf: (row) => row.identity,
      })) {
        pages += 1;
        rowsThisInvocation += page.rows.length;
        run.duplicatesSkipped += page.skipped;
        if (page.walkBacks > 0) deps.metrics.record(dataset, 'PagingWalkBacks', 'Count', page.walkBacks);
        await writer.write(page.rows.map((row) => row.bytes));
        // Written and read by gzip: the page's memory serves the next pages (the pager keeps only
        // the identities).
        deps.sc.releaseRows(page.rows);
        cursor = page.cursor;
        deps.onProgress?.({
          dataset,
          rows: rowsThisInvocation,
          pages,
          ...(totalHint === undefined ? {} : { totalHint: Math.max(0, totalHint - run.cursor.offset) }),
        });
        if (storeFailure !== undefined) throw storeFailure.error;
        if (writer.partFull) await storeInBackground();
        if (deps.remainingMs() < settings.timeGuardMs) {
          timeUp = true;
          break;
        }
      }
    } catch (err) {
      // The deadline cut an SC call short: what is written so far is kept and the run continues.
      if (!(isScError(err, ErrorCode.ScAborted) && abort.signal.aborted)) throw err;
      timeUp = true;
    }
    await storing;
    await storePart();
  } catch (err) {
    // A part still being stored finishes first (its progress is kept): no two state writes race.
    await storing?.catch(() => {});
    await writer.abort();
    await recordFailure(deps, dataset, state);
    throw err;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  deps.metrics.record(dataset, 'RowsExported', 'Count', rowsThisInvocation);
  deps.metrics.record(dataset, 'PagesFetched', 'Count', pages);

  if (timeUp) {
    await state.release();
    deps.logger.info('Time is short: run paused, to be continued.', {
      dataset,
      runId: run.runId,
      offset: cursor.offset,
    });
    recordLag(deps, dataset, state);
    return { dataset, status: 'continued', runId: run.runId, rows: rowsThisInvocation };
  }

  const manifest = buildManifest(deps, run, spec.timeField, dataset, query);
  const key = manifestKey(prefix);
  try {
    await deps.store.putText(key, `${JSON.stringify(manifest, null, 2)}\n`);
    // Announced before the checkpoint moves: if EventBridge refuses the event, the run stays in
    // flight and the next invocation announces it again (delivery is idempotent). Announcing after
    // the move would leave a completed run that forward-results never hears of.
    await deps.events.publish({
      detailType: DetailType.ExportCompleted,
      detail: {
        dataset,
        runId: run.runId,
        window: manifest.window,
        manifest: deps.store.uri(key),
        ...(deps.bucket === undefined ? {} : { bucket: deps.bucket }),
        manifestKey: key,
        rowCount: manifest.totals.rows,
        parts: manifest.totals.parts,
      },
    });
  } catch (err) {
    await recordFailure(deps, dataset, state);
    throw err;
  }
  // Only now, with every part and the manifest stored and announced, does the checkpoint move.
  state.state.checkpoint = {
    end: run.window.end,
    runId: run.runId,
    completedAt: manifest.createdAt,
    manifestKey: key,
  };
  delete state.state.inflight;
  delete state.state.lease;
  await state.save();
  recordLag(deps, dataset, state);
  deps.logger.info('Run complete.', {
    dataset,
    runId: run.runId,
    rows: manifest.totals.rows,
    parts: manifest.totals.parts,
  });
  return {
    dataset,
    status: 'completed',
    runId: run.runId,
    rows: manifest.totals.rows,
    parts: manifest.totals.parts,
    manifest: deps.store.uri(key),
  };
}

function buildManifest(
  deps: ExportDeps,
  run: InflightRun,
  field: string,
  dataset: Dataset,
  query: unknown,
): RunManifest {
  return {
    manifestVersion: 1,
    kind: 'raw',
    dataset,
    runId: run.runId,
    window: {
      field,
      start: run.window.start,
      end: run.window.end,
      startIso: isoOf(run.window.start),
      endIso: isoOf(run.window.end),
    },
    sc: { host: deps.sc.baseUrl.host, version: run.scVersion },
    parts: run.parts,
    totals: totalsOf(run.parts),
    createdAt: new Date(deps.clock()).toISOString(),
    details: {
      query,
      invocations: run.invocations,
      duplicatesSkipped: run.duplicatesSkipped,
      startedAt: run.startedAt,
    },
  };
}

/** A failed run frees the dataset at once (the next invocation resumes it) and is counted. */
async function recordFailure(deps: ExportDeps, dataset: string, state: StateHandle): Promise<void> {
  await state.release();
  deps.metrics.record(dataset, 'ExportFailed', 'Count', 1);
  recordLag(deps, dataset, state);
}

/** Seconds since the newest data the consumers have: what the "no fresh data" alarm watches. */
function recordLag(deps: ExportDeps, dataset: string, state: StateHandle): void {
  const end = state.state.checkpoint?.end;
  if (end !== undefined)
    deps.metrics.record(
      dataset,
      'DataLagSeconds',
      'Seconds',
      Math.max(0, Math.floor(deps.clock() / 1000) - end),
    );
}
