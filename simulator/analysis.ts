/**
 * POST /rest/analysis for type "vuln" with the vulndetails and sumip tools (reference §3).
 */
import { DEFAULT_PAGE_WHEN_NO_END } from './constants';
import { parseSelection, type Selection, type SelectionInput } from './query';
import { okReply, type Reply } from './reply';
import { buildRow } from './rows';
import { invalidParameters } from './sc-error';
import { isOneOf, SC_VULN_TOOLS, SUPPORTED_TOOLS } from './sc-vocabulary';
import { SelectionView } from './selection-view';
import type { SimulatorState } from './state';
import { sumIpPage } from './sumip';
import type { VulnDetailsRow } from './types';
import { DEFAULT_WAS_VULN, parseWasVuln, type WasVuln, wasRowsMatching } from './was';

type Tool = (typeof SUPPORTED_TOOLS)[number];

interface AnalysisRequest {
  tool: Tool;
  selection: Selection;
  wasVuln: WasVuln;
  startOffset: number;
  endOffset: number;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function readOffset(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) {
    throw invalidParameters(`The ${name} '${String(value)}' is invalid: it must be a whole number >= 0.`);
  }
  return number;
}

function parseRequest(state: SimulatorState, body: unknown): AnalysisRequest {
  const root = asRecord(body);
  if (!root) throw invalidParameters('The request body must be a JSON object.');
  if (root.type !== 'vuln') {
    throw invalidParameters(
      `The type '${String(root.type)}' is not supported by the sc2aws simulator (supported: vuln).`,
    );
  }
  const query = asRecord(root.query);
  if (!query || query.tool === undefined) {
    // SC 6.7's docs: a bare query id is not accepted by the analysis call (reference §3.1).
    throw invalidParameters('The query must be a full query object with type, tool and filters.');
  }
  if (!isOneOf(SC_VULN_TOOLS, query.tool)) {
    throw invalidParameters(
      `The tool '${String(query.tool)}' is invalid (valid tools: ${SC_VULN_TOOLS.join(', ')}).`,
    );
  }
  if (!isOneOf(SUPPORTED_TOOLS, query.tool)) {
    throw invalidParameters(
      `The tool '${query.tool}' is valid in SC but not implemented by the sc2aws simulator.`,
    );
  }
  // Offsets work at the root (docs, EL, XS) and inside query (pyTenable) (reference §3.1); a
  // server or proxy that reads only one place, or none, is a mode of its own.
  const mode = state.offsetsRead;
  const offset = (name: 'startOffset' | 'endOffset') =>
    readOffset(
      name,
      mode === 'query' ? query[name] : mode === 'root' ? root[name] : (root[name] ?? query[name]),
    );
  let startOffset = offset('startOffset') ?? 0;
  let endOffset = offset('endOffset') ?? startOffset + DEFAULT_PAGE_WHEN_NO_END;
  if (mode === 'ignored') {
    // The page size survives, the position does not: the first page, whatever was asked.
    endOffset -= startOffset;
    startOffset = 0;
  }
  const input: SelectionInput = {
    tool: query.tool,
    sourceType: root.sourceType,
    filters: query.filters,
    sortField: root.sortField ?? query.sortField,
    sortDir: root.sortDir ?? query.sortDir,
  };
  const selection = parseSelection(input, state.nowSeconds(), state.repositoryIds());
  // SC documents `wasVuln` at the root; pyTenable sends it as a filter (reference §3.1).
  const wasVuln = parseWasVuln(root.wasVuln) ?? selection.wasVuln ?? DEFAULT_WAS_VULN;
  return { tool: query.tool, selection, wasVuln, startOffset, endOffset };
}

/** `returnedRecords` as the configured quirk wants it (reference §3.2, PT #823 / #736). */
function withCounts(state: SimulatorState, total: number, returned: number): Record<string, unknown> {
  if (state.returnedRecordsQuirk === 'absent') return {};
  const returnedRecords =
    state.returnedRecordsQuirk === 'float' && returned > 0 ? returned + 1 / 19 : returned;
  return { totalRecords: String(total), returnedRecords };
}

/**
 * Serves one analysis page.
 *
 * @throws ScRequestError for requests SC would refuse (403 / 146, 142).
 */
export function handleAnalysis(state: SimulatorState, body: unknown): Reply {
  const request = parseRequest(state, body);
  const { selection, startOffset, endOffset } = request;
  const servedEnd = Math.max(
    startOffset,
    Math.min(endOffset, startOffset + (state.pageLimit ?? Number.POSITIVE_INFINITY)),
  );
  const view = new SelectionView(state.model, state.overlays[selection.store], state.tables, selection);
  let response: Record<string, unknown>;
  if (request.tool === 'sumip') {
    const page = sumIpPage(state.model, selection, view, startOffset, servedEnd, state.drift.hostsLeft);
    response = {
      ...withCounts(state, page.total, page.rows.length),
      startOffset: String(startOffset),
      endOffset: String(endOffset),
      matchingDataElementCount: page.matchingDataElementCount,
      results: page.rows,
    };
    state.drift.afterHostPage(page.ranked, servedEnd);
  } else {
    const seed = state.settings.seed;
    // Web-application findings follow the host findings (was.ts); none unless the simulator has some.
    const hostTotal = request.wasVuln === 'onlyWas' ? 0 : view.total;
    const was =
      request.wasVuln === 'excludeWas'
        ? []
        : wasRowsMatching(state.model.layout, state.settings.wasCount, state.settings.generatedAt, selection);
    const rows: VulnDetailsRow[] = [
      ...view
        .slice(startOffset, Math.min(servedEnd, hostTotal))
        .map((ref) => buildRow(state.model.layout, view.specOf(ref), seed)),
      ...was.slice(Math.max(0, startOffset - hostTotal), Math.max(0, servedEnd - hostTotal)),
    ];
    response = {
      ...withCounts(state, hostTotal + was.length, rows.length),
      // SC echoes the requested offsets, even past the end (reference §3.2).
      startOffset: String(startOffset),
      endOffset: String(endOffset),
      matchingDataElementCount: '-1',
      results: rows,
    };
    state.drift.afterPage(selection, servedEnd);
  }
  return okReply(response, state.nowSeconds());
}
