import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApiKeys, SecretFormatError } from '#lib/secrets';
import { findKeyMaterial } from './fixtures';

const hexKey = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 });
/** Noise that tends to confuse a parser: control and non-ASCII characters, delimiters, field names. */
const junk = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.constantFrom(
    '',
    ';',
    '=',
    '"',
    "'",
    '{',
    '}',
    ':',
    ' ',
    '\n',
    '\\',
    'accesskey',
    'SecretKey',
    '[redacted]',
  ),
);
const blank = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r\n'), maxLength: 3 });

/** Parses `input`; returns the error it threw, or undefined when it parsed. */
function parseError(input: string): unknown {
  try {
    parseApiKeys(input);
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('Function: parseApiKeys (properties)', () => {
  it('throws nothing but SecretFormatError, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.json(), fc.string({ unit: 'binary-ascii' })),
        (input) => {
          // Act
          const err = parseError(input);

          // Assess
          expect(err === undefined || err instanceof SecretFormatError).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never puts any part of the keys it was given into an error message', () => {
    const inputAroundKeys = fc
      .record({ access: hexKey, secret: hexKey, j: fc.array(junk, { minLength: 8, maxLength: 8 }) })
      .chain(({ access, secret, j }) =>
        fc
          .oneof(
            fc.constant(
              `${j[0]}accesskey${j[1]}=${j[2]}${access}${j[3]};${j[4]}secretkey${j[5]}=${j[6]}${secret}${j[7]}`,
            ),
            fc.constant(
              `{"accesskey${j[0]}": "${access}${j[1]}", "${j[2]}secretkey": "${j[3]}${secret}"${j[4]}}`,
            ),
            fc.constant(
              JSON.stringify({ [`${j[0]}accessKey`]: `${access}${j[1]}`, secretKey: `${j[2]}${secret}` }),
            ),
            fc.constant(`${j[0]}${secret}${j[1]}=${j[2]}${access}${j[3]}`),
            fc
              .shuffledSubarray(['accesskey=', access, 'secretkey=', secret, ';', '=', ...j], {
                minLength: 1,
              })
              .map((parts) => parts.join('')),
          )
          .map((input) => ({ input, keys: [access, secret] })),
      );

    fc.assert(
      fc.property(inputAroundKeys, ({ input, keys }) => {
        // Act
        const err = parseError(input);

        // Assess
        if (err === undefined) return;
        expect(err).toBeInstanceOf(SecretFormatError);
        const formatError = err as SecretFormatError;
        expect(findKeyMaterial(formatError.message, keys)).toBeUndefined();
        expect(findKeyMaterial(JSON.stringify(formatError), keys)).toBeUndefined();
        expect(formatError.cause).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('reads every tolerated spelling of valid keys as the same canonical header value', () => {
    const spelling = fc.record({
      access: hexKey,
      secret: hexKey,
      accessName: fc.mixedCase(fc.constant('accesskey')),
      secretName: fc.mixedCase(fc.constant('secretkey')),
      gaps: fc.array(blank, { minLength: 8, maxLength: 8 }),
      finalSemicolon: fc.boolean(),
      secretFirst: fc.boolean(),
      json: fc.boolean(),
    });

    fc.assert(
      fc.property(
        spelling,
        ({ access, secret, accessName, secretName, gaps: g, finalSemicolon, secretFirst, json }) => {
          // Prepare
          const fields: Array<[string, string]> = [
            [accessName, access],
            [secretName, secret],
          ];
          if (secretFirst) fields.reverse();
          const [[n1, v1], [n2, v2]] = fields as [[string, string], [string, string]];
          const input = json
            ? `${g[0]}{${g[1]}"${n1}"${g[2]}:${g[3]}"${v1}",${g[4]}"${n2}":"${v2}"${g[5]}}${g[6]}`
            : `${g[0]}${n1}${g[1]}=${g[2]}${v1}${g[3]};${g[4]}${n2}${g[5]}=${g[6]}${v2}${g[7]}${finalSemicolon ? ';' : ''}`;

          // Act
          const keys = parseApiKeys(input);

          // Assess
          expect(keys.headerValue()).toBe(`accesskey=${access}; secretkey=${secret};`);
        },
      ),
      { numRuns: 300 },
    );
  });
});
