import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { createNormalizeContext, type NormalizeContextOptions, normalizeRow } from '#lib/findings';
import type { PartInfo } from '#lib/sink';
import { PartIntegrityError, type RawPartAddress } from './errors';

/**
 * One raw part to deliver. Everything in it can cross a worker boundary (structured clone), so the
 * same task runs inline or on a worker thread and gives the same bytes.
 */
export interface PartTask {
  /** The part's position in the raw manifest; findings part `index` comes from it. */
  index: number;
  part: PartInfo;
  /** The part's and its manifest's full addresses, for the message when it does not match. */
  where: RawPartAddress;
  /** The part as stored: gzip NDJSON, checked against `part.sha256` before anything is read. */
  stored: Uint8Array;
  /** Rows of the run before this part: a rejected row names its line across the whole run. */
  firstSeq: number;
  context: NormalizeContextOptions;
}

/** A gzip NDJSON object made from one raw part, ready to store. */
export interface PartObject {
  bytes: Uint8Array;
  rows: number;
  uncompressedBytes: number;
  sha256: string;
}

export interface PartOutput {
  index: number;
  /** Delivered rows, in raw order; null when every row was rejected. */
  findings: PartObject | null;
  /** `{reason, part, line, raw}` lines for the rows that cannot be delivered; null when none. */
  rejected: PartObject | null;
  /** The delivered rows' ids (`finding_id`, assets: `asset_id`) as 16 bytes each, in row order. */
  ids: Uint8Array;
  /** Their `last_seen` as epoch ms (no value: -Infinity), in row order: what decides a duplicate. */
  times: Float64Array;
}

/** Bytes gathered before one write into gzip: few, large writes, each compressed off this thread. */
const BATCH_BYTES = 1 << 20;
/** Lines longer than this (in UTF-8, at worst) are written on their own. */
const MAX_LINE_IN_BATCH = 256 * 1024;
/** Same settings as the export's parts (lib/sink/part-writer.ts): level 1, 64 KiB chunks. */
const GZIP_OPTIONS = { level: 1, chunkSize: 64 * 1024 } as const;
const ID_BYTES = 16;
const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Turns one raw part into its findings and rejected objects, reading it once: sha256 and size are
 * checked first, then each line is parsed, normalized and written on in raw order. Deterministic:
 * the same task gives the same bytes wherever and whenever it runs, which is what lets a delivery
 * stop between parts and continue in another invocation (or on another thread) unchanged.
 * Memory stays at the part's stored bytes plus the compressed output: lines stream through gzip.
 */
export async function transformPart(task: PartTask): Promise<PartOutput> {
  const { part } = task;
  const sha = createHash('sha256').update(task.stored).digest('hex');
  if (sha !== part.sha256 || task.stored.byteLength !== part.bytes) {
    throw new PartIntegrityError(
      task.where,
      `sha256 ${sha.slice(0, 12)}… and ${task.stored.byteLength} bytes, expected ${part.sha256.slice(0, 12)}… and ${part.bytes} bytes`,
    );
  }
  const ctx = createNormalizeContext(task.context);
  const idField = ctx.dataset === 'assets' ? 'asset_id' : 'finding_id';
  const findings = new GzipCollector();
  const rejected = new GzipCollector();
  const ids = new IdList(part.rows);
  const times: Array<string | null | undefined> = [];
  let seq = task.firstSeq;
  let rows = 0;

  const onLine = (line: string) => {
    rows += 1;
    const result = normalizeRow(parseLine(line), ctx);
    if (result.ok) {
      const row = result.row as unknown as Record<string, string>;
      ids.push(row[idField] as string);
      times.push(row.last_seen);
      findings.line(JSON.stringify(row));
    } else {
      rejected.line(JSON.stringify({ reason: result.reason, part: part.key, line: seq, raw: line }));
    }
    seq += 1;
  };
  const flush = async () => {
    await findings.flush();
    await rejected.flush();
  };

  const lineOf = (bytes: Buffer, from: number, to: number) => {
    const end = to > from && bytes[to - 1] === CR ? to - 1 : to;
    if (end > from) onLine(bytes.toString('utf8', from, end));
  };
  try {
    // Large chunks: a thread-pool round trip per 16 KiB (zlib's default) cost a third of the time.
    const gunzip = createGunzip({ chunkSize: 1 << 20 });
    gunzip.end(task.stored);
    let carry: Buffer | undefined;
    let inflated = 0;
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      // A part that inflates beyond what its manifest recorded is refused, not followed.
      if (inflated > part.uncompressedBytes)
        throw new Error(`it inflates beyond ${part.uncompressedBytes} bytes`);
      let start = 0;
      if (carry !== undefined) {
        const nl = chunk.indexOf(NEWLINE);
        if (nl === -1) {
          carry = Buffer.concat([carry, chunk]);
          continue;
        }
        const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
        lineOf(line, 0, line.length);
        start = nl + 1;
        carry = undefined;
      }
      for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        lineOf(chunk, start, nl);
        start = nl + 1;
      }
      // A copy: the chunk itself can go.
      if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
      // Big writes: gzip runs on the thread pool while the next rows are parsed.
      if (findings.full || rejected.full) await flush();
    }
    if (carry !== undefined) lineOf(carry, 0, carry.length);
  } catch (err) {
    throw new PartIntegrityError(
      task.where,
      `it is not readable gzip NDJSON: ${(err as Error).message.slice(0, 120)}`,
    );
  }
  await flush();
  if (rows !== part.rows) throw new PartIntegrityError(task.where, `${rows} rows, expected ${part.rows}`);
  return {
    index: task.index,
    findings: await findings.finish(),
    rejected: await rejected.finish(),
    ids: ids.bytes(),
    times: Float64Array.from(times, timeValue),
  };
}

/** `last_seen` as a number that sorts as its text did; a row without one loses to any that has one. */
function timeValue(iso: string | null | undefined): number {
  const ms = iso === null || iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/** A raw line that is not JSON becomes a rejection (normalizeRow reports non-objects). */
function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}

/**
 * Lines into gzip in memory, hashing the compressed bytes as they come. Lines are encoded straight
 * into a batch buffer (no joined string, no second copy: a fifth of a row's time on Node 24) that
 * goes to gzip whole, where it is compressed on the thread pool while the next rows are parsed.
 */
class GzipCollector {
  rows = 0;
  private gzip: Gzip | undefined;
  private readonly chunks: Buffer[] = [];
  private readonly hash = createHash('sha256');
  private uncompressed = 0;
  private stored = 0;
  private batch: Buffer | undefined;
  private used = 0;

  /** Time to {@link GzipCollector.flush}: the batch buffer is nearly full. */
  get full(): boolean {
    return this.batch !== undefined && this.used >= BATCH_BYTES - MAX_LINE_IN_BATCH;
  }

  line(text: string): void {
    this.rows += 1;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; a longer line than a batch takes goes alone.
    if (text.length * 3 + 1 > MAX_LINE_IN_BATCH) {
      this.closeBatch();
      this.pending.push(Buffer.from(`${text}\n`));
      return;
    }
    if (this.batch === undefined || this.used + text.length * 3 + 1 > BATCH_BYTES) {
      this.closeBatch();
      this.batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
    }
    this.used += this.batch.write(text, this.used);
    this.batch[this.used++] = NEWLINE;
  }

  /** Buffers written and not yet handed to gzip, in line order. */
  private readonly pending: Buffer[] = [];

  private closeBatch(): void {
    if (this.batch !== undefined && this.used > 0) this.pending.push(this.batch.subarray(0, this.used));
    this.batch = undefined;
    this.used = 0;
  }

  async flush(): Promise<void> {
    this.closeBatch();
    if (this.pending.length === 0) return;
    if (this.gzip === undefined) {
      const gzip = createGzip(GZIP_OPTIONS);
      gzip.on('data', (chunk: Buffer) => {
        this.chunks.push(chunk);
        this.hash.update(chunk);
        this.stored += chunk.length;
      });
      this.gzip = gzip;
    }
    // Each buffer is gzip's from here on: a new batch buffer is taken for the next lines.
    for (const bytes of this.pending.splice(0)) {
      this.uncompressed += bytes.length;
      if (!this.gzip.write(bytes)) await once(this.gzip, 'drain');
    }
  }

  async finish(): Promise<PartObject | null> {
    await this.flush();
    const gzip = this.gzip;
    if (gzip === undefined) return null;
    const ended = once(gzip, 'end');
    gzip.end();
    await ended;
    // Memory of its own (not a pooled slice), so a worker can transfer it.
    const bytes = new Uint8Array(this.stored);
    let at = 0;
    for (const chunk of this.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return {
      bytes,
      rows: this.rows,
      uncompressedBytes: this.uncompressed,
      sha256: this.hash.digest('hex'),
    };
  }
}

/** The delivered ids of one part, 16 bytes each (they are 32 hex digits of a sha256). */
class IdList {
  private buf: Buffer;
  private length = 0;

  constructor(expectedRows: number) {
    // The manifest's count is a hint, not a promise: it is checked after the part is read.
    this.buf = Buffer.allocUnsafe(Math.min(Math.max(1, expectedRows), 1 << 20) * ID_BYTES);
  }

  push(hex: string): void {
    if (this.length + ID_BYTES > this.buf.length) {
      const grown = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    this.length += this.buf.write(hex, this.length, ID_BYTES, 'hex');
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.length).slice();
  }
}
