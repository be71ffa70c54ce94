/**
 * Rebuild and backfill: the finding lifecycle made again from the committed findings runs already
 * stored, replayed in SC's time order into a staged state, which then becomes the state with one
 * conditional PUT of the root.
 *
 * - The old state stays whole and live until that PUT; a rebuild that stops or fails leaves it as it
 *   was, and its rerun continues the staged replay (see ./rebuild-staging.ts).
 * - The PUT is conditional on the root read before the runs were listed: a delivery that commits
 *   meanwhile makes the rebuild list the runs again, replay the missing ones and try again, so no
 *   delivered run is lost.
 * - A replaced state is moved to `state/lifecycle-replaced/<time>/`, after the switch.
 * - The change feed of each replayed run is written again under its own keys: where runs arrived in
 *   SC's time order it is what their deliveries wrote; otherwise it is what that order yields.
 *   Nothing is announced: no `Findings Changed` event, no OCSF output.
 */
import { ErrorCode, parseDocument, Sc2awsError } from '#lib/errors';
import { type ObjectStore, StoreConflictError } from '#lib/sink';
import { applyLifecycle } from './apply-lifecycle';
import { publishCurrent } from './commit';
import { MAX_COMMIT_ATTEMPTS } from './constants';
import { CURRENT_LIST_KEY, LIFECYCLE_ROOT_KEY } from './layout';
import type { LifecycleRunInfo } from './lifecycle-run';
import { committedFindingsRuns, type KeyLister } from './rebuild-runs';
import {
  moveReplacedObjects,
  REPLACED_PREFIX,
  readMarker,
  relocatedRoot,
  removeStagingLeftovers,
  stagingNameOf,
  stagingView,
  writeMarker,
} from './rebuild-staging';
import { emptyRoot, readRoot } from './root';
import { type LifecycleResult, type LifecycleRoot, lifecycleRootSchema } from './schema';

export interface RebuildDeps {
  /** Where the committed findings runs are read. */
  source: ObjectStore;
  /** Where the state is rebuilt: `source` itself, or another bucket prefix or directory. */
  store: ObjectStore;
  /** Lists keys of `source`. */
  listSourceKeys: KeyLister;
  /** True when the rebuild must stop at the next boundary (it continues on the next call). */
  shouldStop: () => boolean;
  now?: () => Date;
  /** Called after each run is replayed; the replay goes on once it resolves. */
  onRun?: (progress: RebuildProgress) => void | Promise<void>;
}

export interface RebuildProgress {
  /** 1-based position of the run in the replay, of `of`. */
  index: number;
  of: number;
  run: LifecycleRunInfo;
  result: LifecycleResult;
}

export type RebuildOutcome =
  | { status: 'stopped'; staging: string; replayed: number; runs: number }
  | {
      status: 'rebuilt';
      staging: string;
      /** Runs the state holds, and those of them replayed by an earlier, stopped call. */
      runs: number;
      resumed: number;
      generation: number;
      findings: number;
      open: number;
      /** Where the replaced state went; undefined when there was none. */
      replaced?: { movedTo: string; moved: number; left: number; parsed: boolean };
    };

/** The rebuild could not switch: a state appeared, or deliveries kept committing meanwhile. */
export class LifecycleRebuildConflictError extends Sc2awsError {
  constructor(uri: string, reason: string) {
    super(
      ErrorCode.StateConflict,
      `The rebuilt finding lifecycle state did not replace ${uri}: ${reason}. The state there is as the deliveries left it, and the staged replay is kept. Fix: ${reason.startsWith('a state') ? 'run the rebuild again with --replace' : 'pause the deliveries (the forward-results schedule) and run the rebuild again; it continues where it stopped'}.`,
    );
  }
}

/** The staged state's replay: each run not in it yet, in order; false when stopped. */
async function replay(
  deps: RebuildDeps,
  view: ObjectStore,
  runs: readonly LifecycleRunInfo[],
  held: ReadonlySet<string>,
): Promise<{ done: boolean; replayed: number }> {
  let replayed = 0;
  for (const [i, run] of runs.entries()) {
    if (held.has(`${run.dataset}/${run.runId}`)) continue;
    if (deps.shouldStop()) return { done: false, replayed };
    const outcome = await applyLifecycle({ store: view, shouldStop: deps.shouldStop }, run);
    if (outcome.status === 'stopped') return { done: false, replayed };
    replayed += 1;
    await deps.onRun?.({ index: i + 1, of: runs.length, run, result: outcome.result });
  }
  return { done: true, replayed };
}

const heldRuns = (root: LifecycleRoot | undefined) =>
  new Set((root?.applied ?? []).map((a) => `${a.dataset}/${a.runId}`));

/**
 * Rebuilds the finding lifecycle of `deps.store` from the committed findings runs of `deps.source`.
 * Refuses to replace an existing state unless `replace` is set.
 *
 * @example
 * ```ts
 * const outcome = await rebuildLifecycle({ source, store: source, listSourceKeys, shouldStop }, { replace: false });
 * if (outcome.status === 'rebuilt') console.log(outcome.findings, outcome.open);
 * ```
 */
export async function rebuildLifecycle(
  deps: RebuildDeps,
  options: { replace: boolean },
): Promise<RebuildOutcome> {
  const { store } = deps;
  const rootUri = store.uri(LIFECYCLE_ROOT_KEY);
  const marker = await readMarker(store);
  const started = (deps.now ?? (() => new Date()))();
  const staging = marker?.staging ?? stagingNameOf(started);
  if (marker === undefined) await writeMarker(store, { staging, startedAt: started.toISOString() });
  const view = stagingView(store, deps.source, staging);
  const resumed = heldRuns((await readRoot(view))?.root).size;
  const backup = `${REPLACED_PREFIX}${staging.slice('rebuild-'.length)}/`;
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    // Read before the runs are listed: a run this root holds has its findings committed already.
    const live = await store.getText(LIFECYCLE_ROOT_KEY);
    if (live !== undefined && !options.replace)
      throw new LifecycleRebuildConflictError(rootUri, 'a state exists there and --replace was not given');
    const runs = await committedFindingsRuns(deps.source, deps.listSourceKeys);
    const { done, replayed } = await replay(deps, view, runs, heldRuns((await readRoot(view))?.root));
    if (!done) return { status: 'stopped', staging, replayed, runs: runs.length };
    const staged = relocatedRoot((await readRoot(view))?.root ?? emptyRoot(), staging);
    if (live !== undefined) await keepReplaced(store, live.body, backup);
    try {
      await store.putText(LIFECYCLE_ROOT_KEY, `${JSON.stringify(staged)}\n`, {
        contentType: 'application/json',
        ...(live === undefined ? { ifNoneMatch: '*' } : { ifMatch: live.etag }),
      });
    } catch (err) {
      if (!(err instanceof StoreConflictError)) throw err;
      continue;
    }
    await removeStagingLeftovers(store, staging);
    await publishCurrent(store, staged);
    const objects = Object.values(staged.objects);
    return {
      status: 'rebuilt',
      staging,
      runs: staged.applied.length,
      resumed,
      generation: staged.generation,
      findings: objects.reduce((n, o) => n + o.findings, 0),
      open: objects.reduce((n, o) => n + o.open, 0),
      ...(live === undefined ? {} : { replaced: await moveReplaced(store, live.body, staged, backup) }),
    };
  }
  throw new LifecycleRebuildConflictError(
    rootUri,
    `deliveries committed to it ${MAX_COMMIT_ATTEMPTS} times while the rebuild was switching`,
  );
}

/** Saves the replaced root and current list before the switch: whatever happens, they are kept. */
async function keepReplaced(store: ObjectStore, rootBody: string, backup: string): Promise<void> {
  await store.putText(`${backup}${LIFECYCLE_ROOT_KEY}`, rootBody, { contentType: 'application/json' });
  const list = await store.getText(CURRENT_LIST_KEY);
  if (list !== undefined)
    await store.putText(`${backup}${CURRENT_LIST_KEY}`, list.body, {
      contentType: 'text/plain; charset=utf-8',
    });
}

/** Moves the replaced state's objects into `backup`; a root that does not parse names none. */
async function moveReplaced(store: ObjectStore, rootBody: string, rebuilt: LifecycleRoot, backup: string) {
  const parsed = parseDocument(lifecycleRootSchema, rootBody);
  const counts = parsed.ok
    ? await moveReplacedObjects(store, parsed.value, rebuilt, backup)
    : { moved: 0, left: 0 };
  // The folder, named without its trailing slash (as a directory path is).
  return { movedTo: store.uri(backup.slice(0, -1)), ...counts, parsed: parsed.ok };
}
