/** Delivered findings runs committed as the delivery commits them: manifest, then committed list. */
import type { FindingState, LifecycleRunInfo } from '#lib/lifecycle';
import {
  commitRun,
  committedKey,
  type FindingsRunManifest,
  type ObjectStore,
  partsForManifest,
  totalsOf,
} from '#lib/sink';
import { type RowSpec, storeDeliveredRun } from './lifecycle';

/** Writes the findings manifest and committed list of a run stored by `storeDeliveredRun`. */
export async function commitFindingsRun(store: ObjectStore, run: LifecycleRunInfo): Promise<void> {
  const totals = totalsOf(run.parts);
  const manifest: FindingsRunManifest = {
    manifestVersion: 2,
    kind: 'findings',
    dataset: run.dataset,
    runId: run.runId,
    ...(store.bucket === undefined ? {} : { bucket: store.bucket }),
    window: run.window,
    sc: { host: 'sc.example.com', version: '6.4.0' },
    parts: partsForManifest(store, run.parts),
    totals,
    createdAt: run.createdAt,
    details: {
      source: store.bucketKey(run.source.replace(/^findings\//, 'raw/')),
      rawRows: totals.rows,
      duplicates: 0,
      rejected: { rows: 0, parts: [] },
    },
  };
  await commitRun(
    store,
    { manifestKey: run.source, committedKey: committedKey('findings', run.dataset, run.dt, run.runId) },
    manifest,
  );
}

/** A committed findings run of `vulns` or `fixed` rows, dated by its window end. */
export async function commitDeliveredRun(
  store: ObjectStore,
  dataset: 'vulns' | 'fixed',
  windowEnd: number,
  specs: readonly RowSpec[],
): Promise<LifecycleRunInfo> {
  const run = await storeDeliveredRun(store, dataset, windowEnd, specs);
  await commitFindingsRun(store, run);
  return run;
}

const DAY = 86_400;
const T0 = 1_767_225_600; // 2026-01-01

/** One run of {@link rebuildEstate}. */
export interface EstateRun {
  dataset: 'vulns' | 'fixed';
  end: number;
  rows: RowSpec[];
}

/**
 * Five runs of a small estate, in SC's time order: a first import, a day of changes (VPR, risk
 * accepted, recast, a new host), a fixed run, then a vulns and a fixed run ending at the same
 * second (a reopening, and another finding fixed).
 */
export function rebuildEstate(): EstateRun[] {
  return [
    {
      dataset: 'vulns',
      end: T0 + DAY,
      rows: [
        { host: 1, plugin: 100, lastSeen: T0 + DAY },
        { host: 1, plugin: 101, lastSeen: T0 + DAY },
        { host: 2, plugin: 100, lastSeen: T0 + DAY, vpr: '5.0' },
        { host: 3, plugin: 102, lastSeen: T0 + DAY },
        { host: 4, plugin: 103, lastSeen: T0 + DAY },
      ],
    },
    {
      dataset: 'vulns',
      end: T0 + 2 * DAY,
      rows: [
        { host: 1, plugin: 100, lastSeen: T0 + 2 * DAY },
        { host: 2, plugin: 100, lastSeen: T0 + 2 * DAY, vpr: '9.1' },
        { host: 3, plugin: 102, lastSeen: T0 + 2 * DAY, acceptRisk: true },
        { host: 4, plugin: 103, lastSeen: T0 + 2 * DAY, recastRisk: true, severity: 1 },
        { host: 5, plugin: 104, lastSeen: T0 + 2 * DAY },
      ],
    },
    {
      dataset: 'fixed',
      end: T0 + 3 * DAY,
      rows: [{ host: 1, plugin: 101, lastSeen: T0 + DAY, lastMitigated: T0 + 2 * DAY + 3600 }],
    },
    {
      dataset: 'vulns',
      end: T0 + 4 * DAY,
      rows: [
        { host: 1, plugin: 101, lastSeen: T0 + 4 * DAY, hasBeenMitigated: true },
        { host: 6, plugin: 105, lastSeen: T0 + 4 * DAY },
      ],
    },
    {
      dataset: 'fixed',
      end: T0 + 4 * DAY,
      rows: [{ host: 2, plugin: 100, lastSeen: T0 + 2 * DAY, lastMitigated: T0 + 4 * DAY - 60 }],
    },
  ];
}

/** States as order decides them: all but `changed_run_id`, which records arrival. */
export function orderFreeStates(states: Map<string, FindingState>) {
  return [...states.values()]
    .map(({ changed_run_id: _, ...rest }) => rest)
    .sort((a, b) => (a.finding_id < b.finding_id ? -1 : 1));
}

/** Current rows as order decides them (without `changed_run_id`), by finding_id. */
export function orderFreeCurrent(rows: Record<string, unknown>[]) {
  return rows
    .map(({ changed_run_id: _, ...rest }) => rest)
    .sort((a, b) => ((a.finding_id as string) < (b.finding_id as string) ? -1 : 1));
}
