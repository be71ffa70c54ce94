import { DATASETS, type Dataset, DEFAULT_WAS_FINDINGS, type WasFindings } from '#lib/product';
import type { AnalysisFilter, AnalysisQuery } from '#lib/tenable';

export { DATASETS, type Dataset };

/** What one dataset pulls (reference §4.2, §5). */
export interface DatasetSpec {
  name: Dataset;
  sourceType: 'cumulative' | 'patched';
  tool: 'vulndetails' | 'sumip';
  /** The time field the window filters on. */
  timeField: 'lastSeen' | 'lastMitigated';
  /**
   * The column SC sorts on: one the tool's rows carry, giving a stable order the drift-safe pager
   * re-finds its landmarks in.
   */
  sortField: 'lastSeen' | 'lastMitigated' | 'ip';
  /** Findings carry plugin/port identity; assets only the host's. */
  identity: 'finding' | 'host';
}

export const DATASET_SPECS: Record<Dataset, DatasetSpec> = {
  vulns: {
    name: 'vulns',
    sourceType: 'cumulative',
    tool: 'vulndetails',
    timeField: 'lastSeen',
    sortField: 'lastSeen',
    identity: 'finding',
  },
  // Mitigated findings live in SC's separate patched store (reference §4.2, §7.6).
  fixed: {
    name: 'fixed',
    sourceType: 'patched',
    tool: 'vulndetails',
    timeField: 'lastMitigated',
    sortField: 'lastMitigated',
    identity: 'finding',
  },
  assets: {
    name: 'assets',
    sourceType: 'cumulative',
    tool: 'sumip',
    // SC filters sumip by its hosts' findings' lastSeen, but a sumip row has no lastSeen column
    // (recorded rows, issue 17): it is sorted on `ip`, one host per ip in a repository.
    timeField: 'lastSeen',
    sortField: 'ip',
    identity: 'host',
  },
};

export interface QueryScope {
  /** Lowest severity id included (0 Info … 4 Critical). */
  severityFloor: number;
  /** Only these repositories, when set. */
  repositoryIds?: readonly string[];
  /** Web-application-scanning findings in the finding datasets; absent means the default, `exclude`. */
  wasFindings?: WasFindings;
}

/** SC's root `wasVuln` value for each setting (reference §3.1). */
const WAS_VULN = { exclude: 'excludeWas', include: 'includeWas', only: 'onlyWas' } as const;

/**
 * The `/rest/analysis` query for one dataset and window: the epoch `start-end` filter form
 * (reference §4.1), sorted ascending on the spec's sort field (findings: the window field, so paging
 * runs from old to new; hosts: ip). Finding datasets say whether they want web-application findings
 * in the root `wasVuln` key SC documents (reference §3.1): SC includes them when it is absent; sumip
 * (hosts) has no such rows.
 */
export function datasetQuery(
  spec: DatasetSpec,
  window: { start: number; end: number },
  scope: QueryScope,
): AnalysisQuery {
  const filters: AnalysisFilter[] = [
    { filterName: spec.timeField, operator: '=', value: `${window.start}-${window.end}` },
  ];
  if (scope.severityFloor > 0) {
    const ids = [0, 1, 2, 3, 4].filter((s) => s >= scope.severityFloor).join(',');
    filters.push({ filterName: 'severity', operator: '=', value: ids });
  }
  if (scope.repositoryIds !== undefined && scope.repositoryIds.length > 0) {
    filters.push({
      filterName: 'repository',
      operator: '=',
      value: scope.repositoryIds.map((id) => ({ id })),
    });
  }
  return {
    tool: spec.tool,
    sourceType: spec.sourceType,
    filters,
    sort: { field: spec.sortField, direction: 'ASC' },
    ...(spec.tool === 'vulndetails' ? { wasVuln: WAS_VULN[scope.wasFindings ?? DEFAULT_WAS_FINDINGS] } : {}),
  };
}
