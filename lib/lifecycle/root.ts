import { parseDocument } from '#lib/errors';
import type { ObjectStore } from '#lib/sink';
import { LIFECYCLE_VERSION, PARTITIONS } from './constants';
import { LifecycleStateCorruptError } from './errors';
import { LIFECYCLE_ROOT_KEY } from './layout';
import { type LifecycleRoot, lifecycleRootSchema } from './schema';

/** The root as read, and the ETag a conditional write of the next one compares against. */
export interface LoadedRoot {
  root: LifecycleRoot;
  etag: string;
}

/** The lifecycle's root; undefined while no run was ever applied. */
export async function readRoot(store: ObjectStore): Promise<LoadedRoot | undefined> {
  const stored = await store.getText(LIFECYCLE_ROOT_KEY);
  if (stored === undefined) return undefined;
  const parsed = parseDocument(lifecycleRootSchema, stored.body);
  if (!parsed.ok) throw new LifecycleStateCorruptError(store.uri(LIFECYCLE_ROOT_KEY), parsed.problem);
  return { root: parsed.value, etag: stored.etag };
}

/** An empty state's root. */
export function emptyRoot(): LifecycleRoot {
  return {
    lifecycleVersion: LIFECYCLE_VERSION,
    partitions: PARTITIONS,
    generation: 0,
    applied: [],
    objects: {},
    retired: [],
  };
}
