import { ErrorCode } from '#lib/errors';
import { ScError } from './errors';

/** Where paging resumes: the next offset and the identities of the last page read. */
export interface PageCursor {
  offset: number;
  /** Landmarks of the previous response's rows, in order: the rows to re-find. */
  landmarks: string[];
}

export const START_CURSOR: PageCursor = { offset: 0, landmarks: [] };

/** What the pager needs of a page: its rows' landmarks, SC's total, and a way to give its memory back. */
export interface LandmarkedPage {
  /** One landmark per row, in order (see {@link AnalysisPage.landmarks}). */
  readonly landmarks: readonly string[];
  /** SC's `totalRecords` for the query when this page was computed, if it sent one. */
  readonly totalRecords?: number | undefined;
  release(): void;
}

/**
 * Fetches the page of `pageSize` rows at `startOffset` (e.g. {@link ScClient.analysisPage}). The
 * pager aborts `signal` when it no longer wants the answer (a wrong guess, or paging ended).
 */
export type FetchPage<P extends LandmarkedPage> = (
  startOffset: number,
  pageSize: number,
  signal: AbortSignal,
) => Promise<P>;

export interface StablePage<P extends LandmarkedPage> {
  /** The response; its rows from {@link fresh} on were not delivered before. Release it once written. */
  page: P;
  /** Index of the first row not delivered before: the rows before it are landmarks, re-read. */
  fresh: number;
  /** Rows not delivered before: `page.landmarks.length - fresh`. */
  rows: number;
  /** Resume here after these rows are durably written. */
  cursor: PageCursor;
  /** Rows of the response skipped as already delivered. */
  skipped: number;
  /** Times this page had to look further back because rows left the result set meanwhile. */
  walkBacks: number;
  /** The page size now asked for: smaller than the option when SC serves fewer rows a page. */
  pageSize: number;
}

export interface StablePagerOptions {
  pageSize: number;
  /** Rows re-read before each offset; must be < pageSize. */
  overlap: number;
  /** Requests kept in flight ahead of the page being read (default {@link DEFAULT_READ_AHEAD}). */
  readAhead?: number;
}

/**
 * Two requests ahead keep SC busy while a page is split and written: with one, SC waited for each
 * page to be read before it saw the next request (bench/, issue 9).
 */
export const DEFAULT_READ_AHEAD = 2;

/** Full pages in a row that bring no new row before paging is declared stalled. */
const STALLED_PAGES = 2;

/**
 * How far past SC's `totalRecords` paging may reach before it counts as a runaway: rows entering
 * the result set during the run and the extra-row quirk move the end a little; a tenth more and
 * three pages cover them with room, and still stop a server that never ends within a few pages.
 * (Offsets, not pages, are bounded: a walk-back re-reads pages without moving past the end.)
 */
function offsetLimit(total: number, pageSize: number): number {
  return total + Math.ceil(total / 10) + 3 * pageSize;
}

/**
 * Offset paging that survives rows leaving and entering the result set while it pages (rescans
 * during an export, reference §4.5, §7.3). With a stable sort, rows that leave before the current
 * offset shift every later row left, and a plain offset pager skips them. So each request starts
 * `overlap` rows before the offset, and the response must contain a landmark — a row of the previous
 * response. Rows after the last landmark found are new; landmarks themselves are not delivered twice.
 * When no landmark is in the response, more rows left than the overlap covers: the pager walks back,
 * a page at a time, until it finds one (or reaches offset 0 and delivers everything it has not
 * seen: duplicates are identifiable downstream, a lost row is not). The rows after the last
 * landmark found are always a run at the end of the response: that run is what a page yields.
 *
 * Every row that stays in the window for the whole run is delivered at least once. Rows that enter
 * behind the current offset during the run are left to the next run's overlapping window.
 *
 * Nothing loops and nothing ends short (SC's counts are hints, reference §3.2, §4.4, §7.2):
 * - a short page is the end only when it reaches SC's `totalRecords` for that same answer (or SC
 *   sent no total). A server or proxy that caps pages below the size asked for is paged on from
 *   where the page ended, at the size it serves. An empty page short of the total is asked for
 *   once more; a second short page short of the total, or a second empty one, fails paging with
 *   `SC_PAGING_SHORT` rather than complete short;
 * - the same rows answered for a different offset (the answer's landmarks repeat), {@link
 *   STALLED_PAGES} full pages in a row without a new row, or paging past SC's total ({@link
 *   offsetLimit}) end paging with `SC_PAGING_STALLED`.
 *
 * SC's time and the caller's overlap: `readAhead` requests are in flight while the caller works on
 * a page. Their offsets are a guess (the next page starts `overlap` rows before this one ends, as it
 * does when pages come back full); a response that moves the offsets elsewhere (a short page, a
 * walk-back) drops the guesses and asks again. The guesses cost SC at most `readAhead` wasted pages
 * per run, past the end. Memory: `readAhead` + 1 pages of rows and one page of landmark tags.
 *
 * @example
 * ```ts
 * const fetch = (startOffset: number, pageSize: number) =>
 *   sc.analysisPage(query, { startOffset, pageSize, kind: 'finding' });
 * for await (const { page, fresh, rows, cursor } of stablePages(fetch, START_CURSOR, { pageSize: 1000, overlap: 20 })) {
 *   await writer.writeNdjson(page.ndjson(fresh), rows);
 *   page.release();
 *   resumeAt = cursor;
 * }
 * ```
 */
export async function* stablePages<P extends LandmarkedPage>(
  fetch: FetchPage<P>,
  start: PageCursor,
  options: StablePagerOptions,
): AsyncGenerator<StablePage<P>> {
  let pageSize = options.pageSize;
  let overlap = Math.max(1, Math.min(options.overlap, pageSize - 1));
  const readAhead = Math.max(0, options.readAhead ?? DEFAULT_READ_AHEAD);
  // Rows a full page brings (SC has been seen to send one more than asked, reference §7.2).
  let fullPage = pageSize;
  const ahead: { from: number; page: Promise<P>; abort: AbortController }[] = [];
  // Guessed wrong, or paging ended: those requests are aborted, and a response that still comes is
  // released (a failed one is ignored).
  const dropGuesses = () => {
    for (const guess of ahead.splice(0)) {
      guess.abort.abort();
      guess.page.then(
        (page) => page.release(),
        () => {},
      );
    }
  };
  const request = (from: number) => {
    const abort = new AbortController();
    const page = fetch(from, pageSize, abort.signal);
    // Observed when used; one never used must not become an unhandled rejection.
    page.catch(() => {});
    return { from, page, abort };
  };
  const fetchAt = (from: number): Promise<P> => {
    let page: Promise<P>;
    if (ahead[0]?.from === from) page = (ahead.shift() as { page: Promise<P> }).page;
    else {
      dropGuesses();
      page = request(from).page;
    }
    let next = (ahead.at(-1)?.from ?? from) + fullPage - overlap;
    while (ahead.length < readAhead) {
      ahead.push(request(next));
      next += fullPage - overlap;
    }
    return page;
  };
  let cursor = start;
  let mostRows: number | undefined; // the largest total SC reported
  let stalled = 0;
  let previous: { from: number; tags: readonly string[] } | undefined;
  try {
    for (;;) {
      if (mostRows !== undefined && cursor.offset > offsetLimit(mostRows, pageSize)) {
        throw stalledError(
          `Paging reached offset ${cursor.offset}, well past the ${mostRows} rows SC reports for the query: it keeps returning full pages.`,
        );
      }
      const landmarks = new Set(cursor.landmarks);
      let back = landmarks.size === 0 ? 0 : Math.min(overlap, cursor.offset);
      let walkBacks = 0;
      let emptyRetried = false;
      let from: number;
      let page: P;
      let tags: readonly string[];
      let lastLandmark: number;
      for (;;) {
        from = cursor.offset - back;
        page = await fetchAt(from);
        tags = page.landmarks;
        const total = page.totalRecords;
        if (tags.length === 0 && total !== undefined && from < total) {
          // An empty page short of SC's own total: asked once more before anything is concluded.
          page.release();
          if (emptyRetried) {
            throw new ScError(
              ErrorCode.ScPagingShort,
              `SC reported ${total} rows for the query but returned none from offset ${from}, twice. Stopped rather than complete short: the parts so far are kept and the checkpoint did not move. Fix: check SC's health (a repository being rebuilt can do this) and run again; report the SC version if it persists.`,
              { request: 'POST /rest/analysis' },
            );
          }
          emptyRetried = true;
          dropGuesses();
          continue;
        }
        lastLandmark = -1;
        for (let i = tags.length - 1; i >= 0; i--) {
          if (landmarks.has(tags[i] as string)) {
            lastLandmark = i;
            break;
          }
        }
        if (landmarks.size === 0 || lastLandmark >= 0 || from === 0) break;
        // Not one row of the previous response is here: more rows left than the overlap covers.
        page.release();
        back = Math.min(cursor.offset, back + pageSize - overlap);
        walkBacks += 1;
      }
      // Rows after the last landmark are new by definition (none of them is a landmark).
      const fresh = lastLandmark + 1;
      const length = tags.length;
      const total = page.totalRecords;
      try {
        if (previous !== undefined && from !== previous.from && length > 0 && sameRows(tags, previous.tags)) {
          throw stalledError(
            `SC answered the same ${length} rows for offsets ${previous.from} and ${from}: it (or a proxy in front of it) ignores the paging offsets.`,
          );
        }
        stalled = length >= pageSize && fresh === length ? stalled + 1 : 0;
        if (stalled >= STALLED_PAGES) {
          throw stalledError(`${stalled} full pages in a row brought no new row (offset ${from}).`);
        }
      } catch (err) {
        page.release();
        throw err;
      }
      previous = { from, tags };
      const end = from + length;
      const next: PageCursor = { offset: end, landmarks: [...tags] };
      const short = length < pageSize;
      // A short page is the end when it reaches SC's total for this same answer (rows that left
      // during the run are already out of it), or when SC sent no total (reference §4.4).
      const last = short && (total === undefined || end >= total);
      const yielded: StablePage<P> = {
        page,
        fresh,
        rows: length - fresh,
        cursor: next,
        skipped: fresh,
        walkBacks,
        pageSize,
      };
      if (short) {
        dropGuesses();
        if (!last) {
          if (pageSize < options.pageSize) {
            page.release();
            throw new ScError(
              ErrorCode.ScPagingShort,
              `SC reported ${total} rows for the query but its pages end at offset ${end} (${length} rows served where ${pageSize} were asked, after it had already served fewer than asked). Stopped rather than complete short: the parts so far are kept and the checkpoint did not move. Fix: run again; if it persists, lower the page size and report the SC version.`,
              { request: 'POST /rest/analysis' },
            );
          }
          // SC (or a proxy) serves fewer rows a page than asked: ask for what it serves from now
          // on (once: a second short page short of the total is not a cap any more).
          pageSize = length;
          overlap = Math.max(1, Math.min(options.overlap, pageSize - 1));
          fullPage = length;
        }
      } else fullPage = length;
      if (total !== undefined) mostRows = Math.max(mostRows ?? 0, total);
      yield { ...yielded, pageSize };
      if (last) return;
      cursor = next;
    }
  } finally {
    // Abandoned (the caller stopped early) or done: requests still running are aborted.
    dropGuesses();
  }
}

function sameRows(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function stalledError(what: string): ScError {
  return new ScError(
    ErrorCode.ScPagingStalled,
    `${what} Stopped instead of looping: the parts so far are kept and the checkpoint did not move. Fix: point the SC URL at SC itself, not at a proxy that rewrites requests; if it is SC, report its version.`,
    { request: 'POST /rest/analysis' },
  );
}
