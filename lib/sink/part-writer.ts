import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import type { ObjectStore, ObjectUpload } from './object-store';

/** One finished part, as the manifest lists it. */
export interface PartInfo {
  key: string;
  rows: number;
  /** Stored (gzip) size. */
  bytes: number;
  uncompressedBytes: number;
  /** sha256 of the stored bytes, hex. */
  sha256: string;
}

export interface PartWriterOptions {
  /** {@link PartWriter.partFull} turns true once this many uncompressed bytes went in. */
  partSizeBytes: number;
  /** Index of the first part this writer opens (a resumed run continues its numbering). */
  firstIndex?: number;
  gzipLevel?: number;
}

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
   * Appends lines (without newlines) to the open part, opening one if needed. Parts never roll in
   * the middle of a call, so a caller that writes whole pages can record a resume cursor that is
   * exactly at a part boundary.
   */
  async write(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    const part = this.current ?? this.open();
    const chunk = `${lines.join('\n')}\n`;
    part.rows += lines.length;
    part.uncompressedBytes += Buffer.byteLength(chunk);
    if (!part.gzip.write(chunk)) await Promise.race([once(part.gzip, 'drain'), part.piped]);
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
    const gzip = createGzip({ level: this.options.gzipLevel ?? 6 });
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
