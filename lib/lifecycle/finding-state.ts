/**
 * One finding's state, moved by one delivered row. The state is a function of the set of rows seen,
 * not of their order: every field is a minimum or maximum over the rows (first_seen, last_seen,
 * last_mitigated), or taken from the newest row in SC's time (`latest`). A row that is not newer
 * than the state's newest changes none of the latter, so runs that arrive late, twice or out of
 * order end in the same state. Only `changed_run_id` records arrival: the run whose row last made a
 * change.
 *
 * "Newer" compares the row's own SC time (last_seen for open rows, last_mitigated for fixed ones),
 * then, at the same instant, a fixed row over an open one (SC mitigates on the scan that no longer
 * finds it), then the digest, so that two rows never tie unless they are the same.
 */
import type { ChangeType } from './constants';
import type { FindingState, Observation } from './schema';

/** What the state needs of a delivered row. */
export interface RowFacts {
  findingId: string;
  assetId: string;
  observation: Observation;
  severity: number | null;
  acceptRisk: boolean | null;
  recastRisk: boolean | null;
  firstSeen: string | null;
  lastSeen: string | null;
  lastMitigated: string | null;
  scReopened: boolean;
}

/** The state after a row, and the change it makes (null: none worth a feed row). */
export interface Transition {
  next: FindingState;
  change: ChangeType | null;
}

/** Positive when `a` is newer than `b` in SC's time (see the module comment). */
export function compareObservations(a: Observation, b: Observation): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.kind !== b.kind) return a.kind === 'fixed' ? 1 : -1;
  if (a.digest !== b.digest) return a.digest < b.digest ? -1 : 1;
  return 0;
}

function minTime(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  return b === null || a <= b ? a : b;
}

function maxTime(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  return b === null || a >= b ? a : b;
}

/** open, reopened (fixed once, seen again) or fixed: from the newest row and the newest mitigation. */
function stateOf(s: Omit<FindingState, 'state'>): FindingState['state'] {
  if (s.latest.kind === 'fixed') return 'fixed';
  const mitigatedBefore = s.last_mitigated !== null && s.last_mitigated < s.latest.time;
  return s.sc_reopened || mitigatedBefore ? 'reopened' : 'open';
}

/** What a row changes when it becomes the newest: fixed, reopened, a risk decision, or the fields. */
function changeOf(prev: FindingState, next: FindingState): ChangeType | null {
  const wasOpen = prev.state !== 'fixed';
  const isOpen = next.state !== 'fixed';
  if (wasOpen && !isOpen) return 'fixed';
  if (!wasOpen && isOpen) return 'reopened';
  if (!isOpen || prev.latest.digest === next.latest.digest) return null;
  if (next.accept_risk === true && prev.accept_risk !== true) return 'risk_accepted';
  if (next.recast_risk === true && (prev.recast_risk !== true || prev.severity !== next.severity))
    return 'risk_recast';
  return 'changed';
}

/**
 * Applies one row to a finding's state (undefined: a finding not seen before). Returns null when the
 * row changes nothing at all (the same row again), so an untouched state is not rewritten.
 *
 * @example
 * ```ts
 * const t = applyRow(states.get(id), factsOf(row, 'vulns', digest));
 * if (t?.change) feed.push(t.change);
 * ```
 */
export function applyRow(prev: FindingState | undefined, row: RowFacts): Transition | null {
  if (prev === undefined) {
    const base = {
      finding_id: row.findingId,
      asset_id: row.assetId,
      severity: row.severity,
      accept_risk: row.acceptRisk,
      recast_risk: row.recastRisk,
      first_seen: row.firstSeen,
      last_seen: row.lastSeen,
      last_mitigated: row.lastMitigated,
      sc_reopened: row.scReopened,
      latest: row.observation,
      earliest: row.observation,
      changed_run_id: row.observation.runId,
    };
    const next = { ...base, state: stateOf(base) };
    return { next, change: next.state === 'fixed' ? 'fixed' : 'new' };
  }
  const newest = compareObservations(row.observation, prev.latest) > 0;
  const merged = {
    finding_id: prev.finding_id,
    asset_id: prev.asset_id,
    severity: newest ? row.severity : prev.severity,
    accept_risk: newest ? row.acceptRisk : prev.accept_risk,
    recast_risk: newest ? row.recastRisk : prev.recast_risk,
    first_seen: minTime(prev.first_seen, row.firstSeen),
    last_seen: maxTime(prev.last_seen, row.lastSeen),
    last_mitigated: maxTime(prev.last_mitigated, row.lastMitigated),
    sc_reopened: newest ? row.scReopened : prev.sc_reopened,
    latest: newest ? row.observation : prev.latest,
    earliest: compareObservations(row.observation, prev.earliest) < 0 ? row.observation : prev.earliest,
    changed_run_id: prev.changed_run_id,
  };
  const next: FindingState = { ...merged, state: stateOf(merged) };
  const change = newest ? changeOf(prev, next) : null;
  if (change !== null) next.changed_run_id = row.observation.runId;
  else if (sameState(prev, next)) return null;
  return { next, change };
}

function sameState(a: FindingState, b: FindingState): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof FindingState>;
  for (const key of keys) if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return false;
  return true;
}
