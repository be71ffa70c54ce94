/**
 * Builds and caches the {@link MatchTable}s a selection needs: one per (severity set, repository
 * set, sort group). Each costs O(hostCount × plugins per host) once.
 */
import type { FindingLayout } from './layout';
import { MatchTable } from './match-table';
import { PLUGIN_DETAILS } from './plugin-details';

const MAX_TABLES = 256;

/** Extra condition of a sort group: one severity or one catalog plugin. */
export type GroupCondition =
  | { kind: 'all' }
  | { kind: 'severity'; id: number }
  | { kind: 'plugin'; index: number };

function keyOf(set: ReadonlySet<number> | null): string {
  return set === null ? '*' : [...set].sort((a, b) => a - b).join(',');
}

export class TableCache {
  private readonly tables = new Map<string, MatchTable>();

  constructor(private readonly layout: FindingLayout) {}

  /** Table of findings whose severity and repository are allowed and that satisfy `group`. */
  get(
    severities: ReadonlySet<number> | null,
    repositories: ReadonlySet<number> | null,
    group: GroupCondition,
  ): MatchTable {
    const groupKey =
      group.kind === 'all' ? 'all' : group.kind === 'severity' ? `s${group.id}` : `p${group.index}`;
    const key = `${keyOf(severities)}|${keyOf(repositories)}|${groupKey}`;
    const cached = this.tables.get(key);
    if (cached) return cached;
    const table = new MatchTable(this.layout.period, (r) =>
      this.admits(severities, repositories, group, r, undefined),
    );
    if (this.tables.size >= MAX_TABLES) this.tables.clear();
    this.tables.set(key, table);
    return table;
  }

  /**
   * Whether finding g passes the same filters and group as {@link get}'s table, with its severity
   * recast to `severity` when given (SC filters and sorts on the recast severity).
   */
  admitsFinding(
    severities: ReadonlySet<number> | null,
    repositories: ReadonlySet<number> | null,
    group: GroupCondition,
    g: number,
    severity: number | undefined,
  ): boolean {
    return this.admits(severities, repositories, group, g % this.layout.period, severity);
  }

  private admits(
    severities: ReadonlySet<number> | null,
    repositories: ReadonlySet<number> | null,
    group: GroupCondition,
    residue: number,
    recast: number | undefined,
  ): boolean {
    const layout = this.layout;
    const pluginIndex = layout.pluginIndexAtResidue(residue);
    const severity = recast ?? PLUGIN_DETAILS[pluginIndex]?.seed.severity ?? 0;
    if (severities !== null && !severities.has(severity)) return false;
    const host = layout.hostAt(residue % layout.hosts.length);
    if (repositories !== null && !repositories.has(host.repositoryId)) return false;
    if (group.kind === 'severity') return severity === group.id;
    if (group.kind === 'plugin') return pluginIndex === group.index;
    return true;
  }
}
