/** Output stores and the NDJSON.gz part writer. */

export { commitRun, type RunCommitKeys } from './commit';
export {
  type KeyLister,
  type LayoutMigration,
  LEGACY_STATE_KEYS,
  legacyLayoutCheck,
  migrateToConsoleLayout,
  refuseLegacyLayout,
} from './console-layout';
export { createDiscardStore } from './discard-store';
export { describeCause, LegacyLayoutError, SinkError, StoreConflictError } from './errors';
export {
  COMMITTED_FOLDER,
  committedKey,
  deliveryStatePrefix,
  manifestKey,
  type OutputKind,
  ocsfCommittedKey,
  ocsfPartKey,
  ocsfRunPrefix,
  partKey,
  runPrefix,
  stateKey,
} from './layout';
export { createLocalStore } from './local-store';
export {
  type FindingsRunManifest,
  findingsRunManifestSchema,
  MANIFEST_VERSION,
  type PartInfo,
  partInfoSchema,
  partsForManifest,
  partsInStore,
  type RawRunManifest,
  type RunManifest,
  rawRunManifestSchema,
  runManifestSchema,
  totalsOf,
} from './manifest';
export type { ObjectStore, ObjectUpload, PutTextOptions, StoredText } from './object-store';
export { PartWriter, type PartWriterOptions } from './part-writer';
export { createS3Store, type S3StoreOptions } from './s3-store';
