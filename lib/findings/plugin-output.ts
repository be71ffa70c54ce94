import { PLUGIN_OUTPUT_CLOSE, PLUGIN_OUTPUT_OPEN } from './constants';

/**
 * `pluginText` without SC's `<plugin_output>…</plugin_output>` wrapper (reference §3.3). Text
 * without the wrapper is returned as is; the content itself is kept byte for byte (leading
 * newlines included: plugins lay their output out with them).
 *
 * @example unwrapPluginOutput('<plugin_output>Port 443 is open\n</plugin_output>') // 'Port 443 is open\n'
 */
export function unwrapPluginOutput(text: string): string {
  const start = text.startsWith(PLUGIN_OUTPUT_OPEN) ? PLUGIN_OUTPUT_OPEN.length : 0;
  let end = text.length;
  if (text.endsWith(PLUGIN_OUTPUT_CLOSE) && end - PLUGIN_OUTPUT_CLOSE.length >= start) {
    end -= PLUGIN_OUTPUT_CLOSE.length;
  }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * How many UTF-16 code units of `text` fit in `maxBytes` of UTF-8 without cutting a character:
 * `text.length` when all of it fits. A surrogate pair (4 bytes) is kept or dropped whole; a lone
 * surrogate counts 3 bytes, as U+FFFD, which is what an encoder writes for it.
 *
 * It stops counting at the cap, so a megabyte of output costs no more than the cap.
 *
 * @example
 * ```ts
 * utf8CutIndex('aé€😀', 6)  // 3: 'a' 1 + 'é' 2 + '€' 3 bytes; the emoji (4 bytes) does not fit
 * ```
 */
export function utf8CutIndex(text: string, maxBytes: number): number {
  const length = text.length;
  // A code unit never takes more than 3 bytes (a pair: 2 units, 4 bytes), so short text fits.
  if (length * 3 <= maxBytes) return length;
  let bytes = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    let size = 3;
    let units = 1;
    if (code < 0x80) {
      size = 1;
    } else if (code < 0x800) {
      size = 2;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        size = 4;
        units = 2;
      }
    }
    if (bytes + size > maxBytes) return i;
    bytes += size;
    i += units - 1;
  }
  return length;
}
