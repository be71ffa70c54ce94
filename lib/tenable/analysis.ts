import { ErrorCode } from '#lib/errors';
import { MAX_PAGE_SIZE, MIN_PAGE_SIZE } from './constants';
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
  /** Web-application findings: SC includes them when this is absent (reference §3.1). */
  wasVuln?: 'excludeWas' | 'includeWas' | 'onlyWas';
}

export function checkPageSize(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE) {
    throw new ScError(
      ErrorCode.ScConfig,
      `The page size must be a whole number from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE} (got ${pageSize}); 1000 is what Tenable recommends.`,
    );
  }
  return pageSize;
}

/**
 * Builds the request body. The offsets go at the root, where SC's documentation puts them, and inside
 * `query` too, where pyTenable's recorded requests put them and SC honoured them (reference §3.1): a
 * server that reads only one of the two places would otherwise answer the first page forever.
 */
export function analysisRequestBody(
  query: AnalysisQuery,
  startOffset: number,
  endOffset: number,
): Record<string, unknown> {
  return {
    type: 'vuln',
    sourceType: query.sourceType,
    query: { type: 'vuln', tool: query.tool, filters: query.filters ?? [], startOffset, endOffset },
    ...(query.sort === undefined ? {} : { sortField: query.sort.field, sortDir: query.sort.direction }),
    ...(query.wasVuln === undefined ? {} : { wasVuln: query.wasVuln }),
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

/**
 * The rows and the `totalRecords` hint of an analysis answer. Progress is counted from the rows,
 * never from `returnedRecords` (reference §3.2, §7.2).
 */
export function readPage(response: unknown): { rows: Record<string, unknown>[]; totalRecords?: number } {
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
