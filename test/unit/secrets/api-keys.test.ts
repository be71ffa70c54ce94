import { Console } from 'node:console';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isSc2awsError } from '#lib/errors';
import { ScApiKeys, SecretFormatError } from '#lib/secrets';
import {
  ACCESS_KEY,
  CANONICAL,
  expectNoKeyMaterial,
  OTHER_ACCESS_KEY,
  OTHER_SECRET_KEY,
  SECRET_KEY,
  thrownBy,
} from './fixtures';

/** What a console prints, captured. */
function consoleOutput(write: (console: Console) => void): string {
  let out = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      out += String(chunk);
      done();
    },
  });
  write(new Console({ stdout: sink, stderr: sink }));
  return out;
}

describe('Class: ScApiKeys', () => {
  const keys = ScApiKeys.parse(CANONICAL);
  const redacted = /ScApiKeys\(\[redacted\] ak:[0-9a-f]{8}\)/;

  describe('accidental output', () => {
    const renderings: Array<[string, () => string]> = [
      ['JSON.stringify', () => JSON.stringify(keys)],
      ['JSON.stringify of an object holding it', () => JSON.stringify({ auth: { keys } })],
      ['String()', () => String(keys)],
      ['a template literal', () => `keys: ${keys}`],
      // biome-ignore lint/style/useTemplate: "+" converts with the "default" hint, a path of its own.
      ['the + operator', () => 'keys: ' + keys],
      ['Array.join', () => [keys, keys].join(', ')],
      ['util.inspect', () => inspect(keys)],
      [
        'util.inspect with hidden members, deep',
        () => inspect({ a: { b: { keys } } }, { showHidden: true, depth: 10 }),
      ],
      ['util.format %s %o %O %j', () => format('%s %o %O %j', keys, keys, keys, keys)],
      ['console.log', () => consoleOutput((c) => c.log(keys))],
      ['console.log of an object holding it', () => consoleOutput((c) => c.log({ keys }))],
      [
        'console.error with a format string',
        () => consoleOutput((c) => c.error('got %s and %o', keys, [keys])),
      ],
      ['console.table', () => consoleOutput((c) => c.table([{ keys }]))],
    ];

    it.each(renderings)('%s shows the redacted label, never a key', (_, render) => {
      // Act
      const text = render();

      // Assess
      expect(text).toMatch(redacted);
      expectNoKeyMaterial(text);
    });

    it.each([
      ['console.dir', () => consoleOutput((c) => c.dir(keys, { showHidden: true, depth: 5 }))],
      [
        'util.inspect without custom inspection',
        () => inspect(keys, { customInspect: false, showHidden: true }),
      ],
    ])('%s, which skips the custom rendering, shows the label but no key', (_, render) => {
      // Act
      const text = render();

      // Assess
      expect(text).toContain(keys.accessKeyId);
      expectNoKeyMaterial(text);
    });

    it('exposes only the log-safe label as an own property', () => {
      // Act
      const spread = { ...keys };

      // Assess
      expect(Object.keys(keys)).toEqual(['accessKeyId']);
      expect(spread).toEqual({ accessKeyId: keys.accessKeyId });
    });
  });

  describe('Property: accessKeyId', () => {
    it('is "ak:" and the first 8 hex digits of the SHA-256 of the access key', () => {
      // Prepare
      const expected = `ak:${createHash('sha256').update(ACCESS_KEY).digest('hex').slice(0, 8)}`;

      // Act / Assess
      expect(keys.accessKeyId).toBe(expected);
      expectNoKeyMaterial(keys.accessKeyId);
    });

    it('is the same for the same access key and differs for another', () => {
      // Act
      const sameAccess = ScApiKeys.fromParts(ACCESS_KEY, OTHER_SECRET_KEY);
      const otherAccess = ScApiKeys.fromParts(OTHER_ACCESS_KEY, SECRET_KEY);

      // Assess
      expect(sameAccess.accessKeyId).toBe(keys.accessKeyId);
      expect(otherAccess.accessKeyId).not.toBe(keys.accessKeyId);
    });
  });

  describe('Method: headerValue', () => {
    it('returns the canonical x-apikey header value', () => {
      // Act / Assess
      expect(keys.headerValue()).toBe(`accesskey=${ACCESS_KEY}; secretkey=${SECRET_KEY};`);
    });
  });

  describe('Method: containedIn', () => {
    it.each([
      ['the access key', `GET /rest/currentUser ${ACCESS_KEY}`],
      ['the secret key', `body: {"error": "${SECRET_KEY}"}`],
      ['the secret key in upper case', `x-apikey: SECRETKEY=${SECRET_KEY.toUpperCase()}`],
      ['the whole header value', `headers: {"x-apikey": "${CANONICAL}"}`],
    ])('finds %s', (_, text) => {
      // Act / Assess
      expect(keys.containedIn(text)).toBe(true);
    });

    it.each([
      ['text without the keys', 'nothing to see here'],
      ['other keys', `accesskey=${OTHER_ACCESS_KEY}; secretkey=${OTHER_SECRET_KEY};`],
      ['only part of a key', `${ACCESS_KEY.slice(0, 31)} ${SECRET_KEY.slice(1)}`],
      ['the redacted label', String(keys)],
    ])('does not find the keys in %s', (_, text) => {
      // Act / Assess
      expect(keys.containedIn(text)).toBe(false);
    });
  });

  describe('Method: scrub', () => {
    it('replaces every occurrence of either key, in any case, with [redacted]', () => {
      // Prepare
      const text = `a=${ACCESS_KEY} s=${SECRET_KEY.toUpperCase()} again ${ACCESS_KEY}${SECRET_KEY}.`;

      // Act
      const scrubbed = keys.scrub(text);

      // Assess
      expect(scrubbed).toBe('a=[redacted] s=[redacted] again [redacted][redacted].');
      expect(keys.containedIn(scrubbed)).toBe(false);
    });

    it('leaves text without the keys unchanged', () => {
      // Prepare
      const text = `other: ${OTHER_ACCESS_KEY}`;

      // Act / Assess
      expect(keys.scrub(text)).toBe(text);
    });
  });

  describe('Method: equals', () => {
    it('is true for the same keys read from another form', () => {
      // Prepare
      const fromJson = ScApiKeys.parse(JSON.stringify({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY }));

      // Act / Assess
      expect(keys.equals(fromJson)).toBe(true);
    });

    it.each([
      ['another secret key', ScApiKeys.fromParts(ACCESS_KEY, OTHER_SECRET_KEY)],
      ['another access key', ScApiKeys.fromParts(OTHER_ACCESS_KEY, SECRET_KEY)],
      ['something that only looks like keys', { accessKeyId: keys.accessKeyId } as unknown as ScApiKeys],
    ])('is false for %s', (_, other) => {
      // Act / Assess
      expect(keys.equals(other)).toBe(false);
    });
  });

  describe('Method: fromParts', () => {
    it('builds the same keys as parse, ignoring surrounding whitespace', () => {
      // Act
      const built = ScApiKeys.fromParts(` ${ACCESS_KEY}\n`, `\t${SECRET_KEY} `);

      // Assess
      expect(built.headerValue()).toBe(CANONICAL);
      expect(built.equals(keys)).toBe(true);
    });

    it.each([
      ['an empty access key', '', SECRET_KEY, /the access key is empty/],
      [
        'a secret key with a space',
        ACCESS_KEY,
        `${SECRET_KEY.slice(0, 16)} ${SECRET_KEY.slice(17)}`,
        /the secret key contains a space/,
      ],
      [
        'a short secret key',
        ACCESS_KEY,
        SECRET_KEY.slice(0, 30),
        /62 characters together; expected 32 \+ 32/,
      ],
      ['a whole header as the access key', CANONICAL, SECRET_KEY, /the access key contains a space/],
    ])('rejects %s with SECRET_FORMAT and advice for typed-in keys', (_, access, secret, problem) => {
      // Act
      const err = thrownBy(() => ScApiKeys.fromParts(access, secret));

      // Assess
      expect(err).toBeInstanceOf(SecretFormatError);
      expect(isSc2awsError(err) && err.code).toBe('SECRET_FORMAT');
      const { message } = err as Error;
      expect(message).toMatch(problem);
      expect(message).toMatch(
        /Pass the access key and the secret key exactly as Security Center showed them/,
      );
      expectNoKeyMaterial(message);
    });
  });
});
