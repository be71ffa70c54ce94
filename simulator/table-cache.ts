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
    const layout = this.layout;
    const hostCount = layout.hosts.length;
    const table = new MatchTable(layout.period, (r) => {
      const pluginIndex = layout.pluginIndexAtResidue(r);
      const severity = PLUGIN_DETAILS[pluginIndex]?.seed.severity ?? 0;
      if (severities !== null && !severities.has(severity)) return false;
      if (repositories !== null && !repositories.has(layout.hostAt(r % hostCount).repositoryId)) return false;
      if (group.kind === 'severity') return severity === group.id;
      if (group.kind === 'plugin') return pluginIndex === group.index;
      return true;
    });
    if (this.tables.size >= MAX_TABLES) this.tables.clear();
    this.tables.set(key, table);
    return table;
  }
}
