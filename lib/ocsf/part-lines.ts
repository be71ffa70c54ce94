import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import type { ObjectStore, PartInfo } from '#lib/sink';
import { type OcsfInputAddress, OcsfInputCorruptError } from './errors';

/**
 * The lines of one delivered findings part (gzip NDJSON), checked against the manifest's sha256,
 * size and row count. Kept as the delivered text, one string a row: the flat form of a part,
 * mapped to OCSF a row group at a time.
 */
export async function readPartLines(
  store: ObjectStore,
  part: PartInfo,
  where: OcsfInputAddress = { part: store.uri(part.key) },
): Promise<string[]> {
  const stored = await buffer(await store.getStream(part.key));
  return partLinesOf(stored, part, where);
}

/** {@link readPartLines} for a part already read (a delivery thread gets the bytes, not the store). */
export function partLinesOf(
  stored: Uint8Array,
  part: PartInfo,
  where: OcsfInputAddress = { part: part.key },
): string[] {
  const sha = createHash('sha256').update(stored).digest('hex');
  if (sha !== part.sha256 || stored.byteLength !== part.bytes)
    throw new OcsfInputCorruptError(
      where,
      `sha256 ${sha.slice(0, 12)}… and ${stored.byteLength} bytes, expected ${part.sha256.slice(0, 12)}… and ${part.bytes} bytes`,
    );
  let text: string;
  try {
    text = gunzipSync(stored).toString('utf8');
  } catch (err) {
    throw new OcsfInputCorruptError(
      where,
      `not readable gzip NDJSON: ${(err as Error).message.slice(0, 120)}`,
    );
  }
  const lines = text.split('\n').filter((line) => line !== '');
  if (lines.length !== part.rows)
    throw new OcsfInputCorruptError(where, `${lines.length} rows, expected ${part.rows}`);
  return lines;
}
