import { createHash, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { KEY_PARTS_FIX, REDACTED, SECRET_FORMAT_FIX } from './constants';
import { checkKeyValues } from './key-rules';
import { readKeyFields } from './secret-string';

/**
 * A Tenable SC API key pair (access key + secret key), held so it cannot leak by accident.
 *
 * The keys live in private fields. Every way of turning the object into text (`JSON.stringify`,
 * `String()`, template literals, `console.log`/`util.inspect`) gives
 * `ScApiKeys([redacted] ak:1a2b3c4d)`; the only way to the keys is {@link ScApiKeys.headerValue}.
 *
 * @example
 * ```ts
 * const keys = ScApiKeys.parse('accesskey=<32 hex>; secretkey=<32 hex>;');
 * await request(url, { headers: { 'x-apikey': keys.headerValue() } });
 * logger.info('keys loaded', { keys: keys.accessKeyId }); // "ak:1a2b3c4d", never a key
 * ```
 */
export class ScApiKeys {
  /**
   * A short, non-reversible label of the access key, safe for logs: `ak:` and the first 8 hex
   * digits of its SHA-256. The same keys always give the same label.
   */
  readonly accessKeyId: string;
  readonly #accessKey: string;
  readonly #secretKey: string;
  #scrubPattern: RegExp | undefined;

  private constructor(accessKey: string, secretKey: string) {
    this.#accessKey = accessKey;
    this.#secretKey = secretKey;
    this.accessKeyId = `ak:${sha256(accessKey).toString('hex').slice(0, 8)}`;
  }

  /**
   * Reads keys from a secret string: `accesskey=<A>; secretkey=<S>;` (any spacing or field-name
   * case, final `;` optional) or the JSON `{"accesskey": "…", "secretkey": "…"}`.
   *
   * @throws {SecretFormatError} (`SECRET_FORMAT`) naming what is wrong; never quotes key material.
   * @example
   * ```ts
   * const keys = ScApiKeys.parse(secret.SecretString);
   * ```
   */
  static parse(secretString: string): ScApiKeys {
    const { accessKey, secretKey } = readKeyFields(secretString);
    checkKeyValues(accessKey, secretKey, SECRET_FORMAT_FIX);
    return new ScApiKeys(accessKey, secretKey);
  }

  /**
   * Builds keys from the two values (surrounding whitespace ignored), with the same checks as
   * {@link ScApiKeys.parse}. For keys typed in by a person, e.g. `sc2aws keys stage`.
   *
   * @throws {SecretFormatError} (`SECRET_FORMAT`)
   * @example
   * ```ts
   * const keys = ScApiKeys.fromParts(answers.accessKey, answers.secretKey);
   * ```
   */
  static fromParts(accessKey: string, secretKey: string): ScApiKeys {
    const access = typeof accessKey === 'string' ? accessKey.trim() : '';
    const secret = typeof secretKey === 'string' ? secretKey.trim() : '';
    checkKeyValues(access, secret, KEY_PARTS_FIX);
    return new ScApiKeys(access, secret);
  }

  /**
   * The `x-apikey` header value in its canonical form (tenable-sc-api.md §1.1).
   *
   * @example
   * ```ts
   * keys.headerValue(); // 'accesskey=<A>; secretkey=<S>;'
   * ```
   */
  headerValue(): string {
    return `accesskey=${this.#accessKey}; secretkey=${this.#secretKey};`;
  }

  /**
   * True when either key appears in `text`, ignoring case: a leak check for text about to be
   * logged, stored or sent.
   *
   * @example
   * ```ts
   * if (keys.containedIn(responseBody)) throw new Error('SC echoed the keys');
   * ```
   */
  containedIn(text: string): boolean {
    if (typeof text !== 'string') return false;
    const haystack = text.toLowerCase();
    return (
      haystack.includes(this.#accessKey.toLowerCase()) || haystack.includes(this.#secretKey.toLowerCase())
    );
  }

  /**
   * `text` with every occurrence of either key (any case) replaced by `[redacted]`.
   *
   * @example
   * ```ts
   * logger.warn(keys.scrub(String(err)));
   * ```
   */
  scrub(text: string): string {
    this.#scrubPattern ??= new RegExp(
      [this.#accessKey, this.#secretKey]
        .sort((a, b) => b.length - a.length)
        .map((key) => key.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
        .join('|'),
      'gi',
    );
    return text.replace(this.#scrubPattern, REDACTED);
  }

  /**
   * True when both keys are the same (compared in constant time).
   *
   * @example
   * ```ts
   * if (pending.keys.equals(current.keys)) return; // nothing to rotate
   * ```
   */
  equals(other: ScApiKeys): boolean {
    if (!(other instanceof ScApiKeys)) return false;
    return (
      timingSafeEqual(sha256(this.#accessKey), sha256(other.#accessKey)) &&
      timingSafeEqual(sha256(this.#secretKey), sha256(other.#secretKey))
    );
  }

  /** `ScApiKeys([redacted] ak:…)`, so `JSON.stringify` and log serializers never see a key. */
  toJSON(): string {
    return this.toString();
  }

  /** `ScApiKeys([redacted] ak:…)`, so string conversion never shows a key. */
  toString(): string {
    return `ScApiKeys(${REDACTED} ${this.accessKeyId})`;
  }

  /** `ScApiKeys([redacted] ak:…)` for `console.log` and `util.inspect`. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Reads keys from a secret string; the same as {@link ScApiKeys.parse}.
 *
 * @throws {SecretFormatError} (`SECRET_FORMAT`)
 * @example
 * ```ts
 * const keys = parseApiKeys('accessKey = <A>; secretKey = <S>');
 * keys.headerValue(); // 'accesskey=<A>; secretkey=<S>;'
 * ```
 */
export function parseApiKeys(secretString: string): ScApiKeys {
  return ScApiKeys.parse(secretString);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
