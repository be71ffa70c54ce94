import type { PartInfo } from './part-writer';

/**
 * `_manifest.json`, written last: consumers treat a run as complete only when it exists.
 * Field names are part of the consumer contract: add, never rename.
 */
export interface RunManifest {
  manifestVersion: 1;
  kind: 'raw' | 'findings';
  dataset: string;
  runId: string;
  /** The run's time window on `field` (epoch seconds, both ends inclusive) and as ISO-8601. */
  window: { field: string; start: number; end: number; startIso: string; endIso: string };
  sc: { host: string; version: string | null };
  parts: PartInfo[];
  totals: { parts: number; rows: number; bytes: number; uncompressedBytes: number };
  createdAt: string;
  /** Kind-specific extras (raw: query, invocations, duplicates skipped; findings: source manifest, rejected). */
  details?: Record<string, unknown>;
}

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
