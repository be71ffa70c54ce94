import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import type { ObjectStore, PartInfo } from '#lib/sink';
import { type OcsfInputAddress, OcsfInputCorruptError } from './errors';

/**
 * The lines of one delivered findings part (gzip NDJSON), checked against the manifest's sha256,
 * size and row count, kept as the delivered bytes with where each line starts and ends: one copy of
 * the part outside V8's heap, instead of a string per row inside it. A line is decoded when it is
 * mapped, a row group at a time.
 */
export class PartLines {
  readonly #bytes: Buffer;
  readonly #starts: Uint32Array;
  readonly #ends: Uint32Array;

  constructor(bytes: Buffer, starts: Uint32Array, ends: Uint32Array) {
    this.#bytes = bytes;
    this.#starts = starts;
    this.#ends = ends;
  }

  get length(): number {
    return this.#starts.length;
  }

  /** Line `i` as text. */
  line(i: number): string {
    return this.#bytes.toString('utf8', this.#starts[i], this.#ends[i]);
  }

  /**
   * The last `n` bytes of line `i` (all of it when shorter), one character a byte (latin1): for
   * ASCII text at a line's end without decoding the line.
   */
  tail(i: number, n: number): string {
    const end = this.#ends[i] as number;
    return this.#bytes.toString('latin1', Math.max(this.#starts[i] as number, end - n), end);
  }

  /** Line `i`'s size in bytes. */
  bytesOf(i: number): number {
    return (this.#ends[i] as number) - (this.#starts[i] as number);
  }
}

/** Reads one delivered findings part from `store` and checks it: {@link partLinesOf}. */
export async function readPartLines(
  store: ObjectStore,
  part: PartInfo,
  where: OcsfInputAddress = { part: store.uri(part.key) },
): Promise<PartLines> {
  const stored = await buffer(await store.getStream(part.key));
  return partLinesOf(stored, part, where);
}

/** {@link readPartLines} for a part already read (a delivery thread gets the bytes, not the store). */
export function partLinesOf(
  stored: Uint8Array,
  part: PartInfo,
  where: OcsfInputAddress = { part: part.key },
): PartLines {
  const sha = createHash('sha256').update(stored).digest('hex');
  if (sha !== part.sha256 || stored.byteLength !== part.bytes)
    throw new OcsfInputCorruptError(
      where,
      `sha256 ${sha.slice(0, 12)}… and ${stored.byteLength} bytes, expected ${part.sha256.slice(0, 12)}… and ${part.bytes} bytes`,
    );
  let text: Buffer;
  try {
    text = gunzipSync(stored);
  } catch (err) {
    throw new OcsfInputCorruptError(
      where,
      `not readable gzip NDJSON: ${(err as Error).message.slice(0, 120)}`,
    );
  }
  // Offsets are 32-bit: a part is at most PART_SIZE_MB's 1 GiB of NDJSON.
  if (text.length >= 2 ** 32)
    throw new OcsfInputCorruptError(where, `${text.length} bytes of NDJSON, over 4 GiB`);
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(10, start);
    if (end < 0) end = text.length;
    if (end > start) {
      starts.push(start);
      ends.push(end);
    }
    start = end + 1;
  }
  if (starts.length !== part.rows)
    throw new OcsfInputCorruptError(where, `${starts.length} rows, expected ${part.rows}`);
  return new PartLines(text, Uint32Array.from(starts), Uint32Array.from(ends));
}
