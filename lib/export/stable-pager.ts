import { ErrorCode } from '#lib/errors';
import { ScError } from '#lib/tenable';
import { identityTag } from './identity';

/** Where paging resumes: the next offset and the identities of the last page read. */
export interface PageCursor {
  offset: number;
  /** {@link identityTag}s of the previous response, in order: the landmarks to re-find. */
  landmarks: string[];
}

export const START_CURSOR: PageCursor = { offset: 0, landmarks: [] };

export type FetchRows<T> = (startOffset: number, pageSize: number) => Promise<T[]>;

export interface StablePage<T> {
  /** Rows not delivered before (by identity against the previous page). */
  rows: T[];
  /** Resume here after these rows are durably written. */
  cursor: PageCursor;
  /** Rows of the response skipped as already delivered. */
  skipped: number;
  /** Times this page had to look further back because rows left the result set meanwhile. */
  walkBacks: number;
}

export interface StablePagerOptions<T> {
  pageSize: number;
  /** Rows re-read before each offset; must be < pageSize. */
  overlap: number;
  identityOf: (row: T) => string;
  /** Hard stop against a server that never ends (SC_PROTOCOL). */
  maxPages?: number;
  /** Requests kept in flight ahead of the page being read (default {@link DEFAULT_READ_AHEAD}). */
  readAhead?: number;
}

/**
 * Two requests ahead keep SC busy while a page is split and written: with one, SC waited for each
 * page to be read before it saw the next request (bench/, issue 9).
 */
export const DEFAULT_READ_AHEAD = 2;

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
 * SC's time and the caller's overlap: `readAhead` requests are in flight while the caller works on
 * a page. Their offsets are a guess (the next page starts `overlap` rows before this one ends, as it
 * does when pages come back full); a response that moves the offsets elsewhere (a short page, a
 * walk-back) drops the guesses and asks again. The guesses cost SC at most `readAhead` wasted pages
 * per run, past the end. Memory: `readAhead` + 1 pages of rows and one page of landmark tags.
 *
 * @example
 * ```ts
 * for await (const page of stablePages(fetch, START_CURSOR, { pageSize: 1000, overlap: 100, identityOf })) {
 *   await writer.write(page.rows.map((r) => JSON.stringify(r)));
 *   cursor = page.cursor;
 * }
 * ```
 */
export async function* stablePages<T>(
  fetch: FetchRows<T>,
  start: PageCursor,
  options: StablePagerOptions<T>,
): AsyncGenerator<StablePage<T>> {
  const { pageSize, identityOf } = options;
  const overlap = Math.max(1, Math.min(options.overlap, pageSize - 1));
  const readAhead = Math.max(0, options.readAhead ?? DEFAULT_READ_AHEAD);
  // Rows a full page brings (SC has been seen to send one more than asked, reference §7.2).
  let fullPage = pageSize;
  const ahead: { from: number; rows: Promise<T[]> }[] = [];
  const fetchAt = (from: number): Promise<T[]> => {
    let rows: Promise<T[]>;
    if (ahead[0]?.from === from) rows = (ahead.shift() as { rows: Promise<T[]> }).rows;
    else {
      ahead.length = 0; // guessed wrong: those responses are dropped when they come
      rows = fetch(from, pageSize);
    }
    let next = (ahead.at(-1)?.from ?? from) + fullPage - overlap;
    while (ahead.length < readAhead) {
      const guess = { from: next, rows: fetch(next, pageSize) };
      // Observed when used; one never used must not become an unhandled rejection.
      guess.rows.catch(() => {});
      ahead.push(guess);
      next += fullPage - overlap;
    }
    return rows;
  };
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  let cursor = start;
  for (let page = 0; ; page++) {
    if (page >= maxPages) {
      throw new ScError(
        ErrorCode.ScProtocol,
        `Paging did not end after ${maxPages} pages; SC keeps returning full pages. Stopped instead of looping. Fix: report the SC version; narrow the window.`,
        { request: 'POST /rest/analysis' },
      );
    }
    const landmarks = new Set(cursor.landmarks);
    let back = landmarks.size === 0 ? 0 : Math.min(overlap, cursor.offset);
    let walkBacks = 0;
    let from: number;
    let rows: T[];
    let tags: string[];
    let lastLandmark: number;
    for (;;) {
      from = cursor.offset - back;
      rows = await fetchAt(from);
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
    const fresh: T[] = [];
    let skipped = 0;
    rows.forEach((row, i) => {
      if (i <= lastLandmark || landmarks.has(tags[i] as string)) skipped += 1;
      else fresh.push(row);
    });
    const next: PageCursor = { offset: from + rows.length, landmarks: tags };
    // A short response is the end (SC's counts are not trusted, reference §7.2).
    const last = rows.length < pageSize;
    if (last) ahead.length = 0;
    else fullPage = rows.length;
    yield { rows: fresh, cursor: next, skipped, walkBacks };
    if (last) return;
    cursor = next;
  }
}
