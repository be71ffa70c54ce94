import * as z from 'zod/mini';
import { parseDocument } from '#lib/errors';
import { changePartsInStore, readChangesManifest } from '#lib/lifecycle';

import { changeRunProgressKey } from './layout';
import { LedgerCorruptError } from './ledger';
import { partitionOfLine, readChangePartLines } from './part-rows';
import { reportFailed } from './report-failed';
import { addCounts, type SecurityHubSession, type SendCounts, sendRows, zeroSendCounts } from './session';

const count = z.int().check(z.nonnegative());
const countsSchema = z.object({ sent: count, skipped: count, failed: count, calls: count, throttled: count });

/** `state/securityhub/changes/<dataset>-<runId>.json`: how far a change run was sent. */
const progressSchema = z.object({
  progressVersion: z.literal(1),
  manifestKey: z.string(),
  status: z.enum(['sending', 'sent']),
  /** Change part `part`, from row `line` on, is next. */
  part: count,
  line: count,
  counts: countsSchema,
});
type ChangeRunProgress = z.infer<typeof progressSchema>;

export interface ChangeRunSendOutcome {
  status: 'sent' | 'stopped';
  /** True: the run had been sent whole before; nothing was sent now. */
  already: boolean;
  dataset: string;
  runId: string;
  counts: SendCounts;
}

/**
 * Sends one committed change run (`changes/dt=…/run=…/_manifest.json`) to Security Hub, a part at
 * a time, each part's rows in order. Where it is (part, row) and the ledger are saved after each
 * part and whenever it stops between batches (out of time, Ctrl-C), so the next call continues
 * there; a run sent whole is marked so, and sending it again sends nothing. A call that fails for
 * good (Security Hub refuses it, or throttles it past the attempts) is thrown after the same save,
 * so the retry starts at that batch. Should an invocation
 * die between two saves, the batches of that part sent meanwhile are sent again, with a newer
 * `UpdatedAt`: harmless to Security Hub, counted twice in its bill (at most one part's rows).
 *
 * @example
 * ```ts
 * const outcome = await sendChangeRun(session, 'changes/dt=2026-12-01/run=…/_manifest.json');
 * if (outcome.status === 'stopped') { … continue in a new invocation … }
 * ```
 */
export async function sendChangeRun(
  session: SecurityHubSession,
  manifestKey: string,
): Promise<ChangeRunSendOutcome> {
  const { store, ledger } = session;
  const manifest = await readChangesManifest(store, manifestKey);
  const { dataset, runId } = manifest;
  const progressKey = changeRunProgressKey(dataset, runId);
  const stored = await session.state.getText(progressKey);
  let progress: ChangeRunProgress = {
    progressVersion: 1,
    manifestKey,
    status: 'sending',
    part: 0,
    line: 0,
    counts: zeroSendCounts(),
  };
  if (stored !== undefined) {
    const parsed = parseDocument(progressSchema, stored.body);
    if (!parsed.ok) throw new LedgerCorruptError(session.state.uri(progressKey), parsed.problem);
    progress = parsed.value;
  }
  if (progress.status === 'sent')
    return { status: 'sent', already: true, dataset, runId, counts: progress.counts };
  const save = () =>
    session.state.putText(progressKey, `${JSON.stringify(progress)}\n`, { contentType: 'application/json' });
  const parts = changePartsInStore(store, manifest);
  while (progress.part < parts.length) {
    if (session.shouldStop()) {
      await save();
      return { status: 'stopped', already: false, dataset, runId, counts: progress.counts };
    }
    const part = parts[progress.part] as (typeof parts)[number];
    const rows = (await readChangePartLines(store, part)).slice(progress.line);
    await ledger.load(rows.map(partitionOfLine));
    const outcome = await sendRows(session, rows, store.uri(part.key));
    // The ledger first: a progress past rows whose ledger was not written would lose their times.
    await ledger.save();
    addCounts(progress.counts, outcome.counts);
    await reportFailed(session, 'changes', outcome.failed, { dataset, runId });
    if (outcome.done < rows.length) {
      progress.line += outcome.done;
      await save();
      // Saved first: the retry continues after the last batch Security Hub took.
      if (outcome.error !== undefined) throw outcome.error;
      return { status: 'stopped', already: false, dataset, runId, counts: progress.counts };
    }
    progress.part += 1;
    progress.line = 0;
    await save();
  }
  progress.status = 'sent';
  await save();
  session.logger.info('Change run sent to Security Hub.', { dataset, runId, ...progress.counts });
  return { status: 'sent', already: false, dataset, runId, counts: progress.counts };
}
