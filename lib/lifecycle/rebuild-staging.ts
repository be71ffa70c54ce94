/**
 * Where a rebuild builds the new state before it becomes the state: beside the live one, under
 * names no live root uses, so that readers and deliveries see the old state whole until one
 * conditional PUT of the root switches to the new one.
 *
 * The replay goes through a view of the store that moves the lifecycle's own objects into the
 * staging folders (`state/lifecycle/<staging>/…`, `current/<staging>/…`) and reads the findings
 * from the source. The change feed is not staged: each replayed run's change run is written under
 * its own deterministic keys, as its delivery wrote it.
 */
import { pipeline } from 'node:stream/promises';
import * as z from 'zod/mini';
import { parseDocument } from '#lib/errors';
import type { ObjectStore } from '#lib/sink';
import { CURRENT_LIST_KEY, LIFECYCLE_ROOT_KEY } from './layout';
import type { LifecycleRoot } from './schema';

/** A rebuild in progress: its staging name, so a rerun continues it instead of starting over. */
export const REBUILD_MARKER_KEY = 'state/lifecycle/rebuild.json';
/** Where a replaced state is moved, one folder per rebuild. */
export const REPLACED_PREFIX = 'state/lifecycle-replaced/';

const STATE_FOLDER = 'state/lifecycle/';
const CURRENT_FOLDER = 'current/';

const rebuildMarkerSchema = z.object({
  staging: z.string().check(z.regex(/^rebuild-\d{8}T\d{6}\.\d{3}Z$/)),
  startedAt: z.string(),
});
export type RebuildMarker = z.infer<typeof rebuildMarkerSchema>;

/** `rebuild-20260101T000000.000Z`: the staging folder's name, from the rebuild's start. */
export function stagingNameOf(now: Date): string {
  return `rebuild-${now.toISOString().replace(/[-:]/g, '')}`;
}

/** The marker of a rebuild that did not finish; undefined when none (or unreadable: start over). */
export async function readMarker(store: ObjectStore): Promise<RebuildMarker | undefined> {
  const stored = await store.getText(REBUILD_MARKER_KEY);
  if (stored === undefined) return undefined;
  const parsed = parseDocument(rebuildMarkerSchema, stored.body);
  return parsed.ok ? parsed.value : undefined;
}

export async function writeMarker(store: ObjectStore, marker: RebuildMarker): Promise<void> {
  await store.putText(REBUILD_MARKER_KEY, `${JSON.stringify(marker)}\n`, { contentType: 'application/json' });
}

/** The key a lifecycle object of the staged state has in the store. */
export function stagedKey(staging: string, key: string): string {
  if (key.startsWith(STATE_FOLDER)) return `${STATE_FOLDER}${staging}/${key.slice(STATE_FOLDER.length)}`;
  if (key.startsWith(CURRENT_FOLDER))
    return `${CURRENT_FOLDER}${staging}/${key.slice(CURRENT_FOLDER.length)}`;
  return key;
}

/**
 * The store as the replay sees it: lifecycle objects staged, findings read from `source`
 * (which may be another bucket or directory than `store`), everything else as it is.
 */
export function stagingView(store: ObjectStore, source: ObjectStore, staging: string): ObjectStore {
  const from = (key: string) => (key.startsWith('findings/') ? source : store);
  const at = (key: string) => stagedKey(staging, key);
  return {
    ...store,
    location: store.location,
    uri: (key) => from(key).uri(at(key)),
    getText: (key) => from(key).getText(at(key)),
    getStream: (key) => from(key).getStream(at(key)),
    putText: (key, body, options) => store.putText(at(key), body, options),
    openUpload: (key, contentType) => store.openUpload(at(key), contentType),
    delete: (key) => store.delete(at(key)),
  };
}

/** The staged root as the live root: every object named by its key in the store. */
export function relocatedRoot(root: LifecycleRoot, staging: string): LifecycleRoot {
  const at = (key: string) => stagedKey(staging, key);
  return {
    ...root,
    applied: root.applied.map((a) => ({ ...a, changes: at(a.changes) })),
    objects: Object.fromEntries(
      Object.entries(root.objects).map(([p, o]) => [
        p,
        { ...o, state: at(o.state), current: o.current === null ? null : at(o.current) },
      ]),
    ),
    retired: root.retired.map((r) => ({ ...r, keys: r.keys.map(at) })),
  };
}

/**
 * What the staging leaves once its root is the live one: the marker first (its objects are live
 * now: no later call may replay into them), then its own root and current list.
 */
export async function removeStagingLeftovers(store: ObjectStore, staging: string): Promise<void> {
  await store.delete(REBUILD_MARKER_KEY);
  await store.delete(stagedKey(staging, LIFECYCLE_ROOT_KEY));
  await store.delete(stagedKey(staging, CURRENT_LIST_KEY));
}

/** Every object a root names: its partitions' state and current objects, and the retired ones. */
function keysOf(root: LifecycleRoot): string[] {
  return [
    ...Object.values(root.objects).flatMap((o) => (o.current === null ? [o.state] : [o.state, o.current])),
    ...root.retired.flatMap((r) => r.keys),
  ];
}

/** The run (`<dataset>-<runId>`) that wrote a partition's state or current object. */
function writerOf(key: string): string | undefined {
  return /\/((?:vulns|fixed)-[^/]+)\.(?:json|ndjson)\.gz$/.exec(key)?.[1];
}

/** Copies an object to `to`, then removes it; false when it could not be read (left as it is). */
async function moveObject(store: ObjectStore, key: string, to: string): Promise<boolean> {
  const upload = store.openUpload(to, 'application/gzip');
  try {
    await pipeline(await store.getStream(key), upload.stream);
    await upload.done();
  } catch {
    await upload.abort();
    return false;
  }
  await store.delete(key);
  return true;
}

/**
 * Moves the objects of the replaced root into `backup` (`<backup><key>`), after the switch. Only
 * objects the new root does not name, written by runs the new state holds, are moved: no delivery writes their keys again,
 * whereas a run the rebuild did not replay may still be delivered and write its own. Returns how
 * many objects were moved and how many were left in place.
 */
export async function moveReplacedObjects(
  store: ObjectStore,
  replaced: LifecycleRoot,
  rebuilt: LifecycleRoot,
  backup: string,
): Promise<{ moved: number; left: number }> {
  const held = new Set(rebuilt.applied.map((a) => `${a.dataset}-${a.runId}`));
  // A rebuild run again after its switch replaces its own state: what both name stays.
  const live = new Set(keysOf(rebuilt));
  let moved = 0;
  let left = 0;
  for (const key of new Set(keysOf(replaced))) {
    if (live.has(key)) continue;
    const writer = writerOf(key);
    if (writer !== undefined && held.has(writer) && (await moveObject(store, key, `${backup}${key}`)))
      moved += 1;
    else left += 1;
  }
  return { moved, left };
}
