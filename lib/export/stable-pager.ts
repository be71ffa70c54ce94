import { ScError, ScErrorCode } from '#lib/tenable';
import { identityTag } from './identity';

/** Where paging resumes: the next offset and the identities of the last page read. */
export interface PageCursor {
  offset: number;
  /** {@link identityTag}s of the previous response, in order: the landmarks to re-find. */
  landmarks: string[];
}

export const START_CURSOR: PageCursor = { offset: 0, landmarks: [] };

export type FetchRows = (startOffset: number, pageSize: number) => Promise<Record<string, unknown>[]>;

export interface StablePage {
  /** Rows not delivered before (by identity against the previous page). */
  rows: Record<string, unknown>[];
  /** Resume here after these rows are durably written. */
  cursor: PageCursor;
  /** Rows of the response skipped as already delivered. */
  skipped: number;
  /** Times this page had to look further back because rows left the result set meanwhile. */
  walkBacks: number;
}

export interface StablePagerOptions {
  pageSize: number;
  /** Rows re-read before each offset; must be < pageSize. */
  overlap: number;
  identityOf: (row: Record<string, unknown>) => string;
  /** Hard stop against a server that never ends (SC_PROTOCOL). */
  maxPages?: number;
}

/**
 * Offset paging that survives rows leaving and entering the result set while it pages (rescans
 * during an export, reference §4.5, §7.3). With a stable sort, rows that leave before the current
 * offset shift every later row left, and a plain offset pager skips them. So each request starts
 * `overlap` rows before the offset, and the response must contain a landmark — a row of the previous
 * response. Rows after the last landmark found are new; landmarks themselves are not delivered twice.
 * When no landmark is in the response, more rows left than the overlap covers: the pager walks back,
 * a page at a time, until it finds one (or reaches offset 0 and delivers everything it has not
 * seen: duplicates are identifiable downstream, a lost row is not). Memory: one page of rows and one
 * page of landmark tags.
 *
 * Every row that stays in the window for the whole run is delivered at least once. Rows that enter
 * behind the current offset during the run are left to the next run's overlapping window.
 *
 * @example
 * ```ts
 * for await (const page of stablePages(fetch, START_CURSOR, { pageSize: 1000, overlap: 100, identityOf })) {
 *   await writer.write(page.rows.map((r) => JSON.stringify(r)));
 *   cursor = page.cursor;
 * }
 * ```
 */
export async function* stablePages(
  fetch: FetchRows,
  start: PageCursor,
  options: StablePagerOptions,
): AsyncGenerator<StablePage> {
  const { pageSize, identityOf } = options;
  const overlap = Math.max(1, Math.min(options.overlap, pageSize - 1));
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  let cursor = start;
  for (let page = 0; ; page++) {
    if (page >= maxPages) {
      throw new ScError(
        ScErrorCode.Protocol,
        `Paging did not end after ${maxPages} pages; SC keeps returning full pages. Stopped instead of looping. Fix: report the SC version; narrow the window.`,
        { request: 'POST /rest/analysis' },
      );
    }
    const landmarks = new Set(cursor.landmarks);
    let back = landmarks.size === 0 ? 0 : Math.min(overlap, cursor.offset);
    let walkBacks = 0;
    let from: number;
    let rows: Record<string, unknown>[];
    let tags: string[];
    let lastLandmark: number;
    for (;;) {
      from = cursor.offset - back;
      rows = await fetch(from, pageSize);
      tags = rows.map((row) => identityTag(identityOf(row)));
      lastLandmark = -1;
      for (let i = tags.length - 1; i >= 0; i--) {
        if (landmarks.has(tags[i] as string)) {
          lastLandmark = i;
          break;
        }
      }
      if (landmarks.size === 0 || lastLandmark >= 0 || from === 0) break;
      // Not one row of the previous response is here: more rows left than the overlap covers.
      back = Math.min(cursor.offset, back + pageSize - overlap);
      walkBacks += 1;
    }
    const fresh: Record<string, unknown>[] = [];
    let skipped = 0;
    rows.forEach((row, i) => {
      if (i <= lastLandmark || landmarks.has(tags[i] as string)) skipped += 1;
      else fresh.push(row);
    });
    const next: PageCursor = { offset: from + rows.length, landmarks: tags };
    yield { rows: fresh, cursor: next, skipped, walkBacks };
    // A short response is the end (SC's counts are not trusted, reference §7.2).
    if (rows.length < pageSize) return;
    cursor = next;
  }
}
