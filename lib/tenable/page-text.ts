/**
 * Reads an analysis page without building an object per row. A 1000-row vulndetails page is
 * ~2.7 MB of JSON: parsing it into objects and serialising every row again for the raw output is
 * most of an export's allocation (and of its memory peak, reference §7.1). Here the `results`
 * array is split into the rows' own JSON texts (slices of the body: exactly the bytes SC sent), and
 * the envelope is parsed with the array emptied. Identity fields are read from a row's text
 * without parsing the whole row.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index just past the string starting at `i` (a quote), or -1 when it does not end. */
function skipString(text: string, i: number): number {
  // Most of a row's bytes are inside strings: jump from quote to quote with the native indexOf,
  // and count the backslashes before each to tell an escaped quote from the closing one.
  let from = i + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let b = quote - 1; text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the JSON value starting at `i`, or -1 when it is cut off. */
function skipValue(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return skipString(text, i);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let j = i;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
      j++;
    }
    return j === i ? -1 : j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      j = skipString(text, j) - 1;
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
 * Splits `{…"results":[row, row, …]…}` into the row texts and the envelope without them.
 * Returns undefined when the body does not have that shape (the caller then parses it normally).
 */
export function splitResults(body: string): { envelope: unknown; rows: string[] } | undefined {
  const key = body.indexOf('"results"');
  if (key < 0) return undefined;
  let i = key + 9;
  while (i < body.length && isSpace(body.charCodeAt(i))) i++;
  if (body.charCodeAt(i) !== 0x3a) return undefined;
  i++;
  while (i < body.length && isSpace(body.charCodeAt(i))) i++;
  if (body.charCodeAt(i) !== OPEN_BRACKET) return undefined;
  const arrayStart = i;
  const rows: string[] = [];
  i++;
  for (;;) {
    while (i < body.length && (isSpace(body.charCodeAt(i)) || body.charCodeAt(i) === COMMA)) i++;
    if (i >= body.length) return undefined;
    if (body.charCodeAt(i) === CLOSE_BRACKET) break;
    const end = skipValue(body, i);
    if (end < 0) return undefined;
    rows.push(body.slice(i, end));
    i = end;
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(`${body.slice(0, arrayStart)}[]${body.slice(i + 1)}`);
  } catch {
    return undefined;
  }
  const results = (envelope as { response?: { results?: unknown } } | null)?.response?.results;
  return Array.isArray(results) && results.length === 0 ? { envelope, rows } : undefined;
}

/**
 * The top-level fields `wanted` of one row's JSON text: strings and numbers as text, objects and
 * arrays parsed. Fields not present are absent from the result. Undefined when the text is not an
 * object.
 */
export function topLevelFields(row: string, wanted: readonly string[]): Record<string, unknown> | undefined {
  if (row.charCodeAt(0) !== OPEN_BRACE) return undefined;
  const out: Record<string, unknown> = {};
  let i = 1;
  for (;;) {
    while (i < row.length && (isSpace(row.charCodeAt(i)) || row.charCodeAt(i) === COMMA)) i++;
    if (i >= row.length) return undefined;
    if (row.charCodeAt(i) === CLOSE_BRACE) return out;
    if (row.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = skipString(row, i);
    if (keyEnd < 0) return undefined;
    // Compared in place: no string is made for the ~50 keys of a row that are not wanted.
    let name: string | undefined;
    for (const candidate of wanted) {
      if (keyEnd - i - 2 === candidate.length && row.startsWith(candidate, i + 1)) {
        name = candidate;
        break;
      }
    }
    i = keyEnd;
    while (i < row.length && (isSpace(row.charCodeAt(i)) || row.charCodeAt(i) === 0x3a)) i++;
    const valueEnd = skipValue(row, i);
    if (valueEnd < 0) return undefined;
    if (name !== undefined) {
      const text = row.slice(i, valueEnd);
      if (row.charCodeAt(i) === QUOTE && !text.includes('\\')) out[name] = text.slice(1, -1);
      else {
        // The scan is structural only: a malformed value (SC sent broken JSON) is "not readable",
        // never an untyped SyntaxError in the middle of an export.
        try {
          out[name] = JSON.parse(text);
        } catch {
          return undefined;
        }
      }
    }
    i = valueEnd;
  }
}
