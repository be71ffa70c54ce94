import { ErrorCode } from '#lib/errors';
import { PartWriter, partKey } from '#lib/sink';
import { type AnalysisQuery, isScError, type PageCursor, stablePages } from '#lib/tenable';
import type { Dataset, DatasetSpec } from './datasets';
import type { OpenRun } from './open-run';
import { recordFailure } from './run-metrics';
import type { ExportDeps, ExportSettings } from './types';

/** What one invocation's paging did. */
export interface PumpResult {
  /**
   * Why paging stopped: SC had no more rows (`done`), the deadline was near (`deadline`: the run
   * continues in the next invocation) or `deps.cancel` fired (`cancelled`).
   */
  stop: 'done' | 'deadline' | 'cancelled';
  rows: number;
  pages: number;
  /** Where the run's paging stands (stored in the state with the last part). */
  cursor: PageCursor;
}

/**
 * Pumps a run's pages from SC into gzip parts under `prefix`, from the run's resume cursor, until
 * SC has no more rows, the deadline is near or `deps.cancel` fires. Pages come through the
 * drift-safe pager, rows are written as the bytes SC sent, and each full part is stored in the
 * background while the next one fills; the run's cursor and part list move (and the state is
 * saved) only once a part is stored. On any failure the open part is dropped, the lease freed and
 * the error rethrown (the caller announces it): the next run resumes from the last stored part,
 * writing the same keys again.
 */
export async function pumpPages(
  deps: ExportDeps,
  settings: ExportSettings,
  dataset: Dataset,
  spec: DatasetSpec,
  { state, run }: OpenRun,
  query: AnalysisQuery,
  prefix: string,
): Promise<PumpResult> {
  const writer = new PartWriter(deps.store, (i) => partKey(prefix, i), {
    partSizeBytes: settings.partSizeBytes,
    firstIndex: run.nextPart,
  });
  // In-flight SC calls are cut short before the hard deadline, leaving time to store the part, and
  // at once when the caller cancels (Ctrl-C): one path for both.
  const abort = new AbortController();
  const remaining = deps.remainingMs();
  const timer = Number.isFinite(remaining)
    ? setTimeout(() => abort.abort(), Math.max(0, remaining - settings.timeGuardMs / 2))
    : undefined;
  const cancelled = () => deps.cancel?.aborted === true;
  const onCancel = () => abort.abort();
  deps.cancel?.addEventListener('abort', onCancel, { once: true });
  if (cancelled()) abort.abort();
  let totalHint: number | undefined;
  const fetch = async (startOffset: number, pageSize: number, dropped: AbortSignal) => {
    const page = await deps.sc.analysisPage(query, {
      startOffset,
      pageSize,
      kind: spec.identity,
      // The pager drops read-ahead it no longer wants; the deadline and a cancel stop everything.
      signal: AbortSignal.any([abort.signal, dropped]),
    });
    totalHint = page.totalRecords;
    return page;
  };

  let cursor: PageCursor = run.cursor;
  let rows = 0;
  let pages = 0;
  let stop: PumpResult['stop'] = 'done';
  // Closes the open part and, once it is stored, moves the resume cursor to where it ended.
  const storePart = async () => {
    const finishing = writer.finishPart(); // closes the part now: the next write opens the next one
    const at = { cursor, nextPart: writer.nextIndex };
    const part = await finishing;
    if (part !== undefined) {
      run.parts.push(part);
      deps.metrics.addMetric('BytesWritten', 'Bytes', part.bytes, { dataset });
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
      for await (const next of stablePages(fetch, run.cursor, {
        pageSize: settings.pageSize,
        overlap: settings.pageOverlapRows,
      })) {
        pages += 1;
        rows += next.rows;
        run.duplicatesSkipped += next.skipped;
        if (next.walkBacks > 0)
          deps.metrics.addMetric('PagingWalkBacks', 'Count', next.walkBacks, { dataset });
        await writer.writeNdjson(next.page.ndjson(next.fresh), next.rows);
        // Read by gzip: the page's memory serves the next pages. (After a failed write the page is
        // left to the garbage collector: gzip may still hold it.)
        next.page.release();
        cursor = next.cursor;
        deps.onProgress?.({
          dataset,
          rows,
          pages,
          ...(totalHint === undefined ? {} : { totalHint: Math.max(0, totalHint - run.cursor.offset) }),
        });
        if (storeFailure !== undefined) throw storeFailure.error;
        if (writer.partFull) await storeInBackground();
        if (cancelled()) {
          stop = 'cancelled';
          break;
        }
        if (deps.remainingMs() < settings.timeGuardMs) {
          stop = 'deadline';
          break;
        }
      }
    } catch (err) {
      // The deadline or a cancel cut an SC call short: what is written so far is kept.
      if (!(isScError(err, ErrorCode.ScAborted) && abort.signal.aborted)) throw err;
      stop = cancelled() ? 'cancelled' : 'deadline';
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
    deps.cancel?.removeEventListener('abort', onCancel);
  }
  return { stop, rows, pages, cursor };
}
