/**
 * A run's rows applied to one partition: its finding states, its current rows (the open findings,
 * each as its newest delivered row) and the change rows the run makes there. Pure: the caller
 * reads and writes the objects.
 */
import { hash } from 'node:crypto';
import type { DeliveredFinding } from '#lib/findings';
import type { ChangeType } from './constants';
import { factsOf, fieldChanges } from './digest';
import { applyRow } from './finding-state';
import { type ChangeCounts, type FindingState, zeroCounts } from './schema';

/** One delivered row: its fields, and its line as delivered (reused as is, never re-encoded). */
export interface DeliveredLine {
  row: DeliveredFinding;
  line: string;
}

export interface PartitionInput {
  /** The partition's states, any order. */
  states: readonly FindingState[];
  /** Its current rows by finding_id (lines as stored, with the lifecycle columns). */
  current: ReadonlyMap<string, string>;
  rows: readonly DeliveredLine[];
  /** The run is an initial import: its changes say `baseline: true`. */
  baseline: boolean;
}

export interface PartitionOutput {
  /** By finding_id. */
  states: FindingState[];
  /** The open findings' current rows, by finding_id. */
  current: string[];
  changes: string[];
  counts: ChangeCounts;
  /** Rows that changed nothing. */
  unchanged: number;
  /** False: the run changed nothing here, the partition's objects stay as they are. */
  touched: boolean;
}

const FINDING_ID_START = '{"finding_id":"'.length;

/** The finding_id of a delivered or current line (the first field, as the normalizer writes it). */
export function findingIdOfLine(line: string): string {
  return line.slice(FINDING_ID_START, FINDING_ID_START + 32);
}

/** 32 hex, the same for the same finding, transition and SC time: a rerun writes the same id. */
export function changeIdOf(findingId: string, change: ChangeType, time: string): string {
  return hash('sha256', `${findingId}\u001f${change}\u001f${time}`, 'hex').slice(0, 32);
}

const LIFECYCLE_COLUMNS = ',"lifecycle_state":';

/** A delivered line with the current table's lifecycle columns after its own. */
function currentLine(deliveredLine: string, state: FindingState): string {
  const at = deliveredLine.lastIndexOf(LIFECYCLE_COLUMNS);
  const base = at < 0 ? deliveredLine.slice(0, -1) : deliveredLine.slice(0, at);
  return `${base}${LIFECYCLE_COLUMNS}${JSON.stringify(state.state)},"first_run_id":${JSON.stringify(state.earliest.runId)},"changed_run_id":${JSON.stringify(state.changed_run_id)}}`;
}

function changeLine(
  input: DeliveredLine,
  change: ChangeType,
  before: FindingState | undefined,
  after: FindingState,
  previousLine: string | undefined,
  baseline: boolean,
): string {
  const compared =
    previousLine !== undefined &&
    (change === 'changed' || change === 'risk_accepted' || change === 'risk_recast')
      ? fieldChanges(JSON.parse(previousLine) as DeliveredFinding, input.row)
      : { fields: [], previous: {} };
  const columns = {
    change_id: changeIdOf(after.finding_id, change, after.latest.time),
    change,
    baseline,
    changed_fields: compared.fields,
    previous: compared.previous,
    previous_state: before?.state ?? null,
    lifecycle_state: after.state,
    // A change is made only by the newest row: its own SC time is when the change was seen.
    detected_at: after.latest.time === '' ? null : after.latest.time,
  };
  return `${input.line.slice(0, -1)},${JSON.stringify(columns).slice(1)}`;
}

/**
 * Applies rows to a partition in finding_id order (one row per finding: the run is deduplicated).
 *
 * @example
 * ```ts
 * const out = applyToPartition({ states, current, rows, baseline: false });
 * if (out.touched) await write(out);
 * ```
 */
export function applyToPartition(input: PartitionInput): PartitionOutput {
  const states = new Map(input.states.map((s) => [s.finding_id, s]));
  const current = new Map(input.current);
  const changes: string[] = [];
  const counts = zeroCounts();
  let unchanged = 0;
  let touched = false;
  const rows = [...input.rows].sort((a, b) => (a.row.finding_id < b.row.finding_id ? -1 : 1));
  for (const delivered of rows) {
    const id = delivered.row.finding_id;
    const before = states.get(id);
    const facts = factsOf(delivered.row);
    const transition = applyRow(before, facts);
    if (transition === null) {
      unchanged += 1;
      continue;
    }
    touched = true;
    const after = transition.next;
    states.set(id, after);
    const previousLine = current.get(id);
    // The current row is the newest open row; a fixed finding leaves the table.
    if (after.state === 'fixed') current.delete(id);
    else if (after.latest === facts.observation) current.set(id, currentLine(delivered.line, after));
    else if (previousLine !== undefined) current.set(id, currentLine(previousLine, after));
    if (transition.change === null) {
      unchanged += 1;
      continue;
    }
    counts[transition.change] += 1;
    changes.push(changeLine(delivered, transition.change, before, after, previousLine, input.baseline));
  }
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    states: [...states.values()].sort((a, b) => byId(a.finding_id, b.finding_id)),
    current: [...current.entries()].sort(([a], [b]) => byId(a, b)).map(([, line]) => line),
    changes,
    counts,
    unchanged,
    touched,
  };
}
