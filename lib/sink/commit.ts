import type { PartInfo } from './manifest';
import type { ObjectStore } from './object-store';

/** Where a run is committed: its manifest and its committed list (see `committedKey`). */
export interface RunCommitKeys {
  manifestKey: string;
  committedKey: string;
}

/**
 * Commits a run whose parts are all stored: writes its `_manifest.json`, then its committed list,
 * the parts' full addresses one a line. The shipped Athena tables read nothing but these lists
 * (Hive's SymlinkTextInputFormat), so a run appears to them in one PUT, only once its manifest
 * exists, and a run that never gets here (in flight, abandoned, failed) is never read. S3 is
 * strongly read-after-write consistent: a reader sees the whole list or none of it. Both writes
 * go to deterministic keys, so a retried commit overwrites, never duplicates; a failure between
 * the two leaves a manifested run the tables do not list yet, which the caller's retry finishes.
 *
 * @example
 * ```ts
 * await commitRun(store, { manifestKey: manifestKey(prefix), committedKey: committedKey('raw', d, dt, runId) }, manifest);
 * ```
 */
export async function commitRun(
  store: ObjectStore,
  keys: RunCommitKeys,
  // Any run manifest: raw, findings, OCSF (lib/ocsf), its parts named by bucket key; the list is made from them.
  manifest: { readonly parts: readonly PartInfo[] },
): Promise<void> {
  await store.putText(keys.manifestKey, `${JSON.stringify(manifest, null, 2)}\n`);
  await store.putText(keys.committedKey, committedList(store, manifest.parts), {
    contentType: 'text/plain; charset=utf-8',
  });
}

/** A committed list's text: each part's full address (`s3://bucket/prefix/…`), one a line, in order. */
function committedList(store: ObjectStore, parts: readonly PartInfo[]): string {
  return parts.map((part) => `${store.uri(storeKey(store, part.key))}\n`).join('');
}

/** A manifest names its parts by bucket key (`partsForManifest`); the list needs the store's own. */
function storeKey(store: ObjectStore, bucketKey: string): string {
  const key = store.keyOf(bucketKey);
  if (key === undefined)
    throw new Error(`the manifest names ${bucketKey}, which is not under ${store.location}`);
  return key;
}
