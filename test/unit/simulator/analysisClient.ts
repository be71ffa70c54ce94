/** A minimal analysis client for the simulator tests. */
import type { AnalysisFilter, SimulatorHandle, VulnDetailsRow } from '#sim';
import { apiKey, envelopeOf, rawRequest } from './helpers';

export interface AnalysisPage {
  status: number;
  errorCode: number;
  errorMsg: string;
  totalRecords?: string | undefined;
  returnedRecords?: number | undefined;
  startOffset?: string | undefined;
  endOffset?: string | undefined;
  results: VulnDetailsRow[];
  raw: Record<string, unknown>;
}

/** A vuln analysis body with the usual shape (reference §3.1). */
export function analysisBody(options: {
  sourceType?: string;
  tool?: string;
  filters?: AnalysisFilter[];
  sortField?: string | undefined;
  sortDir?: string | undefined;
  startOffset?: number;
  endOffset?: number;
  offsetsInQuery?: boolean;
}): Record<string, unknown> {
  const offsets = { startOffset: options.startOffset ?? 0, endOffset: options.endOffset ?? 1000 };
  const query: Record<string, unknown> = {
    type: 'vuln',
    tool: options.tool ?? 'vulndetails',
    filters: options.filters ?? [],
  };
  const body: Record<string, unknown> = {
    type: 'vuln',
    sourceType: options.sourceType ?? 'cumulative',
    query,
  };
  if (options.sortField) body.sortField = options.sortField;
  if (options.sortDir) body.sortDir = options.sortDir;
  Object.assign(options.offsetsInQuery ? query : body, offsets);
  return body;
}

/** POSTs one analysis request with the first user's keys. */
export async function analysis(sim: SimulatorHandle, body: unknown): Promise<AnalysisPage> {
  const response = await rawRequest(sim, {
    method: 'POST',
    path: '/rest/analysis',
    headers: { 'x-apikey': apiKey(sim.keys) },
    body,
  });
  const envelope = envelopeOf(response);
  const raw = (
    typeof envelope.response === 'object' && envelope.response !== null ? envelope.response : {}
  ) as Record<string, unknown>;
  return {
    status: response.status,
    errorCode: envelope.error_code,
    errorMsg: envelope.error_msg,
    totalRecords: raw.totalRecords as string | undefined,
    returnedRecords: raw.returnedRecords as number | undefined,
    startOffset: raw.startOffset as string | undefined,
    endOffset: raw.endOffset as string | undefined,
    results: (raw.results as VulnDetailsRow[] | undefined) ?? [],
    raw,
  };
}

/** Pages naively by offset until a short page, returning every row served. */
export async function pageAll(
  sim: SimulatorHandle,
  options: Parameters<typeof analysisBody>[0],
  pageSize: number,
): Promise<VulnDetailsRow[]> {
  const rows: VulnDetailsRow[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await analysis(
      sim,
      analysisBody({ ...options, startOffset: offset, endOffset: offset + pageSize }),
    );
    if (page.status !== 200) throw new Error(`page at ${offset} failed: ${page.status} ${page.errorMsg}`);
    rows.push(...page.results);
    if (page.results.length < pageSize) return rows;
  }
}

/** lastSeen epoch-range filter (reference §4.1). */
export function lastSeenRange(from: number, to: number): AnalysisFilter {
  return { filterName: 'lastSeen', operator: '=', value: `${from}-${to}` };
}
