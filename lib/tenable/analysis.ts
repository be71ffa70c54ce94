import { ErrorCode } from '#lib/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE } from './constants';
import { ScError } from './errors';

/** One `/rest/analysis` filter. Values are strings; id lists use `[{id:"1"}]` (reference §3.1). */
export interface AnalysisFilter {
  filterName: string;
  operator: string;
  value: string | ReadonlyArray<{ id: string }>;
}

/** What to ask `/rest/analysis` for (type "vuln"). */
export interface AnalysisQuery {
  /** `vulndetails` (one row per finding) or `sumip` (one row per host), or any other SC tool. */
  tool: string;
  /** `cumulative` = open findings; `patched` = mitigated ones (reference §4.2). */
  sourceType: 'cumulative' | 'patched';
  filters?: readonly AnalysisFilter[];
  /** Sort field and direction go together or not at all (reference §3.1). */
  sort?: { field: string; direction: 'ASC' | 'DESC' };
}

export interface AnalysisPageOptions {
  /** Rows per page, 1–5000, default 1000. */
  pageSize?: number;
  /** First row to ask for (resume point). */
  startOffset?: number;
  signal?: AbortSignal;
}

/** One page of rows, exactly as SC sent them. */
export interface AnalysisPage {
  /** 0 for the first page of this iteration. */
  index: number;
  /** Offset the page was asked for. */
  startOffset: number;
  /** Offset the next page will be asked for. */
  nextOffset: number;
  rows: Record<string, unknown>[];
  /** SC's `totalRecords` when it sent a usable one (it is a hint, never trusted for stopping). */
  totalRecords?: number;
  /** SC's clock when the page was computed, epoch seconds. */
  timestamp?: number;
}

/** Sends one analysis request body; the client supplies it. */
export type AnalysisCall = (
  body: Record<string, unknown>,
  signal: AbortSignal | undefined,
) => Promise<{ response: unknown; timestamp?: number }>;

function checkPageSize(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE) {
    throw new ScError(
      ErrorCode.ScConfig,
      `The page size must be a whole number from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE} (got ${pageSize}); 1000 is what Tenable recommends.`,
    );
  }
  return pageSize;
}

/** Builds the request body. Offsets go at the root, as SC's documentation shows (reference §3.1). */
export function analysisRequestBody(
  query: AnalysisQuery,
  startOffset: number,
  endOffset: number,
): Record<string, unknown> {
  return {
    type: 'vuln',
    sourceType: query.sourceType,
    query: { type: 'vuln', tool: query.tool, filters: query.filters ?? [] },
    ...(query.sort === undefined ? {} : { sortField: query.sort.field, sortDir: query.sort.direction }),
    startOffset,
    endOffset,
  };
}

/** SC sends counts as strings, numbers, floats (10000.05, PT #823) or not at all (SC 6.2.0). */
function readCount(value: unknown): number | undefined {
  const n =
    typeof value === 'string' && value.trim() !== ''
      ? Number(value)
      : typeof value === 'number'
        ? value
        : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

function readPage(response: unknown): { rows: Record<string, unknown>[]; totalRecords?: number } {
  if (response === null || typeof response !== 'object' || Array.isArray(response)) {
    throw new ScError(
      ErrorCode.ScProtocol,
      "SC's /rest/analysis answer has no result object. Fix: check that the URL points at SC and that the query's tool returns rows.",
      { request: 'POST /rest/analysis' },
    );
  }
  const { results, totalRecords } = response as { results?: unknown; totalRecords?: unknown };
  // Some tools answer `results: null` for "nothing" (PT special-cases iplist).
  if (results !== null && results !== undefined && !Array.isArray(results)) {
    throw new ScError(
      ErrorCode.ScProtocol,
      "SC's /rest/analysis answer has `results` that is not a list. Fix: report the SC version; this tool's output is not supported.",
      { request: 'POST /rest/analysis' },
    );
  }
  const total = readCount(totalRecords);
  return {
    rows: (results ?? []) as Record<string, unknown>[],
    ...(total === undefined ? {} : { totalRecords: total }),
  };
}

/** One page of rows at an offset, as sent (see {@link analysisPages} for the counting quirks). */
export async function fetchAnalysisPage(
  call: AnalysisCall,
  query: AnalysisQuery,
  startOffset: number,
  pageSize: number,
  signal?: AbortSignal,
): Promise<{ rows: Record<string, unknown>[]; totalRecords?: number; timestamp?: number }> {
  checkPageSize(pageSize);
  const result = await call(analysisRequestBody(query, startOffset, startOffset + pageSize), signal);
  const page = readPage(result.response);
  return result.timestamp === undefined ? page : { ...page, timestamp: result.timestamp };
}

function fingerprint(rows: Record<string, unknown>[]): string {
  return rows.length === 0
    ? ''
    : `${rows.length}|${JSON.stringify(rows[0])}|${JSON.stringify(rows[rows.length - 1])}`;
}

/**
 * Pages through `/rest/analysis`, yielding each page before asking for the next, so at most one page
 * is held. SC's counts are unreliable (string counts, float `returnedRecords`, missing totals,
 * one extra row on big pages — reference §3.2, §7.2), so:
 * - progress is counted from `results.length`, never from `returnedRecords`;
 * - the next offset advances by the rows received, at most the page size (an extra row is kept,
 *   never skipped: a duplicate is identifiable, a lost row is not);
 * - it stops on an empty page, or on a short page unless `totalRecords` says more rows remain
 *   (a server that caps page sizes keeps being paged);
 * - two identical consecutive pages mean SC ignores offsets: that is an `SC_PROTOCOL` error, not
 *   an endless loop.
 *
 * @example
 * ```ts
 * for await (const page of analysisPages(call, { tool: 'vulndetails', sourceType: 'cumulative' })) {
 *   for (const row of page.rows) sink.write(row);
 * }
 * ```
 */
export async function* analysisPages(
  call: AnalysisCall,
  query: AnalysisQuery,
  options: AnalysisPageOptions = {},
): AsyncGenerator<AnalysisPage> {
  const pageSize = checkPageSize(options.pageSize ?? DEFAULT_PAGE_SIZE);
  let offset = options.startOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ScError(ErrorCode.ScConfig, `The start offset must be a whole number ≥ 0 (got ${offset}).`);
  }
  let previous = '';
  for (let index = 0; ; index++) {
    const result = await call(analysisRequestBody(query, offset, offset + pageSize), options.signal);
    const { rows, totalRecords } = readPage(result.response);
    if (rows.length === 0) return;
    const print = fingerprint(rows);
    if (print === previous) {
      throw new ScError(
        ErrorCode.ScProtocol,
        `SC returned the same ${rows.length} rows for offsets ${offset - pageSize} and ${offset}: it is ignoring the paging offsets. Stopped instead of looping. Fix: report the SC version; try a different page size.`,
        { request: 'POST /rest/analysis' },
      );
    }
    previous = print;
    const nextOffset = offset + Math.min(rows.length, pageSize);
    yield {
      index,
      startOffset: offset,
      nextOffset,
      rows,
      ...(totalRecords === undefined ? {} : { totalRecords }),
      ...(result.timestamp === undefined ? {} : { timestamp: result.timestamp }),
    };
    const moreByTotal = totalRecords !== undefined && nextOffset < totalRecords;
    if (rows.length < pageSize && !moreByTotal) return;
    offset = nextOffset;
  }
}
