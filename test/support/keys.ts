import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { expect } from 'vitest';
import { ScApiKeys } from '#lib/secrets';

/** A fresh random key pair (32 + 32 hex), used as a canary that must never show up in output. */
export function canaryKeys(): { accessKey: string; secretKey: string; keys: ScApiKeys } {
  const accessKey = randomBytes(16).toString('hex');
  const secretKey = randomBytes(16).toString('hex');
  return { accessKey, secretKey, keys: ScApiKeys.fromParts(accessKey, secretKey) };
}

/** Everything an error exposes: message, JSON form, inspect output (stack and cause chain). */
export function errorSurface(err: unknown): string {
  return [String(err), JSON.stringify(err), inspect(err, { depth: 6 })].join('\n');
}

/** Fails when any 8-character slice of either key appears in `text`. */
export function expectNoKeyMaterial(text: string, ...secrets: string[]): void {
  const lower = text.toLowerCase();
  for (const secret of secrets) {
    for (let i = 0; i + 8 <= secret.length; i += 4) {
      const slice = secret.slice(i, i + 8).toLowerCase();
      expect(lower.includes(slice), `key material "${slice}…" leaked`).toBe(false);
    }
  }
}
