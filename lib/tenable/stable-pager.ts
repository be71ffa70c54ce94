import { ErrorCode } from '#lib/errors';
import { ScError } from './errors';

/** Where paging resumes: the next offset and the identities of the last page read. */
export interface PageCursor {
  offset: number;
  /** Landmarks of the previous response's rows, in order: the rows to re-find. */
  landmarks: string[];
}

export const START_CURSOR: PageCursor = { offset: 0, landmarks: [] };

/** What the pager needs of a page: its rows' landmarks, and a way to give its memory back. */
export interface LandmarkedPage {
  /** One landmark per row, in order (see {@link AnalysisPage.landmarks}). */
  readonly landmarks: readonly string[];
  release(): void;
}

/** Fetches the page of `pageSize` rows at `startOffset` (e.g. {@link ScClient.analysisPage}). */
export type FetchPage<P extends LandmarkedPage> = (startOffset: number, pageSize: number) => Promise<P>;

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
}

export interface StablePagerOptions {
  pageSize: number;
  /** Rows re-read before each offset; must be < pageSize. */
  overlap: number;
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
 * seen: duplicates are identifiable downstream, a lost row is not). The rows after the last
 * landmark found are always a run at the end of the response: that run is what a page yields.
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
  const { pageSize } = options;
  const overlap = Math.max(1, Math.min(options.overlap, pageSize - 1));
  const readAhead = Math.max(0, options.readAhead ?? DEFAULT_READ_AHEAD);
  // Rows a full page brings (SC has been seen to send one more than asked, reference §7.2).
  let fullPage = pageSize;
  const ahead: { from: number; page: Promise<P> }[] = [];
  // Guessed wrong: those responses are released when they come (a failed one is ignored).
  const dropGuesses = () => {
    for (const guess of ahead.splice(0))
      guess.page.then(
        (page) => page.release(),
        () => {},
      );
  };
  const fetchAt = (from: number): Promise<P> => {
    let page: Promise<P>;
    if (ahead[0]?.from === from) page = (ahead.shift() as { page: Promise<P> }).page;
    else {
      dropGuesses();
      page = fetch(from, pageSize);
    }
    let next = (ahead.at(-1)?.from ?? from) + fullPage - overlap;
    while (ahead.length < readAhead) {
      const guess = { from: next, page: fetch(next, pageSize) };
      // Observed when used; one never used must not become an unhandled rejection.
      guess.page.catch(() => {});
      ahead.push(guess);
      next += fullPage - overlap;
    }
    return page;
  };
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  let cursor = start;
  try {
    for (let count = 0; ; count++) {
      if (count >= maxPages) {
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
      let page: P;
      let tags: readonly string[];
      let lastLandmark: number;
      for (;;) {
        from = cursor.offset - back;
        page = await fetchAt(from);
        tags = page.landmarks;
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
      const next: PageCursor = { offset: from + length, landmarks: [...tags] };
      // A short response is the end (SC's counts are not trusted, reference §7.2).
      const last = length < pageSize;
      if (last) dropGuesses();
      else fullPage = length;
      yield { page, fresh, rows: length - fresh, cursor: next, skipped: fresh, walkBacks };
      if (last) return;
      cursor = next;
    }
  } finally {
    // Abandoned (the caller stopped early) or done: responses still coming are released.
    dropGuesses();
  }
}
