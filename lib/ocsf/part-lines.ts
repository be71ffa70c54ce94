import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ObjectStore, PartInfo } from '#lib/sink';
import { OcsfInputCorruptError } from './errors';

/**
 * The lines of one delivered findings part (gzip NDJSON), checked against the manifest's sha256,
 * size and row count. Kept as the delivered text, one string a row: the flat form of a part,
 * mapped to OCSF a row group at a time.
 */
export async function readPartLines(store: ObjectStore, part: PartInfo): Promise<string[]> {
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const source = await store.getStream(part.key);
  const gunzip = createGunzip();
  source.on('error', (err) => gunzip.destroy(err));
  meter.on('error', (err) => gunzip.destroy(err));
  source.pipe(meter).pipe(gunzip);
  const lines: string[] = [];
  try {
    for await (const line of createInterface({ input: gunzip, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line !== '') lines.push(line);
    }
  } catch (err) {
    throw new OcsfInputCorruptError(
      part.key,
      `not readable gzip NDJSON: ${(err as Error).message.slice(0, 120)}`,
    );
  }
  const sha = hash.digest('hex');
  if (sha !== part.sha256 || bytes !== part.bytes)
    throw new OcsfInputCorruptError(
      part.key,
      `sha256 ${sha.slice(0, 12)}… and ${bytes} bytes, expected ${part.sha256.slice(0, 12)}… and ${part.bytes} bytes`,
    );
  if (lines.length !== part.rows)
    throw new OcsfInputCorruptError(part.key, `${lines.length} rows, expected ${part.rows}`);
  return lines;
}
