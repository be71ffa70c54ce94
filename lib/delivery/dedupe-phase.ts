import type { PartInfo } from '#lib/sink';
import { lookupOf, losingLines, prunePart, scanIds } from './duplicates';
import type { RunDelivery } from './run-delivery';
import { transformAgain } from './transform-phase';

/*
 * Phases `scan` and `prune`: exactly one row per id. Only when the id filter flagged ids are the
 * written parts' ids read back (scan: each flagged id's best occurrence, newest last_seen), and
 * only the parts holding a losing copy are rewritten (prune).
 */

/** Finds the best occurrence of every flagged id, part by part; false when it stopped early. */
export async function scan(run: RunDelivery): Promise<boolean> {
  if (Object.keys(run.state.best).length === 0) return true;
  const flagged = lookupOf(run.state.best);
  const parts = run.state.findings;
  for (; run.state.next < parts.length; run.state.next++) {
    if (run.shouldStop()) return false;
    const index = run.state.indexes[run.state.next] as number;
    const rows = (parts[run.state.next] as PartInfo).rows;
    await scanIds(run.deps.store, run.objects.idsKey(index), rows, run.state.next, flagged);
    run.progress(parts.length);
  }
  return true;
}

/** Rewrites the parts that hold a losing duplicate; false when it stopped early. */
export async function prune(run: RunDelivery): Promise<boolean> {
  const repeated = new Map([...lookupOf(run.state.best)].filter(([, o]) => o.count > 1));
  const touched = new Set([...repeated.values()].flatMap((o) => o.parts));
  const parts = run.state.findings;
  for (; run.state.next < parts.length; run.state.next++) {
    if (!touched.has(run.state.next)) continue;
    if (run.shouldStop()) return false;
    const part = parts[run.state.next] as PartInfo;
    const index = run.state.indexes[run.state.next] as number;
    const losers = await losingLines(
      run.deps.store,
      run.objects.idsKey(index),
      part.rows,
      run.state.next,
      repeated,
    );
    const original = () => transformAgain(run, index);
    if (losers.size > 0)
      parts[run.state.next] = (await prunePart(run.deps.store, part, losers, original)) ?? {
        ...part,
        rows: 0,
      };
    run.progress(parts.length);
  }
  return true;
}
