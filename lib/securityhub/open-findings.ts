import * as z from 'zod/mini';
import { parseDocument } from '#lib/errors';
import { readRoot } from '#lib/lifecycle';
import type { FindingRow } from './finding-row';
import { BACKFILL_PROGRESS_KEY } from './layout';
import { LedgerCorruptError } from './ledger';
import { readCurrentRows } from './part-rows';
import { reportFailed } from './report-failed';
import { addCounts, type SecurityHubSession, type SendCounts, sendRows, zeroSendCounts } from './session';

export interface OpenFindingsOutcome {
  status: 'sent' | 'stopped';
  /** Lifecycle partitions looked at. */
  partitions: number;
  counts: SendCounts;
}

/** The current table's file of each partition that has open findings, by partition number. */
async function currentFiles(session: SecurityHubSession): Promise<Map<number, string>> {
  const loaded = await readRoot(session.store);
  const files = new Map<number, string>();
  for (const [name, objects] of Object.entries(loaded?.root.objects ?? {}))
    if (objects.current !== null) files.set(Number(name), objects.current);
  return files;
}

/**
 * Sends again the open findings Security Hub was last sent more than `refreshDays` ago, so it never
 * archives (and after 90 days deletes) a finding SC still has open. The ledger's index says which
 * partitions hold one, so a refresh reads only those; each sent finding gets a new `UpdatedAt` and
 * leaves the index. A finding the ledger has as ACTIVE that left the current table is retired from
 * the refresh. Stops between batches when asked; the next call picks up the rest (what it sent is
 * no longer stale).
 *
 * @example
 * ```ts
 * const outcome = await refreshOpenFindings(session);
 * ```
 */
export async function refreshOpenFindings(session: SecurityHubSession): Promise<OpenFindingsOutcome> {
  const cutoff = new Date(session.clock() - session.refreshDays * 86_400_000).toISOString();
  const index = await session.ledger.readIndex();
  const due = Object.entries(index)
    .filter(([, oldest]) => oldest < cutoff)
    .map(([name]) => Number.parseInt(name, 16))
    .sort((a, b) => a - b);
  const counts = zeroSendCounts();
  if (due.length === 0) return { status: 'sent', partitions: 0, counts };
  const files = await currentFiles(session);
  let partitions = 0;
  for (const partition of due) {
    if (session.shouldStop()) return { status: 'stopped', partitions, counts };
    partitions += 1;
    await session.ledger.load([partition]);
    const key = files.get(partition);
    const rows = key === undefined ? [] : await readCurrentRows(session.store, key);
    const open = new Set(rows.map((r) => r.finding_id));
    for (const [findingId, entry] of session.ledger.entries(partition))
      if (entry.a && !open.has(findingId)) session.ledger.retire(findingId, partition);
    const stale = rows.filter((row) => {
      const entry = session.ledger.entry(row.finding_id, partition);
      return entry?.a === true && entry.u < cutoff;
    });
    const outcome = await sendRows(session, stale);
    await session.ledger.save();
    addCounts(counts, outcome.counts);
    await reportFailed(session, 'refresh', outcome.failed);
    if (outcome.error !== undefined) throw outcome.error;
    if (outcome.done < stale.length) return { status: 'stopped', partitions, counts };
  }
  if (counts.sent > 0)
    session.logger.info('Open findings refreshed in Security Hub.', { partitions, ...counts });
  return { status: 'sent', partitions, counts };
}

const backfillSchema = z.object({
  progressVersion: z.literal(1),
  /** Partitions below this one are done. */
  nextPartition: z.int().check(z.nonnegative()),
  counts: z.object({
    sent: z.int(),
    skipped: z.int(),
    failed: z.int(),
    calls: z.int(),
    throttled: z.int(),
  }),
});

/**
 * Sends every open finding of the state (the current table) that Security Hub was never sent: the
 * first import of a state that existed before Security Hub output was on. Partition by partition,
 * saving where it is after each, so Ctrl-C and a rerun continue there; a finding already in the
 * ledger is not sent again (the change feed and the refresh keep it up to date).
 *
 * @example
 * ```ts
 * const outcome = await backfillOpenFindings(session);
 * ```
 */
export async function backfillOpenFindings(session: SecurityHubSession): Promise<OpenFindingsOutcome> {
  const stored = await session.state.getText(BACKFILL_PROGRESS_KEY);
  let progress = { progressVersion: 1 as const, nextPartition: 0, counts: zeroSendCounts() };
  if (stored !== undefined) {
    const parsed = parseDocument(backfillSchema, stored.body);
    if (!parsed.ok) throw new LedgerCorruptError(session.state.uri(BACKFILL_PROGRESS_KEY), parsed.problem);
    progress = parsed.value;
  }
  const save = () =>
    session.state.putText(BACKFILL_PROGRESS_KEY, `${JSON.stringify(progress)}\n`, {
      contentType: 'application/json',
    });
  const files = [...(await currentFiles(session)).entries()]
    .filter(([p]) => p >= progress.nextPartition)
    .sort(([a], [b]) => a - b);
  let partitions = 0;
  for (const [partition, key] of files) {
    if (session.shouldStop()) {
      await save();
      return { status: 'stopped', partitions, counts: progress.counts };
    }
    partitions += 1;
    await session.ledger.load([partition]);
    const rows: FindingRow[] = (await readCurrentRows(session.store, key)).filter(
      (row) => session.ledger.entry(row.finding_id, partition) === undefined,
    );
    const outcome = await sendRows(session, rows);
    await session.ledger.save();
    addCounts(progress.counts, outcome.counts);
    await reportFailed(session, 'backfill', outcome.failed);
    if (outcome.done < rows.length) {
      // The rows sent are in the ledger now: continuing this partition skips them.
      progress.nextPartition = partition;
      await save();
      if (outcome.error !== undefined) throw outcome.error;
      return { status: 'stopped', partitions, counts: progress.counts };
    }
    progress.nextPartition = partition + 1;
    await save();
  }
  const counts = progress.counts;
  // Done: the next backfill starts over, sending only what the ledger does not have.
  await session.state.delete(BACKFILL_PROGRESS_KEY);
  return { status: 'sent', partitions, counts };
}
