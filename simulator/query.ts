/**
 * Turns the row-selecting part of an analysis request (sourceType, query.filters, sortField,
 * sortDir) into a {@link Selection}, refusing what SC refuses with its 403 / 146 wording
 * (reference §3.1, §4.1).
 */
import { invalidParameters, ScRequestError } from './sc-error';
import {
  isOneOf,
  SC_VULN_FILTERS,
  SUMIP_COLUMNS,
  SUPPORTED_FILTERS,
  SUPPORTED_SORT_FIELDS,
  SUPPORTED_SUMIP_SORT_FIELDS,
} from './sc-vocabulary';
import { parseTimeWindow, type TimeWindow } from './time-filter';
import type { StoreName } from './types';
import { parseWasVuln, type WasVuln } from './was';

export type TimeField = 'lastSeen' | 'lastMitigated';

/** Which rows, in which order. */
export interface Selection {
  store: StoreName;
  times: (TimeWindow & { field: TimeField })[];
  /** Allowed severity ids; null = all. */
  severities: ReadonlySet<number> | null;
  /** Allowed repository ids; null = all. */
  repositories: ReadonlySet<number> | null;
  /** 'time' is lastSeen / lastMitigated, which is index order in both stores; 'ip' is sumip's. */
  sort: 'none' | 'time' | 'severity' | 'pluginID' | 'ip';
  descending: boolean;
  /** From pyTenable's `wasVuln` filter; the root key of the request wins (analysis.ts). */
  wasVuln?: WasVuln;
}

/** The fields of a request body this module reads. */
export interface SelectionInput {
  /** The query's tool: which sort fields exist depends on it. */
  tool?: unknown;
  sourceType?: unknown;
  filters?: unknown;
  sortField?: unknown;
  sortDir?: unknown;
}

function parseStore(sourceType: unknown): StoreName {
  if (sourceType === undefined || sourceType === 'cumulative') return 'cumulative';
  if (sourceType === 'patched') return 'patched';
  if (sourceType === 'individual') {
    // SC's answer when no view is given (reference §1.2, PT issue #73); the simulator has no scans.
    throw new ScRequestError(403, 142, 'Please specify a view for the individual data source.\n');
  }
  throw invalidParameters(
    `The sourceType '${String(sourceType)}' is invalid (valid sourceTypes: cumulative, patched, individual).`,
  );
}

function parseIdList(name: string, value: unknown, allowed: (id: number) => boolean): Set<number> {
  const raw: unknown[] = Array.isArray(value)
    ? value.map((item) => (typeof item === 'object' && item !== null && 'id' in item ? item.id : item))
    : typeof value === 'string' || typeof value === 'number'
      ? String(value).split(',')
      : [];
  const ids = raw.map((item) => Number(String(item).trim()));
  if (ids.length === 0 || ids.some((id) => !Number.isInteger(id) || !allowed(id))) {
    throw invalidParameters(`The filter '${name}' has an invalid value '${JSON.stringify(value)}'.`);
  }
  return new Set(ids);
}

function applyOperator(name: string, operator: unknown, ids: Set<number>, universe: number[]): Set<number> {
  if (operator === '=') return ids;
  if (operator === '!=') return new Set(universe.filter((id) => !ids.has(id)));
  const [only] = [...ids];
  if (operator === '>=' && ids.size === 1 && only !== undefined)
    return new Set(universe.filter((id) => id >= only));
  if (operator === '<=' && ids.size === 1 && only !== undefined)
    return new Set(universe.filter((id) => id <= only));
  throw invalidParameters(`The operator '${String(operator)}' is invalid for the filter '${name}'.`);
}

function intersect(current: ReadonlySet<number> | null, next: Set<number>): Set<number> {
  return current === null ? next : new Set([...next].filter((id) => current.has(id)));
}

function readFilter(filter: unknown): { name: string; operator: unknown; value: unknown } {
  if (typeof filter !== 'object' || filter === null || !('filterName' in filter)) {
    throw invalidParameters('Each filter must be an object with filterName, operator and value.');
  }
  const record = filter as Record<string, unknown>;
  return { name: String(record.filterName), operator: record.operator, value: record.value };
}

/**
 * Parses and validates the row selection of an analysis request.
 *
 * @param nowSeconds clock used for relative-day windows ("0:30"), read once per request.
 * @throws ScRequestError with SC's status and error code when SC would refuse the request.
 */
export function parseSelection(
  input: SelectionInput,
  nowSeconds: number,
  repositoryIds: number[],
): Selection {
  const store = parseStore(input.sourceType);
  const selection: Selection = {
    store,
    times: [],
    severities: null,
    repositories: null,
    sort: 'none',
    descending: false,
  };
  if (input.filters !== undefined && !Array.isArray(input.filters)) {
    throw invalidParameters('The query filters must be an array.');
  }
  for (const filter of input.filters ?? []) {
    const { name, operator, value } = readFilter(filter);
    if (!isOneOf(SC_VULN_FILTERS, name)) {
      // Listing the valid names is SC's own behaviour; clients use it to discover filters (reference §3.1).
      throw invalidParameters(
        `The filter '${name}' is invalid (valid filters: ${SC_VULN_FILTERS.join(', ')}).`,
      );
    }
    if (!isOneOf(SUPPORTED_FILTERS, name)) {
      throw invalidParameters(
        `The filter '${name}' is valid in SC but not implemented by the sc2aws simulator.`,
      );
    }
    if (name === 'lastSeen' || name === 'lastMitigated') {
      if (name === 'lastMitigated' && store === 'cumulative') {
        throw invalidParameters("The filter 'lastMitigated' applies to the patched data source only.");
      }
      if (operator !== '=')
        throw invalidParameters(`The operator '${String(operator)}' is invalid for the filter '${name}'.`);
      selection.times.push({ field: name, ...parseTimeWindow(name, value, nowSeconds) });
    } else if (name === 'severity') {
      const ids = parseIdList(name, value, (id) => id >= 0 && id <= 4);
      selection.severities = intersect(
        selection.severities,
        applyOperator(name, operator, ids, [0, 1, 2, 3, 4]),
      );
    } else if (name === 'repository') {
      const ids = parseIdList(name, value, (id) => id >= 0);
      selection.repositories = intersect(
        selection.repositories,
        applyOperator(name, operator, ids, repositoryIds),
      );
    } else if (name === 'wasVuln') {
      if (operator !== '=')
        throw invalidParameters(`The operator '${String(operator)}' is invalid for the filter '${name}'.`);
      const wasVuln = parseWasVuln(value);
      if (wasVuln !== undefined) selection.wasVuln = wasVuln;
    }
  }
  parseSort(input, selection);
  return selection;
}

function parseSort(input: SelectionInput, selection: Selection): void {
  // Documented as a pair, but EL sends sortField alone and works (reference §4.5): default ASC.
  if (input.sortField === undefined) return;
  if (input.tool === 'sumip') {
    parseSumIpSort(input, selection);
    return;
  }
  if (!isOneOf(SUPPORTED_SORT_FIELDS, input.sortField)) {
    throw invalidParameters(
      `The sortField '${String(input.sortField)}' is not supported by the sc2aws simulator (supported: ${SUPPORTED_SORT_FIELDS.join(', ')}).`,
    );
  }
  selection.sort =
    input.sortField === 'severity' || input.sortField === 'pluginID' ? input.sortField : 'time';
  selection.descending = parseSortDir(input.sortDir);
}

function parseSortDir(sortDir: unknown): boolean {
  const dir = sortDir === undefined ? 'ASC' : String(sortDir).toUpperCase();
  if (dir !== 'ASC' && dir !== 'DESC') {
    throw invalidParameters(`The sortDir '${String(sortDir)}' is invalid (valid sortDirs: ASC, DESC).`);
  }
  return dir === 'DESC';
}

/**
 * sumip rows carry only {@link SUMIP_COLUMNS}: no firstSeen/lastSeen. How SC answers a sort on a
 * column the tool lacks is neither documented nor recorded, so the simulator refuses it the way SC
 * refuses other invalid parameters (403 / 146): a client that sorts sumip on lastSeen fails in
 * tests instead of trusting an order SC may not give.
 */
function parseSumIpSort(input: SelectionInput, selection: Selection): void {
  const field = String(input.sortField);
  if (!isOneOf(SUMIP_COLUMNS, field)) {
    throw invalidParameters(
      `The sortField '${field}' is invalid for the tool 'sumip' (its columns: ${SUMIP_COLUMNS.join(', ')}).`,
    );
  }
  if (!isOneOf(SUPPORTED_SUMIP_SORT_FIELDS, field)) {
    throw invalidParameters(
      `The sortField '${field}' is not supported for sumip by the sc2aws simulator (supported: ${SUPPORTED_SUMIP_SORT_FIELDS.join(', ')}).`,
    );
  }
  selection.sort = 'ip';
  selection.descending = parseSortDir(input.sortDir);
}
