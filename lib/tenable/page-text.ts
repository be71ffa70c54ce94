/**
 * Reads an analysis page as bytes, without building a string or an object per row. A 1000-row
 * vulndetails page is ~2.3 MB of JSON: decoding it into a string, parsing it into objects and
 * serialising every row again for the raw output was most of an export's CPU and allocation, and
 * the page-sized strings most of its memory peak (reference §7.1, bench/ issue 9). Here one pass
 * over the body's bytes splits the `results` array into the rows' own bytes (views of the body:
 * exactly what SC sent) and, on the way, reads the few top-level fields the caller asks for. Only
 * the envelope around the rows is parsed, with the array emptied.
 */
import type { RowText } from './analysis-page';
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
} from './json-bytes';

function isSpace(c: number): boolean {
  // Tested against the largest whitespace byte first: everything else in JSON is above it.
  return c <= 0x20 && (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09);
}

function skipSpace(b: Uint8Array, i: number): number {
  while (i < b.length && isSpace(b[i] as number)) i++;
  return i;
}

/** Index just past the string starting at `i` (a quote), or -1 when it does not end. */
function skipString(b: Uint8Array, i: number): number {
  // A plain byte loop: faster here than a native indexOf per string (most strings are short). The
  // length is read once: re-reading it on every byte costs ~15 % of the scan.
  const length = b.length;
  for (let j = i + 1; j < length; j++) {
    const c = b[j];
    if (c === QUOTE) return j + 1;
    if (c === BACKSLASH) j++;
  }
  return -1;
}

/** Index just past the JSON value starting at `i`, or -1 when it is cut off. */
function skipValue(b: Uint8Array, i: number): number {
  const first = b[i];
  if (first === QUOTE) return skipString(b, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let j = i;
    while (j < b.length) {
      const c = b[j] as number;
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
      j++;
    }
    return j === i ? -1 : j;
  }
  let depth = 0;
  const length = b.length;
  for (let j = i; j < length; j++) {
    const c = b[j];
    if (c === QUOTE) {
      j = skipString(b, j) - 1;
      if (j < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/**
 * The wanted field names as bytes, for comparing keys in place, with a filter on (length, first
 * byte): a row has ~50 keys and most are rejected by one lookup. A name `a.b` asks for field `b` of
 * the object in top-level field `a`, read without parsing the rest of that object.
 */
interface Names {
  /** Distinct top-level names, as bytes. */
  bytes: Buffer[];
  /** For each top-level name: the output name (`a`, or `a.b` one level down) when its whole value is wanted. */
  whole: (string | undefined)[];
  /** For each top-level name: the nested names wanted in it (output `top.nested`). */
  nested: (Names | undefined)[];
  /** Bit `first & 31` set in `filter[length]` when some name has that length and first byte. */
  filter: Uint32Array;
}

function encodeNames(wanted: readonly string[], prefix = ''): Names {
  const tops: string[] = [];
  const whole: (string | undefined)[] = [];
  const nested: string[][] = [];
  for (const name of wanted) {
    const dot = name.indexOf('.');
    const top = dot < 0 ? name : name.slice(0, dot);
    let t = tops.indexOf(top);
    if (t < 0) {
      t = tops.push(top) - 1;
      whole.push(undefined);
      nested.push([]);
    }
    if (dot < 0) whole[t] = prefix + name;
    else (nested[t] as string[]).push(name.slice(dot + 1));
  }
  const bytes = tops.map((name) => Buffer.from(name));
  const filter = new Uint32Array(Math.max(0, ...bytes.map((b) => b.length)) + 1);
  for (const name of bytes) {
    if (name.length > 0)
      filter[name.length] = (filter[name.length] as number) | (1 << ((name[0] as number) & 31));
  }
  return {
    bytes,
    whole,
    nested: nested.map((subs, t) =>
      subs.length === 0 ? undefined : encodeNames(subs, `${prefix}${tops[t]}.`),
    ),
    filter,
  };
}

/** Index in `names` of the key in `b[start, end)`, or -1. */
function matchName(b: Uint8Array, start: number, end: number, names: Names): number {
  const length = end - start;
  if (length <= 0 || length >= names.filter.length) return -1;
  if (((names.filter[length] as number) & (1 << ((b[start] as number) & 31))) === 0) return -1;
  for (let n = 0; n < names.bytes.length; n++) {
    const name = names.bytes[n] as Buffer;
    if (name.length !== length) continue;
    let k = 0;
    while (k < length && b[start + k] === name[k]) k++;
    if (k === length) return n;
  }
  return -1;
}

const UNREADABLE = Symbol('unreadable');

/** The value in `body[start, end)`: a string without escapes as is, anything else parsed. */
function readValue(body: Buffer, start: number, end: number): unknown {
  if (body[start] === QUOTE) {
    let k = start + 1;
    while (k < end - 1 && body[k] !== BACKSLASH) k++;
    if (k === end - 1) return body.toString('utf8', start + 1, end - 1);
  }
  // The scan is structural only: a malformed value is "not readable", never a SyntaxError.
  try {
    return JSON.parse(body.toString('utf8', start, end));
  } catch {
    return UNREADABLE;
  }
}

/**
 * Stores the wanted parts of the value in `body[start, end)` of top-level name `n` in `fields`.
 * False when a wanted part is not readable JSON.
 */
function readField(
  body: Buffer,
  start: number,
  end: number,
  names: Names,
  n: number,
  fields: Record<string, unknown>,
): boolean {
  const whole = names.whole[n];
  if (whole !== undefined) {
    const value = readValue(body, start, end);
    if (value === UNREADABLE) return false;
    fields[whole] = value;
  }
  const nested = names.nested[n];
  if (nested !== undefined && body[start] === OPEN_BRACE) {
    const inner = readObject(body, start, nested);
    if (inner.fields === undefined) return false;
    Object.assign(fields, inner.fields);
  }
  return true;
}

/**
 * Reads the object starting at `i` (an open brace): where it ends, and its wanted top-level fields.
 * `end` is -1 when the text is cut off; `fields` is undefined when the object is not readable JSON
 * (its end is then found structurally, as far as that is possible).
 */
function readObject(
  body: Buffer,
  i: number,
  names: Names,
): { end: number; fields: Record<string, unknown> | undefined } {
  const fields: Record<string, unknown> = {};
  let j = skipSpace(body, i + 1);
  if (body[j] === CLOSE_BRACE) return { end: j + 1, fields };
  while (body[j] === QUOTE) {
    const keyEnd = skipString(body, j);
    if (keyEnd < 0) return { end: -1, fields: undefined };
    // Compared in place: no string is made for the ~50 keys of a row that are not wanted.
    const n = matchName(body, j + 1, keyEnd - 1, names);
    // SC sends compact JSON: the separators are tested where they are expected before any
    // whitespace is skipped (most of a row's bytes are in values, most of the calls per key here).
    j = body[keyEnd] === COLON ? keyEnd : skipSpace(body, keyEnd);
    if (body[j] !== COLON) break;
    j = isSpace(body[j + 1] as number) ? skipSpace(body, j + 1) : j + 1;
    const valueEnd = body[j] === QUOTE ? skipString(body, j) : skipValue(body, j);
    if (valueEnd < 0) return { end: -1, fields: undefined };
    if (n >= 0 && !readField(body, j, valueEnd, names, n, fields)) break;
    j = isSpace(body[valueEnd] as number) ? skipSpace(body, valueEnd) : valueEnd;
    if (body[j] === CLOSE_BRACE) return { end: j + 1, fields };
    if (body[j] !== COMMA) break;
    j = body[j + 1] === QUOTE ? j + 1 : skipSpace(body, j + 1);
  }
  // Not an object as JSON has it: pass the row on unread, if its end can be found at all.
  return { end: skipValue(body, i), fields: undefined };
}

/**
 * Splits `{…"results":[row, row, …]…}` into the rows' bytes (with the `wanted` top-level fields of
 * each; `a.b` reads field `b` of the object in `a`) and the envelope without them. Returns undefined when the body does not have that shape or
 * is cut off: the caller then parses it normally (and a truncated page fails as such).
 *
 * @example
 * ```ts
 * const page = splitResults(body, ['ip', 'pluginID']);
 * if (page !== undefined) for (const row of page.rows) out.write(row.bytes);
 * ```
 */
export function splitResults(
  body: Buffer,
  wanted: readonly string[] = [],
): { envelope: unknown; rows: RowText[] } | undefined {
  const key = body.indexOf('"results"');
  if (key < 0) return undefined;
  let i = skipSpace(body, key + 9);
  if (body[i] !== COLON) return undefined;
  i = skipSpace(body, i + 1);
  if (body[i] !== OPEN_BRACKET) return undefined;
  const arrayStart = i;
  const names = encodeNames(wanted);
  const rows: RowText[] = [];
  i++;
  for (;;) {
    while (i < body.length && (isSpace(body[i] as number) || body[i] === COMMA)) i++;
    if (i >= body.length) return undefined;
    if (body[i] === CLOSE_BRACKET) break;
    const read =
      body[i] === OPEN_BRACE ? readObject(body, i, names) : { end: skipValue(body, i), fields: undefined };
    if (read.end < 0) return undefined;
    rows.push({ bytes: body.subarray(i, read.end), fields: read.fields });
    i = read.end;
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(`${body.toString('utf8', 0, arrayStart)}[]${body.toString('utf8', i + 1)}`);
  } catch {
    return undefined;
  }
  const results = (envelope as { response?: { results?: unknown } } | null)?.response?.results;
  if (!Array.isArray(results) || results.length !== 0) return undefined;
  return { envelope, rows };
}

/**
 * The top-level fields `wanted` of one row's JSON bytes, read as {@link splitResults} reads them.
 * Undefined when the bytes are not one readable JSON object.
 */
export function topLevelFields(row: Buffer, wanted: readonly string[]): Record<string, unknown> | undefined {
  const start = skipSpace(row, 0);
  if (row[start] !== OPEN_BRACE) return undefined;
  const read = readObject(row, start, encodeNames(wanted));
  return read.end < 0 || skipSpace(row, read.end) !== row.length ? undefined : read.fields;
}
