import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import type { ObjectStore, PartInfo } from '#lib/sink';

/** A raw part's bytes do not match the sha256 its manifest recorded. */
export class PartIntegrityError extends Sc2awsError {
  constructor(key: string, detail: string) {
    super(
      ErrorCode.RawPartCorrupt,
      `Raw part ${key} does not match its manifest (${detail}). Nothing was delivered for this run. Fix: re-run the export for this window (the raw run is rewritten under the same keys), then redeliver it.`,
    );
  }
}

/** One raw line with its position in the run (0-based across all parts). */
export interface RawLine {
  seq: number;
  line: string;
  part: string;
}

/**
 * Streams the lines of a raw run, part by part, checking every part's sha256 and row count
 * against the manifest while it streams. A mismatch throws {@link PartIntegrityError} after the
 * part's last line, before the caller can make anything visible.
 */
export async function* rawLines(store: ObjectStore, parts: readonly PartInfo[]): AsyncGenerator<RawLine> {
  let seq = 0;
  for (const part of parts) {
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
    const lines = createInterface({ input: gunzip, crlfDelay: Number.POSITIVE_INFINITY });
    let rows = 0;
    try {
      for await (const line of lines) {
        if (line === '') continue;
        rows += 1;
        yield { seq: seq++, line, part: part.key };
      }
    } catch (err) {
      throw new PartIntegrityError(
        part.key,
        `it is not readable gzip NDJSON: ${(err as Error).message.slice(0, 120)}`,
      );
    }
    const sha = hash.digest('hex');
    if (sha !== part.sha256 || bytes !== part.bytes) {
      throw new PartIntegrityError(
        part.key,
        `sha256 ${sha.slice(0, 12)}… and ${bytes} bytes, expected ${part.sha256.slice(0, 12)}… and ${part.bytes} bytes`,
      );
    }
    if (rows !== part.rows) throw new PartIntegrityError(part.key, `${rows} rows, expected ${part.rows}`);
  }
}
