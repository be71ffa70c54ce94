/**
 * Log-side redaction. The first line of defence is never to pass key material to a logger; this
 * is the second: field names that hold secrets are replaced, and text shaped like an SC key
 * header is masked wherever it appears.
 */

/** Field names whose values are always replaced (compared case-insensitively, `-`/`_` ignored). */
const SENSITIVE_FIELDS = new Set([
  'accesskey',
  'secretkey',
  'xapikey',
  'apikey',
  'apikeys',
  'secretstring',
  'secretbinary',
  'rotationtoken',
  'authorization',
  'password',
  'cookie',
  'setcookie',
  'xsecuritycenter',
]);

export const REDACTED = '[redacted]';

const KEY_PAIR_TEXT = /((?:access|secret)[ _-]?key)("?\s*[=:]\s*"?)([^;\s",}]+)/gi;

/** True when a field of this name must never be logged. */
export function isSensitiveField(name: string): boolean {
  return SENSITIVE_FIELDS.has(name.toLowerCase().replace(/[-_]/g, ''));
}

/** Masks `accesskey=…`/`secretkey=…` (and JSON `"secretKey": "…"`) inside free text. */
export function redactText(text: string): string {
  return text.replace(KEY_PAIR_TEXT, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
}

/** A JSON.stringify replacer applying both rules; used by the Lambda logger. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSensitiveField(key)) return REDACTED;
  if (typeof value === 'string') return redactText(value);
  return value;
}
