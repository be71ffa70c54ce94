import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { EventPublisher } from '#lib/events';
import type { LogSink } from '#lib/logging';
import type { Metrics } from '#lib/metrics';
import type { ObjectStore } from '#lib/sink';
import { type AsffTarget, recordStateOf, toAsffFinding } from './asff';
import { AsffBatcher } from './batches';
import { AsffInvalidError } from './errors';
import { type FindingRow, partitionOfRow } from './finding-row';
import type { FailedFinding, FindingsImporter } from './import-client';
import type { SentLedger } from './ledger';
import { parseRowLine } from './part-rows';
import { asffProblems } from './validate';

/** What every send shares: where state lives, how findings are imported, and the settings. */
export interface SecurityHubSession {
  /** Where the change runs and the current table are read. */
  store: ObjectStore;
  /** Where the send progress is kept: `store` itself, or a memory store when only writing files (--asff). */
  state: ObjectStore;
  importer: FindingsImporter;
  ledger: SentLedger;
  target: AsffTarget;
  /** SC severity id below which a finding never sent is not sent (SECURITY_HUB_SEVERITY_FLOOR). */
  severityFloor: number;
  /** Open findings not updated for this many days are sent again (SECURITY_HUB_REFRESH_DAYS). */
  refreshDays: number;
  logger: LogSink;
  events: EventPublisher;
  metrics: Metrics;
  /** Epoch ms. */
  clock: () => number;
  /** Stop at the next batch boundary (out of time, Ctrl-C). */
  shouldStop: () => boolean;
  /** Instead of calling Security Hub: receives each batch (`sc2aws deliver --asff`). */
  onBatch?: (findings: AwsSecurityFinding[]) => Promise<void>;
}

/** What one send did; added up across parts and invocations. */
export interface SendCounts {
  /** Findings Security Hub took. */
  sent: number;
  /** Rows not sent: never sent before, and below the severity floor or already fixed / accepted. */
  skipped: number;
  failed: number;
  calls: number;
  throttled: number;
}

export function zeroSendCounts(): SendCounts {
  return { sent: 0, skipped: 0, failed: 0, calls: 0, throttled: 0 };
}

export function addCounts(into: SendCounts, more: SendCounts): void {
  into.sent += more.sent;
  into.skipped += more.skipped;
  into.failed += more.failed;
  into.calls += more.calls;
  into.throttled += more.throttled;
}

/**
 * How far `sendRows` got: rows `[0, done)` are sent or skipped; `failed` names what Security Hub
 * refused. `error`: a call failed for good (refused, or throttled past the attempts); what was sent
 * before it is in the ledger, so the caller saves both and then throws it.
 */
export interface RowsOutcome {
  done: number;
  counts: SendCounts;
  failed: FailedFinding[];
  error?: unknown;
}

/**
 * Sends rows (in order) as ASFF: each one encoded with its times from the ledger, checked against
 * AWS's model, batched within the call limits and imported; the ledger records what Security Hub
 * took. Stops between batches when `shouldStop()`; `done` then says where to continue. The caller
 * loads the rows' ledger partitions first and saves the ledger after.
 */
export async function sendRows(
  session: SecurityHubSession,
  rows: readonly (FindingRow | string)[],
  where = 'rows',
): Promise<RowsOutcome> {
  const counts = zeroSendCounts();
  const failed: FailedFinding[] = [];
  const batcher = new AsffBatcher();
  // Per batch: its rows (for the ledger) and the row index after its last one.
  let batchRows: { row: FindingRow; finding: AwsSecurityFinding }[] = [];
  let done = 0;
  const flushed = async (findings: AwsSecurityFinding[] | undefined, end: number): Promise<void> => {
    if (findings === undefined) return;
    const taken = batchRows.slice(0, findings.length);
    batchRows = batchRows.slice(findings.length);
    let refused = new Set<string>();
    if (session.onBatch !== undefined) {
      await session.onBatch(findings);
      counts.calls += 1;
    } else {
      const outcome = await session.importer.import(findings);
      counts.calls += outcome.calls;
      counts.throttled += outcome.throttled;
      failed.push(...outcome.failed);
      counts.failed += outcome.failed.length;
      refused = new Set(outcome.failed.map((f) => f.id));
    }
    for (const { row, finding } of taken) {
      if (refused.has(finding.Id ?? '')) continue;
      counts.sent += 1;
      session.ledger.record(row.finding_id, partitionOfRow(row), {
        c: finding.CreatedAt as string,
        u: finding.UpdatedAt as string,
        a: finding.RecordState === 'ACTIVE',
      });
    }
    done = end;
  };
  for (let i = 0; i < rows.length; i += 1) {
    const item = rows[i] as FindingRow | string;
    // A line is parsed here, as it is sent: one row an object at a time, not the whole part.
    const row = typeof item === 'string' ? parseRowLine(item, where, i) : item;
    const partition = partitionOfRow(row);
    const known = session.ledger.entry(row.finding_id, partition) !== undefined;
    // A finding Security Hub never saw is sent only when it is worth triaging: at or above the
    // floor, and not already fixed or accepted (an ARCHIVED first send is paid for and never seen).
    if (!known && ((row.severity?.id ?? 0) < session.severityFloor || recordStateOf(row) === 'ARCHIVED')) {
      counts.skipped += 1;
      if (batcher.pending === 0) done = i + 1;
      continue;
    }
    const now = new Date(session.clock()).toISOString();
    const finding = toAsffFinding(
      row,
      session.target,
      session.ledger.timesFor(row.finding_id, partition, now),
    );
    const problems = asffProblems(finding);
    if (problems.length > 0) throw new AsffInvalidError(finding.Id ?? row.finding_id, problems);
    const full = batcher.add(finding);
    batchRows.push({ row, finding });
    if (full !== undefined) {
      // The batch just closed ends before this row.
      try {
        await flushed(full.findings, i);
      } catch (error) {
        return { done, counts, failed, error };
      }
      if (session.shouldStop()) return { done, counts, failed };
    }
  }
  try {
    await flushed(batcher.flush()?.findings, rows.length);
  } catch (error) {
    return { done, counts, failed, error };
  }
  done = rows.length;
  return { done, counts, failed };
}
