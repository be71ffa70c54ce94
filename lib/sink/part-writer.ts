import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import type { PartInfo } from './manifest';
import type { ObjectStore, ObjectUpload } from './object-store';

export interface PartWriterOptions {
  /** {@link PartWriter.partFull} turns true once this many uncompressed bytes went in. */
  partSizeBytes: number;
  /** Index of the first part this writer opens (a resumed run continues its numbering). */
  firstIndex?: number;
  /** zlib level, 1 (fastest) to 9 (smallest); default {@link DEFAULT_GZIP_LEVEL}. */
  gzipLevel?: number;
}

/**
 * Level 1 keeps gzip off the export's critical path: on SC's JSON it compresses ~10x at ~500 MB/s
 * per core, where level 6 reaches ~15x at ~240 MB/s (bench/, issue 9). Parts are a transport, not
 * an archive; set a higher level where storage outweighs throughput.
 */
const DEFAULT_GZIP_LEVEL = 1;

/** zlib output chunk: 64 KiB instead of 16 KiB, so a page passes the hash and upload in fewer hops. */
const GZIP_CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

interface OpenPart {
  index: number;
  upload: ObjectUpload;
  gzip: Gzip;
  hash: Hash;
  piped: Promise<void>;
  rows: number;
  bytes: number;
  uncompressedBytes: number;
}

/**
 * Streams NDJSON lines into gzip parts on an {@link ObjectStore}. Memory stays flat: lines go
 * straight into gzip and on to the upload, with backpressure. The caller rolls parts (see
 * {@link PartWriter.partFull}) at points where its resume cursor is consistent.
 *
 * @example
 * ```ts
 * const writer = new PartWriter(store, (i) => partKey(prefix, i), { partSizeBytes: 64 * 1024 * 1024 });
 * await writer.write(rows.map((r) => JSON.stringify(r)));
 * if (writer.partFull) await writer.finishPart();
 * ```
 */
export class PartWriter {
  readonly completed: PartInfo[] = [];
  private current: OpenPart | undefined;
  private next: number;

  constructor(
    private readonly store: ObjectStore,
    private readonly keyFor: (index: number) => string,
    private readonly options: PartWriterOptions,
  ) {
    this.next = options.firstIndex ?? 0;
  }

  /** Index the next opened part will get. */
  get nextIndex(): number {
    return this.current?.index ?? this.next;
  }

  /** Rows in the part being written (not yet durable). */
  get pendingRows(): number {
    return this.current?.rows ?? 0;
  }

  /** Uncompressed bytes in the part being written. */
  get pendingBytes(): number {
    return this.current?.uncompressedBytes ?? 0;
  }

  /** True once the open part reached the part size: the caller closes it at its next safe point. */
  get partFull(): boolean {
    return this.pendingBytes >= this.options.partSizeBytes;
  }

  /**
   * Appends text lines (without newlines) to the open part, opening one if needed. Parts never
   * roll in the middle of a call, so a caller that writes whole pages can record a resume cursor
   * that is exactly at a part boundary.
   */
  async write(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    // One buffer per call, filled in place: no joined string, no second copy on the way to gzip.
    let size = lines.length;
    for (const line of lines) size += Buffer.byteLength(line);
    const chunk = Buffer.allocUnsafe(size);
    let at = 0;
    for (const line of lines) {
      at += chunk.write(line, at);
      chunk[at++] = NEWLINE;
    }
    const part = this.current ?? this.open();
    part.rows += lines.length;
    part.uncompressedBytes += size;
    if (!part.gzip.write(chunk)) await Promise.race([once(part.gzip, 'drain'), part.piped]);
  }

  /**
   * Appends `rows` rows that are already NDJSON (each row's bytes followed by a newline, e.g.
   * {@link AnalysisPage.ndjson}), without a copy. Parts never roll in the middle of a call. Resolves
   * only once gzip has read `ndjson`: the caller may reuse that memory afterwards.
   */
  async writeNdjson(ndjson: Uint8Array, rows: number): Promise<void> {
    if (rows === 0) return;
    const part = this.current ?? this.open();
    part.rows += rows;
    part.uncompressedBytes += ndjson.byteLength;
    await Promise.race([
      new Promise<void>((resolve, reject) =>
        part.gzip.write(ndjson, (err) => (err ? reject(err) : resolve())),
      ),
      part.piped,
    ]);
  }

  /** Closes the open part, waits until it is stored, and returns it (undefined when none is open). */
  async finishPart(): Promise<PartInfo | undefined> {
    const part = this.current;
    if (part === undefined) return undefined;
    this.current = undefined;
    part.gzip.end();
    try {
      await part.piped;
      await part.upload.done();
    } catch (err) {
      await part.upload.abort();
      throw err;
    }
    const info: PartInfo = {
      key: this.keyFor(part.index),
      rows: part.rows,
      bytes: part.bytes,
      uncompressedBytes: part.uncompressedBytes,
      sha256: part.hash.digest('hex'),
    };
    this.completed.push(info);
    return info;
  }

  /** Drops the open part; nothing of it becomes visible. */
  async abort(): Promise<void> {
    const part = this.current;
    this.current = undefined;
    if (part === undefined) return;
    part.gzip.destroy();
    await part.upload.abort();
    await part.piped.catch(() => {});
  }

  private open(): OpenPart {
    const index = this.next;
    this.next += 1;
    const upload = this.store.openUpload(this.keyFor(index), 'application/gzip');
    const gzip = createGzip({
      level: this.options.gzipLevel ?? DEFAULT_GZIP_LEVEL,
      chunkSize: GZIP_CHUNK_BYTES,
    });
    const hash = createHash('sha256');
    const part: OpenPart = {
      index,
      upload,
      gzip,
      hash,
      piped: Promise.resolve(),
      rows: 0,
      bytes: 0,
      uncompressedBytes: 0,
    };
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        part.bytes += chunk.length;
        done(null, chunk);
      },
    });
    part.piped = pipeline(gzip, meter, upload.stream);
    part.piped.catch(() => {});
    this.current = part;
    return part;
  }
}
