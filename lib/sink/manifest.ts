import * as z from 'zod/mini';
import { runWindowSchema } from '#lib/product';

/*
 * `_manifest.json`, written last: consumers treat a run as complete only when it exists.
 * Field names are part of the consumer contract: add, never rename. Schemas list the fields in the
 * order the writers set them, so what a reader parses and writes on (a findings manifest copies the
 * raw window) keeps the same bytes.
 */

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
  source: z.string(),
  rawRows: count,
  duplicates: count,
  rejected: z.object({ rows: count, parts: z.array(partInfoSchema) }),
});

function runManifestOf<K extends 'raw' | 'findings', D extends z.ZodMiniType>(kind: K, details: D) {
  return z.object({
    manifestVersion: z.literal(1),
    kind: z.literal(kind),
    dataset: z.string(),
    runId: z.string(),
    /** The run's time window on `field` (epoch seconds, both ends inclusive) and as ISO-8601. */
    window: runWindowSchema,
    sc: z.object({ host: z.string(), version: z.nullable(z.string()) }),
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
