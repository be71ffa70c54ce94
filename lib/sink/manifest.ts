import * as z from 'zod/mini';
import { runWindowSchema } from '#lib/product';
import type { ObjectStore } from './object-store';

/*
 * `_manifest.json`, written last: consumers treat a run as complete only when it exists.
 * Field names are part of the consumer contract: add, never rename. Schemas list the fields in the
 * order the writers set them, so what a reader parses and writes on (a findings manifest copies the
 * raw window) keeps the same bytes.
 */

/**
 * The manifest version sc2aws writes. 2: every part key is the object's key in `bucket`, the data
 * prefix included (`sc2aws/raw/…/part-00000.ndjson.gz`), so `GetObject(bucket, key)` finds it as it
 * stands; without `bucket` (written to a local directory) keys are relative to the directory the
 * run tree starts in, wherever that tree is copied. A findings manifest's `details.source` is the
 * raw manifest's key the same way (`sc2aws deliver --from` elsewhere: under that export's root).
 * 1 (before): keys were relative to the data prefix. Readers take both.
 */
export const MANIFEST_VERSION = 2;
const manifestVersionSchema = z.union([z.literal(1), z.literal(2)]);

const count = z.int().check(z.nonnegative());

/** One finished part, as the manifest lists it. */
export const partInfoSchema = z.object({
  key: z.string(),
  rows: count,
  /** Stored (gzip) size. */
  bytes: count,
  uncompressedBytes: count,
  /** sha256 of the stored bytes, hex. */
  sha256: z.string(),
});
export type PartInfo = z.infer<typeof partInfoSchema>;

const totalsSchema = z.object({ parts: count, rows: count, bytes: count, uncompressedBytes: count });

/** Raw: the SC query, and how the run went (invocations, rows SC sent twice across pages). */
const rawDetailsSchema = z.object({
  query: z.unknown(),
  invocations: count,
  duplicatesSkipped: count,
  startedAt: z.string(),
});

/** Findings: the raw manifest delivered, its rows, and what did not become a finding. */
const findingsDetailsSchema = z.object({
  /** The raw manifest delivered: its key, as the part keys are (see {@link MANIFEST_VERSION}). */
  source: z.string(),
  rawRows: count,
  duplicates: count,
  rejected: z.object({ rows: count, parts: z.array(partInfoSchema) }),
});

function runManifestOf<K extends 'raw' | 'findings', D extends z.ZodMiniType>(kind: K, details: D) {
  return z.object({
    manifestVersion: manifestVersionSchema,
    kind: z.literal(kind),
    dataset: z.string(),
    runId: z.string(),
    /** The S3 bucket the keys are in (version 2); absent for a local directory. */
    bucket: z.optional(z.string()),
    /** The run's time window on `field` (epoch seconds, both ends inclusive) and as ISO-8601. */
    window: runWindowSchema,
    /**
     * The SC the rows came from: its host, its version when the run learnt it, and the console of
     * the deployment it is (README "Several SC consoles"; absent before consoles: `default`).
     */
    sc: z.object({ host: z.string(), version: z.nullable(z.string()), consoleId: z.optional(z.string()) }),
    parts: z.array(partInfoSchema),
    totals: totalsSchema,
    createdAt: z.string(),
    /** Kind-specific extras; optional since the first manifests (sc2aws always writes them). */
    details: z.optional(details),
  });
}

/** A raw run's manifest (`raw/…/_manifest.json`), written by the export. */
export const rawRunManifestSchema = runManifestOf('raw', rawDetailsSchema);
/** A findings run's manifest (`findings/…/_manifest.json`), written by the delivery. */
export const findingsRunManifestSchema = runManifestOf('findings', findingsDetailsSchema);
/** Either manifest, told apart by `kind`. */
export const runManifestSchema = z.discriminatedUnion('kind', [
  rawRunManifestSchema,
  findingsRunManifestSchema,
]);

export type RawRunManifest = z.infer<typeof rawRunManifestSchema>;
export type FindingsRunManifest = z.infer<typeof findingsRunManifestSchema>;
export type RunManifest = z.infer<typeof runManifestSchema>;

/** Sums the parts into the manifest's totals. */
export function totalsOf(parts: readonly PartInfo[]): RunManifest['totals'] {
  return parts.reduce(
    (t, p) => ({
      parts: t.parts + 1,
      rows: t.rows + p.rows,
      bytes: t.bytes + p.bytes,
      uncompressedBytes: t.uncompressedBytes + p.uncompressedBytes,
    }),
    { parts: 0, rows: 0, bytes: 0, uncompressedBytes: 0 },
  );
}

/** Parts as a manifest names them: each key as it stands in the store's bucket (see {@link MANIFEST_VERSION}). */
export function partsForManifest(store: ObjectStore, parts: readonly PartInfo[]): PartInfo[] {
  // Overriding `key` keeps its place first: the manifest's bytes keep the schema's field order.
  return parts.map((part) => ({ ...part, key: store.bucketKey(part.key) }));
}

/**
 * A manifest's parts with the keys `store` reads them by, whatever its version: version 1, and a
 * version 2 written to a directory (no `bucket`), name them under the run tree's root; version 2
 * with a `bucket`, by their key in it. `outside`: the index of the first part whose key does not
 * lie under the store's prefix.
 */
export function partsInStore(
  store: ObjectStore,
  manifest: {
    readonly manifestVersion: number;
    readonly bucket?: string | undefined;
    readonly parts: readonly PartInfo[];
  },
): { parts: PartInfo[] } | { outside: number } {
  if (manifest.manifestVersion < 2 || manifest.bucket === undefined) return { parts: [...manifest.parts] };
  const parts: PartInfo[] = [];
  for (const [i, part] of manifest.parts.entries()) {
    const key = store.keyOf(part.key);
    if (key === undefined) return { outside: i };
    parts.push({ ...part, key });
  }
  return { parts };
}
