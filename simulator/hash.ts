/**
 * Deterministic integer hashing: every generated value is a pure function of (seed, salt, n),
 * so row i can be rebuilt at any time without storing it.
 */

/** murmur3's 32-bit finalizer: a cheap bijective mix of a 32-bit integer. */
function mix32(value: number): number {
  let x = value | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Hash of (seed, salt, n) as an unsigned 32-bit integer.
 *
 * @example hash(1, SALT.host, 42) % 100
 */
export function hash(seed: number, salt: number, n: number): number {
  const high = Math.floor(n / 0x1_0000_0000);
  let x = mix32(seed ^ 0x9e3779b9);
  x = mix32(x ^ Math.imul(salt + 1, 0x27d4eb2d));
  x = mix32(x ^ (n >>> 0));
  return mix32(x ^ high);
}

/** Hash of (seed, salt, n) mapped to [0, 1). */
export function unit(seed: number, salt: number, n: number): number {
  return hash(seed, salt, n) / 0x1_0000_0000;
}

/** Hash of (seed, salt, n) mapped to an integer in [0, bound). */
export function below(seed: number, salt: number, n: number, bound: number): number {
  return Math.floor(unit(seed, salt, n) * bound);
}

/** Salts keep the streams of different attributes independent. */
export const SALT = {
  hostClass: 1,
  hostRepo: 2,
  hostAgent: 3,
  hostRotation: 4,
  hostScores: 5,
  hostMac: 6,
  ipOffset: 7,
  firstSeen: 8,
  reopened: 9,
  pluginText: 10,
  keys: 11,
  drift: 12,
  cookie: 13,
  uuid: 14,
  scan: 15,
} as const;

/** A small seeded generator for sequences (drift), built on {@link hash}. */
export class SeededSequence {
  private counter = 0;

  constructor(private readonly seed: number) {}

  /** Next integer in [0, bound). */
  nextBelow(bound: number): number {
    return below(this.seed, SALT.drift, this.counter++, bound);
  }
}

/** A UUID-shaped string (lowercase hex, version nibble 4) derived from (seed, salt, n). */
export function uuidFrom(seed: number, salt: number, n: number): string {
  const hex = [0, 1, 2, 3]
    .map((k) =>
      hash(seed, salt, n * 4 + k)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
