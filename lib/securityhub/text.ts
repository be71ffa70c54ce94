/**
 * Text cut to a limit counted in UTF-16 code units (what JavaScript's `length` and AWS's
 * "characters" agree on for the BMP), never inside a character: a surrogate pair stays whole, so a
 * cut string is always valid Unicode. A cut text ends with `…`, within the limit.
 *
 * @example
 * ```ts
 * cutText('a'.repeat(300), 256).length; // 256
 * ```
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // A high surrogate at the cut would lose its low half: cut before it.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** UTF-8 bytes of a string (the unit of Security Hub's size limits). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A FieldMap (string → string, no empty values) within the pair, key and value limits given. */
export function fieldMap(
  entries: Iterable<readonly [string, string | number | boolean | null | undefined]>,
  limits: { pairs: number; key: number; value: number },
): Record<string, string> {
  const out: Record<string, string> = {};
  let pairs = 0;
  for (const [key, raw] of entries) {
    if (raw === null || raw === undefined) continue;
    const value = String(raw);
    // The model's NonEmptyString: at least one non-space character.
    if (!/\S/.test(value) || pairs >= limits.pairs) continue;
    out[cutText(key, limits.key)] = cutText(value, limits.value);
    pairs += 1;
  }
  return out;
}
