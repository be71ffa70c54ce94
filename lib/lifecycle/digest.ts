import { hash } from 'node:crypto';
import type { DeliveredFinding } from '#lib/findings';
import { TRACKED_FIELDS, type TrackedField } from './constants';
import type { RowFacts } from './finding-state';

/** The tracked fields' values, as one comparable value each (severity by its id). */
function trackedValue(row: DeliveredFinding, field: TrackedField): unknown {
  const value = row[field];
  return field === 'severity' ? ((value as DeliveredFinding['severity'])?.id ?? null) : (value ?? null);
}

/** 32 hex of the sha256 of the tracked fields: equal digests, no change a consumer cares about. */
export function digestOf(row: DeliveredFinding): string {
  return hash('sha256', JSON.stringify(TRACKED_FIELDS.map((f) => trackedValue(row, f))), 'hex').slice(0, 32);
}

/** The tracked fields whose values differ between two rows, and each one's previous value as text. */
export function fieldChanges(
  previous: DeliveredFinding,
  now: DeliveredFinding,
): { fields: TrackedField[]; previous: Record<string, string | null> } {
  const fields: TrackedField[] = [];
  const before: Record<string, string | null> = {};
  for (const field of TRACKED_FIELDS) {
    const was = trackedValue(previous, field);
    if (JSON.stringify(was) === JSON.stringify(trackedValue(now, field))) continue;
    fields.push(field);
    // Severity by its name, as people read it; the rest as JSON text (a map<string,string> in Athena).
    before[field] =
      field === 'severity'
        ? (previous.severity?.name ?? null)
        : was === null
          ? null
          : typeof was === 'string'
            ? was
            : JSON.stringify(was);
  }
  return { fields, previous: before };
}

/** What the state needs of a delivered row of `vulns` (open) or `fixed`. */
export function factsOf(row: DeliveredFinding): RowFacts {
  const fixed = row.dataset === 'fixed';
  return {
    findingId: row.finding_id,
    assetId: row.asset_id,
    observation: {
      time: (fixed ? row.last_mitigated : row.last_seen) ?? '',
      kind: fixed ? 'fixed' : 'open',
      digest: digestOf(row),
      runId: row.run_id,
    },
    severity: row.severity?.id ?? null,
    acceptRisk: row.accept_risk,
    recastRisk: row.recast_risk,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    lastMitigated: row.last_mitigated,
    scReopened: !fixed && (row.has_been_mitigated === true || row.state === 'reopened'),
  };
}
