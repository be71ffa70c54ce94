import {
  BACKSLASH,
  CLOSE_BRACKET,
  COMMA,
  LETTER_N,
  LETTER_R,
  NEWLINE,
  QUOTE,
  RETURN,
  SPACE,
} from './json-bytes';
import { IDENTITY_FIELDS, type RowKind, rowLandmark } from './row-identity';

/** One row as read from a page body: its JSON bytes and the identity fields read on the way. */
export interface RowText {
  /** The row's JSON exactly as SC sent it: a view of the page body, not a copy. */
  readonly bytes: Buffer;
  /**
   * The wanted top-level fields present in the row: strings as text, other values parsed. Undefined
   * when the row is not a readable JSON object (SC sent broken JSON): it is still passed on as bytes.
   */
  readonly fields: Record<string, unknown> | undefined;
}

/**
 * One `/rest/analysis` page: the rows' own JSON bytes (exactly what SC sent), each row's landmark
 * for the drift-safe pager, and SC's `totalRecords` hint. The page owns the memory its rows are
 * views of — a pooled buffer the body was read into (bench/, issue 9) — and gives it back with
 * {@link release} once nothing reads the rows any more. Only bytes and landmarks are kept: pages
 * wait in the pager's read-ahead, and parsed fields kept alive there cost GC time.
 *
 * @example
 * ```ts
 * const page = await sc.analysisPage(query, { startOffset: 0, pageSize: 1000, kind: 'finding' });
 * await writer.writeNdjson(page.ndjson(), page.rows.length);
 * page.release();
 * ```
 */
export class AnalysisPage {
  /** Each row's JSON bytes, in SC's order. */
  readonly rows: readonly Buffer[];
  /** Each row's landmark (a short form of its SC identity), in the same order. */
  readonly landmarks: readonly string[];
  /** SC's `totalRecords` when it sent a usable one: a hint, never trusted to stop paging. */
  readonly totalRecords: number | undefined;
  private released = false;

  /**
   * @param memory the buffer behind the rows' views, when it is the page's own (the separators
   *   between rows in it may be rewritten to newlines: see {@link ndjson}).
   * @param giveBack returns `memory` for reuse; called at most once.
   */
  constructor(
    rows: readonly RowText[],
    kind: RowKind,
    totalRecords: number | undefined,
    private readonly memory?: ArrayBufferLike,
    private readonly giveBack?: (memory: ArrayBufferLike) => void,
  ) {
    this.rows = rows.map((row) => row.bytes);
    this.landmarks = rows.map((row) => rowLandmark(row.bytes, row.fields, kind));
    this.totalRecords = totalRecords;
  }

  /** The fields a page's rows are read for. */
  static readonly fields = IDENTITY_FIELDS;

  /**
   * The rows from `from` on as NDJSON: each row's bytes followed by a newline. When the page's own
   * memory already holds them that way (SC's compact JSON: its separators become newlines), this is
   * a view of it — no copy; otherwise a copy. A row holding raw CR or LF bytes (pretty-printed JSON)
   * is put on one line, so a part's line count is its row count (see {@link oneLine}). Valid until
   * {@link release}.
   */
  ndjson(from = 0): Buffer {
    const rows = this.rows.slice(from);
    const first = rows[0];
    if (first === undefined) return Buffer.alloc(0);
    const run = this.packedRun(rows);
    if (run !== undefined) return run;
    let size = rows.length;
    for (const row of rows) size += row.byteLength;
    const copy = Buffer.allocUnsafe(size + extraBytes(rows));
    let at = 0;
    for (const row of rows) {
      at = oneLine(row, copy, at);
      copy[at++] = NEWLINE;
    }
    return copy.subarray(0, at);
  }

  /**
   * `rows` as one view of the page's memory, when each row is followed by exactly one separator
   * byte (`,` between rows, `]` after the last: SC's compact JSON) and the next row starts right
   * after it. Those separators become newlines in place; the rows' own bytes are untouched, and the
   * envelope around them was parsed when the page was read.
   */
  private packedRun(rows: readonly Buffer[]): Buffer | undefined {
    const first = rows[0];
    if (this.memory === undefined || first === undefined || first.buffer !== this.memory) return undefined;
    const memory = new Uint8Array(this.memory, 0, this.memory.byteLength);
    let at = first.byteOffset;
    for (const row of rows) {
      if (row.buffer !== this.memory || row.byteOffset !== at) return undefined;
      const separator = memory[at + row.byteLength];
      if (separator !== COMMA && separator !== CLOSE_BRACKET && separator !== NEWLINE) return undefined;
      at += row.byteLength + 1;
    }
    // Rows with line breaks of their own go the copying way, which puts each on one line.
    if (rows.some(hasLineBreak)) return undefined;
    for (const row of rows) memory[row.byteOffset + row.byteLength] = NEWLINE;
    return Buffer.from(this.memory, first.byteOffset, at - first.byteOffset);
  }

  /**
   * Gives the page's memory back for the next pages. Call it once nothing reads the rows (or the
   * NDJSON) any more; a page never released is simply garbage-collected. Calling it twice is a no-op.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.memory !== undefined) this.giveBack?.(this.memory);
  }
}

/** True when a row holds a raw LF or CR (a row's own bytes never include its separator). */
function hasLineBreak(row: Buffer): boolean {
  return row.includes(NEWLINE) || row.includes(RETURN);
}

/** Bytes {@link oneLine} may add: one per raw CR or LF (a break inside a string becomes `\n`). */
function extraBytes(rows: readonly Buffer[]): number {
  let extra = 0;
  for (const row of rows) {
    for (let at = row.indexOf(NEWLINE); at >= 0; at = row.indexOf(NEWLINE, at + 1)) extra += 1;
    for (let at = row.indexOf(RETURN); at >= 0; at = row.indexOf(RETURN, at + 1)) extra += 1;
  }
  return extra;
}

/**
 * Copies `row` into `out` at `at` on one line and returns where it ended. JSON allows raw CR and LF
 * only as whitespace between tokens, where a space means the same; one inside a string (broken
 * JSON) becomes its escape, `\r` or `\n`, so no byte of what SC sent is lost. Rows without a
 * break are copied as they are.
 */
function oneLine(row: Buffer, out: Buffer, at: number): number {
  if (!hasLineBreak(row)) {
    out.set(row, at);
    return at + row.byteLength;
  }
  let inString = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i] as number;
    if (inString && c === BACKSLASH) {
      out[at++] = c;
      out[at++] = row[++i] as number;
      continue;
    }
    if (c === QUOTE) inString = !inString;
    if (c === NEWLINE || c === RETURN) {
      if (inString) {
        out[at++] = BACKSLASH;
        out[at++] = c === NEWLINE ? LETTER_N : LETTER_R;
      } else out[at++] = SPACE;
      continue;
    }
    out[at++] = c;
  }
  return at;
}
