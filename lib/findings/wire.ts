/**
 * Readers for SC's wire values (reference §3.3): virtually every scalar is a string, missing
 * values are `""`, unset dates `"-1"`, ids are sometimes JSON numbers. Each reader returns the
 * typed value or null, and throws {@link RowRejectedError} naming the field when a value is
 * present but unreadable. They run per field over millions of rows: no allocation beyond the
 * result, regular expressions compiled once.
 */
import { MAX_EPOCH_SECONDS } from './constants';
import { RowRejectedError } from './errors';
import type { NamedId, WireRow } from './types';

// A plain decimal number: no hex, binary, "Infinity" or empty text, which Number() would accept.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A short, log-safe picture of a bad value: at most 32 characters of it, never a whole object. */
export function preview(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 32 ? `${value.slice(0, 32)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Text as sent; `""` and absent → null; numbers and booleans as their text. */
export function text(value: unknown, field: string): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RowRejectedError(field, `expected text, got ${preview(value)}`);
}

/** Trimmed text for names, addresses and ids; blank → null. Numeric ids (`repository.id: 1`) become "1". */
export function token(value: unknown, field: string): string | null {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  return text(value, field);
}

/** A decimal number from a string or a JSON number; `""` and absent → null. */
export function num(value: unknown, field: string): number | null {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return null;
    if (!DECIMAL.test(trimmed)) throw new RowRejectedError(field, `not a number (${preview(value)})`);
    n = Number(trimmed);
  } else if (value === undefined || value === null) {
    return null;
  } else {
    throw new RowRejectedError(field, `not a number (${preview(value)})`);
  }
  if (!Number.isFinite(n)) throw new RowRejectedError(field, `not a finite number (${preview(value)})`);
  return n + 0; // -0 → 0: JSON has no negative zero
}

/** A whole number within [min, max]; `""` and absent → null. */
export function int(value: unknown, field: string, min: number, max: number): number | null {
  const n = num(value, field);
  if (n === null) return null;
  if (!Number.isInteger(n)) throw new RowRejectedError(field, `not a whole number (${preview(value)})`);
  if (n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `below ${min}` : `out of range ${min}–${max}`;
    throw new RowRejectedError(field, `${range} (${preview(value)})`);
  }
  return n;
}

/**
 * Epoch seconds (SC's date format). `""`, absent and anything ≤ 0 → null: SC writes `"-1"` for
 * "never" (reference §3.3) and no SC date is 1970. Fractions are dropped: SC counts whole seconds.
 */
export function epochSeconds(value: unknown, field: string): number | null {
  const n = num(value, field);
  if (n === null || n <= 0) return null;
  if (n > MAX_EPOCH_SECONDS) throw new RowRejectedError(field, `not an epoch time (${preview(value)})`);
  return Math.floor(n);
}

/** SC's `"0"`/`"1"` flags (hasBeenMitigated, acceptRisk, recastRisk); also JSON 0/1 and booleans. */
export function flag01(value: unknown, field: string): boolean | null {
  switch (value) {
    case '1':
    case 1:
    case true:
    case 'true':
      return true;
    case '0':
    case 0:
    case false:
    case 'false':
      return false;
    case '':
    case undefined:
    case null:
      return null;
    default:
      throw new RowRejectedError(field, `expected "0" or "1" (${preview(value)})`);
  }
}

/** `exploitAvailable`: "Yes"/"No" in analysis rows, "true"/"false" in /rest/plugin (reference §3.3). */
export function yesNo(value: unknown, field: string): boolean | null {
  switch (value) {
    case 'Yes':
    case 'yes':
    case 'true':
    case true:
      return true;
    case 'No':
    case 'no':
    case 'false':
    case false:
      return false;
    case '':
    case undefined:
    case null:
      return null;
    default:
      throw new RowRejectedError(field, `expected "Yes" or "No" (${preview(value)})`);
  }
}

function pushTrimmed(out: string[], part: string): void {
  const trimmed = part.trim();
  if (trimmed !== '') out.push(trimmed);
}

/**
 * A list SC packs into one string (`cve` "a,b", `cpe` "a<br/>b", `seeAlso` one per line):
 * split, trimmed, blanks dropped; `""` and absent → []. A JSON array is taken as the list.
 */
export function list(value: unknown, field: string, separator: string | RegExp): string[] {
  const out: string[] = [];
  if (typeof value === 'string') {
    if (value === '') return out;
    if (typeof separator === 'string' && !value.includes(separator)) pushTrimmed(out, value);
    else for (const part of value.split(separator)) pushTrimmed(out, part);
    return out;
  }
  if (value === undefined || value === null) return out;
  if (Array.isArray(value)) {
    for (const item of value) {
      const itemText = token(item, field);
      if (itemText !== null) out.push(itemText);
    }
    return out;
  }
  throw new RowRejectedError(field, `expected a list as text, got ${preview(value)}`);
}

/** A nested SC object (`severity`, `family`, `repository`); `""` and absent → null. */
export function nested(value: unknown, field: string): WireRow | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'object' && !Array.isArray(value)) return value as WireRow;
  throw new RowRejectedError(field, `expected an object, got ${preview(value)}`);
}

/** `repository {id, name, …}` → `{id, name}`; ids arrive as "1" or 1 (reference §3.3). */
export function repositoryOf(value: unknown): NamedId | null {
  const repository = nested(value, 'repository');
  if (repository === null) return null;
  return { id: token(repository.id, 'repository.id'), name: token(repository.name, 'repository.name') };
}
