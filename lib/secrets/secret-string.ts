import { MAX_FIELD_NAME_IN_MESSAGE } from './constants';
import { SecretFormatError } from './errors';

/**
 * Reads the two fields out of a secret string, in either form people store:
 * - the header form SC documents, `accesskey=<A>; secretkey=<S>;`, tolerant of spacing, field-name
 *   case and a missing final `;` (pyTenable sends `accessKey=…; secretKey=…`, tenable-sc-api.md §1.1);
 * - the JSON object the AWS console's key/value editor writes, `{"accesskey": "…", "secretkey": "…"}`.
 * It checks the fields (known, once each, text, not empty); the values are checked by key-rules.
 */

export interface KeyFields {
  accessKey: string;
  secretKey: string;
}

type FieldName = 'accesskey' | 'secretkey';
interface RawField {
  name: string;
  value: unknown;
}

const KNOWN_FIELDS: readonly FieldName[] = ['accesskey', 'secretkey'];

/**
 * Returns the trimmed access and secret key from a secret string, or throws
 * {@link SecretFormatError} naming the problem (never the values).
 */
export function readKeyFields(secretString: string): KeyFields {
  if (typeof secretString !== 'string') throw new SecretFormatError('the value is not text');
  const text = secretString.trim();
  if (text === '') throw new SecretFormatError('the secret is empty (or only whitespace)');
  const fields = /^[{["]/.test(text) ? jsonFields(text) : headerFields(text);
  return collect(fields);
}

function headerFields(text: string): RawField[] {
  if (!text.includes('=')) {
    const looks = text.includes(':')
      ? 'use "=" between a field name and its value, not ":"'
      : 'it looks like a bare value';
    throw new SecretFormatError(`the secret holds no "name=value" fields (${looks})`);
  }
  // Empty parts (a final ";", or ";;") carry nothing: skip them rather than fail.
  const parts = text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  return parts.map((part, index) => {
    const where = `the ${ordinal(index + 1)} of ${parts.length} ";"-separated parts`;
    const eq = part.indexOf('=');
    if (eq < 0) {
      const hint = part.includes(':')
        ? 'use "=" between a field name and its value, not ":"'
        : 'a value may not contain ";"';
      throw new SecretFormatError(`${where} is not a "name=value" field (${hint})`);
    }
    const name = part.slice(0, eq).trim();
    if (name === '') throw new SecretFormatError(`${where} has no field name before "="`);
    return { name, value: part.slice(eq + 1) };
  });
}

function jsonFields(text: string): RawField[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No cause on purpose: V8's SyntaxError quotes the text it failed on, i.e. the keys.
    throw new SecretFormatError(`the secret starts with "${text[0]}" but is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretFormatError(`the secret is JSON but not an object (it is ${jsonKind(parsed)})`);
  }
  const object = parsed as Record<string, unknown>;
  // JSON.parse keeps only the last of repeated names; read the names from the text to see them all.
  return topLevelNames(text).map((name) => ({ name, value: object[name] }));
}

function collect(fields: RawField[]): KeyFields {
  const found = new Map<FieldName, string>();
  for (const { name, value } of fields) {
    const field = name.trim().toLowerCase() as FieldName;
    if (!KNOWN_FIELDS.includes(field)) {
      throw new SecretFormatError(
        `${describeName(name)} is not known; the only fields are "accesskey" and "secretkey"`,
      );
    }
    if (found.has(field)) throw new SecretFormatError(`the field "${field}" appears more than once`);
    if (typeof value !== 'string') {
      throw new SecretFormatError(`the field "${field}" holds ${jsonKind(value)}, not a string`);
    }
    const trimmed = value.trim();
    if (trimmed === '') throw new SecretFormatError(`the field "${field}" is empty`);
    if (/[\r\n]/.test(trimmed)) {
      // Most often two fields on two lines without the ";" between them.
      throw new SecretFormatError(
        `the field "${field}" has a line break inside its value (fields are separated by ";", not by line breaks)`,
      );
    }
    found.set(field, trimmed);
  }
  const missing = KNOWN_FIELDS.filter((field) => !found.has(field));
  if (missing.length > 0) {
    throw new SecretFormatError(
      missing.length === 2
        ? 'the fields "accesskey" and "secretkey" are both missing'
        : `the field "${missing[0]}" is missing`,
    );
  }
  return { accessKey: found.get('accesskey') ?? '', secretKey: found.get('secretkey') ?? '' };
}

/**
 * `the field "<name>"`, printable, capped, and withheld when it looks like key material: a
 * mis-split secret can put a key where a name should be (`<access>=<secret>`).
 */
function describeName(name: string): string {
  const printable = name.trim().replace(/[^\u0020-\u007e]/g, '');
  if (/[0-9a-f]{6}/i.test(printable)) return 'a field whose name looks like key material (not shown)';
  const capped =
    printable.length > MAX_FIELD_NAME_IN_MESSAGE
      ? `${printable.slice(0, MAX_FIELD_NAME_IN_MESSAGE)}…`
      : printable;
  return `the field "${capped}"`;
}

/** Optional whitespace then ":" right after a string: the string was a member name. */
const NAME_COLON = /\s*:/y;

/** The names of a valid JSON object's own members, in order, repeats included. */
function topLevelNames(json: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      const end = endOfString(json, i);
      NAME_COLON.lastIndex = end + 1;
      const isName = depth === 1 && NAME_COLON.test(json);
      if (isName) names.push(JSON.parse(json.slice(i, end + 1)) as string);
      i = end;
    }
  }
  return names;
}

/** Index of the quote that closes the JSON string opening at `start`. */
function endOfString(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
  return i;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
