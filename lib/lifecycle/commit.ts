/**
 * The lifecycle's commit: one conditional PUT of the root makes a run's partition objects, current
 * rows and change run the state, all at once. After it, the current table's list is rewritten from
 * the root, the change run is listed for its table, and the objects two commits old are removed.
 */
import { parseDocument } from '#lib/errors';
import {
  commitRun,
  manifestKey,
  type ObjectStore,
  type PartInfo,
  partsForManifest,
  partsInStore,
  StoreConflictError,
  totalsOf,
} from '#lib/sink';
import { APPLIED_RUNS_KEPT, MAX_COMMIT_ATTEMPTS } from './constants';
import { LifecycleContendedError, LifecycleStateCorruptError } from './errors';
import {
  CURRENT_LIST_KEY,
  changesCommittedKey,
  changesRunPrefix,
  LIFECYCLE_ROOT_KEY,
  routedKey,
} from './layout';
import {
  type ApplyContext,
  applyRun,
  type LifecycleRunInfo,
  staleGroups,
  totalsOfWork,
} from './lifecycle-run';
import { emptyRoot, type LoadedRoot, readRoot } from './root';
import {
  type ChangesManifest,
  changesManifestSchema,
  importedOf,
  isBaseline,
  type LifecycleRoot,
} from './schema';
import type { LifecycleWork } from './work';

/** The root after this run: its partitions replaced, the objects they replace retired. */
function nextRoot(
  base: LifecycleRoot,
  run: LifecycleRunInfo,
  work: LifecycleWork,
  changes: string,
): LifecycleRoot {
  const generation = base.generation + 1;
  const objects = { ...base.objects };
  const replaced: string[] = [];
  for (const [p, w] of Object.entries(work.written)) {
    if (w.state === null) continue;
    const old = objects[p];
    if (old !== undefined) replaced.push(old.state, ...(old.current === null ? [] : [old.current]));
    objects[p] = {
      state: w.state,
      current: w.current,
      findings: w.findings,
      open: w.open,
      ...(w.index === undefined ? {} : { index: w.index }),
    };
  }
  const applied = [
    ...base.applied,
    {
      dataset: run.dataset,
      runId: run.runId,
      changes,
      generation,
      rows: run.parts.reduce((sum, p) => sum + p.rows, 0),
    },
  ];
  // The datasets imported are taken before the oldest runs leave the list: they may be the imports.
  const imported = importedOf({ ...base, applied });
  const forgotten = Math.max(0, applied.length - APPLIED_RUNS_KEPT);
  return {
    ...base,
    generation,
    applied: applied.slice(forgotten),
    imported,
    forgotten: (base.forgotten ?? 0) + forgotten,
    objects,
    retired: [...base.retired.filter((r) => r.generation > generation - 2), { generation, keys: replaced }],
  };
}

function manifestOf(
  store: ObjectStore,
  run: LifecycleRunInfo,
  work: LifecycleWork,
  generation: number,
): ChangesManifest {
  const { counts, unchanged, parts } = totalsOfWork(work);
  return {
    manifestVersion: 2,
    kind: 'changes',
    dataset: run.dataset,
    runId: run.runId,
    ...(store.bucket === undefined ? {} : { bucket: store.bucket }),
    window: run.window,
    parts: partsForManifest(store, parts),
    totals: totalsOf(parts),
    createdAt: run.createdAt,
    details: {
      source: store.bucketKey(run.source),
      generation,
      baseline: work.baseline,
      counts,
      unchanged,
      partitionsTouched: Object.values(work.written).filter((w) => w.state !== null).length,
    },
  };
}

/**
 * Commits the applied run: re-applies the groups another delivery changed meanwhile, then writes
 * the change manifest and the root (conditional on the root it read). Returns the committed root,
 * or undefined when it stopped early while applying again.
 */
export async function commitWork(
  ctx: ApplyContext,
  run: LifecycleRunInfo,
  work: LifecycleWork,
  /** The root the run was just applied against, if any: tried first instead of reading it again. */
  applied?: LoadedRoot,
): Promise<
  | {
      base: LifecycleRoot;
      root: LifecycleRoot;
      manifest: ChangesManifest;
      manifestKey: string;
      parts: PartInfo[];
    }
  | undefined
> {
  let guess = applied;
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    // A stale guess costs nothing but a refused PUT: the next attempt reads the root.
    const latest = guess ?? (await readRoot(ctx.store));
    guess = undefined;
    const base = latest?.root ?? emptyRoot();
    const baseline = isBaseline(base, run.dataset);
    const redo =
      baseline !== work.baseline ? Array.from({ length: work.groups }, (_, g) => g) : staleGroups(work, base);
    if (redo.length > 0) {
      work.baseline = baseline;
      work.redone += redo.length;
      if (!(await applyRun(ctx, run, work, base, redo))) return undefined;
      continue;
    }
    const manifest = manifestOf(ctx.store, run, work, base.generation + 1);
    const changesKey = manifestKey(changesRunPrefix(run.dt, run.runId));
    await ctx.store.putText(changesKey, `${JSON.stringify(manifest, null, 2)}\n`, {
      contentType: 'application/json',
    });
    const root = nextRoot(base, run, work, changesKey);
    try {
      await ctx.store.putText(LIFECYCLE_ROOT_KEY, `${JSON.stringify(root)}\n`, {
        contentType: 'application/json',
        ...(latest === undefined ? { ifNoneMatch: '*' } : { ifMatch: latest.etag }),
      });
      work.io.writes += 2;
      return { base, root, manifest, manifestKey: changesKey, parts: totalsOfWork(work).parts };
    } catch (err) {
      if (!(err instanceof StoreConflictError)) throw err;
    }
  }
  throw new LifecycleContendedError(ctx.store.uri(LIFECYCLE_ROOT_KEY), MAX_COMMIT_ATTEMPTS);
}

/** The current table's list: every partition's current rows, in partition order. */
function currentList(store: ObjectStore, root: LifecycleRoot): string {
  return Object.entries(root.objects)
    .filter(([, o]) => o.current !== null)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, o]) => `${store.uri(o.current as string)}\n`)
    .join('');
}

/**
 * Rewrites the current table's list from the root, then makes sure no newer root was committed
 * meanwhile (a slower writer must not put an older snapshot back); each list is a whole snapshot.
 */
export async function publishCurrent(store: ObjectStore, committed: LifecycleRoot): Promise<void> {
  let root = committed;
  for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
    await store.putText(CURRENT_LIST_KEY, currentList(store, root), {
      contentType: 'text/plain; charset=utf-8',
    });
    const latest: LoadedRoot | undefined = await readRoot(store);
    if (latest === undefined || latest.root.generation <= root.generation) return;
    root = latest.root;
  }
}

/** Lists the change run for its table (after the root: a listed run is always a committed one). */
export async function listChanges(store: ObjectStore, run: LifecycleRunInfo, manifest: ChangesManifest) {
  await commitRun(
    store,
    {
      manifestKey: manifestKey(changesRunPrefix(run.dt, run.runId)),
      committedKey: changesCommittedKey(run.dt, run.runId),
    },
    manifest,
  );
}

/** The change manifest of a run the root says was applied (a rerun after a crash past the commit). */
export async function readChangesManifest(store: ObjectStore, key: string): Promise<ChangesManifest> {
  const stored = await store.getText(key);
  if (stored === undefined)
    throw new LifecycleStateCorruptError(
      store.uri(key),
      'the root lists the run as applied, but its change manifest is missing',
    );
  const parsed = parseDocument(changesManifestSchema, stored.body);
  if (!parsed.ok) throw new LifecycleStateCorruptError(store.uri(key), parsed.problem);
  return parsed.value;
}

/** Removes what nothing reads any more: objects retired two commits ago, and the run's routed rows. */
export async function removeLeftovers(
  store: ObjectStore,
  before: LifecycleRoot,
  after: LifecycleRoot,
  run: LifecycleRunInfo,
  work: LifecycleWork | undefined,
): Promise<void> {
  const kept = new Set(after.retired.map((r) => r.generation));
  for (const retired of before.retired) {
    if (kept.has(retired.generation)) continue;
    for (const key of retired.keys) await store.delete(key);
  }
  for (const [g, parts] of (work?.routed ?? []).entries())
    for (const index of parts) await store.delete(routedKey(run.runId, g, index));
}

/** A change manifest's parts by the keys `store` reads them with. */
export function changePartsInStore(store: ObjectStore, manifest: ChangesManifest): PartInfo[] {
  const inStore = partsInStore(store, manifest);
  if ('outside' in inStore)
    throw new LifecycleStateCorruptError(
      store.uri(manifestKey(changesRunPrefix(manifest.window.endIso.slice(0, 10), manifest.runId))),
      `its part ${inStore.outside} lies outside ${store.location}`,
    );
  return inStore.parts;
}
