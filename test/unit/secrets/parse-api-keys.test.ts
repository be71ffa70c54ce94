import { describe, expect, it } from 'vitest';
import { isSc2awsError } from '#lib/errors';
import { parseApiKeys, SecretFormatError } from '#lib/secrets';
import {
  ACCESS_KEY as A,
  CANONICAL,
  expectNoKeyMaterial,
  FORMAT_FIX,
  SECRET_KEY as S,
  thrownBy,
} from './fixtures';

describe('Function: parseApiKeys', () => {
  describe('accepted forms', () => {
    const accepted: Array<[string, string]> = [
      ['the canonical header form', `accesskey=${A}; secretkey=${S};`],
      ['no final ";"', `accesskey=${A}; secretkey=${S}`],
      ['no space after ";"', `accesskey=${A};secretkey=${S};`],
      ['spaces around names, "=" and ";"', `  accesskey = ${A} ;   secretkey =  ${S}  ;  `],
      ['camelCase field names, as pyTenable sends them', `accessKey=${A}; secretKey=${S}`],
      ['upper-case field names', `ACCESSKEY=${A}; SECRETKEY=${S};`],
      ['the secret key first', `secretkey=${S}; accesskey=${A};`],
      ['a doubled final ";"', `accesskey=${A}; secretkey=${S};;`],
      ['CRLF and tabs around the fields', `\r\n\taccesskey=${A};\r\n\tsecretkey=${S};\r\n`],
      ['a byte-order mark and a trailing newline', `\uFEFFaccesskey=${A}; secretkey=${S};\n`],
      ["the console's JSON key/value form", JSON.stringify({ accesskey: A, secretkey: S })],
      ['JSON with camelCase names', JSON.stringify({ accessKey: A, secretKey: S })],
      ['JSON with upper-case names', JSON.stringify({ ACCESSKEY: A, SECRETKEY: S })],
      [
        'pretty-printed JSON with CRLF',
        JSON.stringify({ secretKey: S, accessKey: A }, null, 2).replace(/\n/g, '\r\n'),
      ],
      ['JSON with whitespace around the values', `{"accesskey": " ${A}\\n", "secretkey": "\\t${S} "}`],
    ];

    it.each(accepted)('reads %s as the canonical header value', (_, secretString) => {
      // Act
      const keys = parseApiKeys(secretString);

      // Assess
      expect(keys.headerValue()).toBe(CANONICAL);
    });
  });

  describe('rejected forms', () => {
    const A31 = A.slice(0, 31);
    const S33 = `${S}0`;
    const rejected: Array<{ case: string; input: string; problem: RegExp }> = [
      { case: 'an empty secret', input: '', problem: /the secret is empty/ },
      { case: 'a whitespace-only secret', input: ' \r\n\t ', problem: /the secret is empty/ },
      { case: 'bare keys without field names', input: `${A}${S}`, problem: /holds no "name=value" fields/ },
      { case: 'a missing secret key', input: `accesskey=${A};`, problem: /the field "secretkey" is missing/ },
      { case: 'a missing access key', input: `secretkey=${S}`, problem: /the field "accesskey" is missing/ },
      { case: 'an empty JSON object', input: '{}', problem: /"accesskey" and "secretkey" are both missing/ },
      {
        case: 'a repeated field in another case',
        input: `accesskey=${A}; accessKey=${A}; secretkey=${S}`,
        problem: /the field "accesskey" appears more than once/,
      },
      {
        case: 'a repeated JSON member',
        input: `{"secretkey": "${S}", "accesskey": "${A}", "secretkey": "${S}"}`,
        problem: /the field "secretkey" appears more than once/,
      },
      {
        case: 'an unknown field',
        input: `accesskey=${A}; secretkey=${S}; username=bob`,
        problem: /the field "username" is not known; the only fields are "accesskey" and "secretkey"/,
      },
      {
        case: 'an unknown JSON member',
        input: JSON.stringify({ accesskey: A, secretkey: S, host: 'sc.example.com' }),
        problem: /the field "host" is not known/,
      },
      {
        case: 'a snake_case field name',
        input: `access_key=${A}; secret_key=${S}`,
        problem: /the field "access_key" is not known/,
      },
      {
        case: 'a key where a field name belongs',
        input: `${A}=${S}`,
        problem: /a field whose name looks like key material \(not shown\) is not known/,
      },
      {
        case: 'an empty access key',
        input: `accesskey=; secretkey=${S}`,
        problem: /the field "accesskey" is empty/,
      },
      {
        case: 'a blank JSON value',
        input: JSON.stringify({ accesskey: A, secretkey: '  ' }),
        problem: /the field "secretkey" is empty/,
      },
      {
        case: 'a JSON array',
        input: JSON.stringify([A, S]),
        problem: /JSON but not an object \(it is an array\)/,
      },
      {
        case: 'a JSON string',
        input: JSON.stringify(CANONICAL),
        problem: /JSON but not an object \(it is a string\)/,
      },
      {
        case: 'broken JSON',
        input: `{"accesskey": "${A}", "secretkey": "${S}"`,
        problem: /starts with "\{" but is not valid JSON/,
      },
      {
        case: 'a JSON number value',
        input: `{"accesskey": 123, "secretkey": "${S}"}`,
        problem: /the field "accesskey" holds a number, not a string/,
      },
      {
        case: 'a nested JSON object',
        input: JSON.stringify({ accesskey: { value: A }, secretkey: S }),
        problem: /the field "accesskey" holds an object, not a string/,
      },
      {
        case: 'a short access key',
        input: `accesskey=${A31}; secretkey=${S}`,
        problem: /are 63 characters together; expected 32 \+ 32 characters/,
      },
      {
        case: 'keys pasted twice',
        input: `accesskey=${A}${A}; secretkey=${S}${S}`,
        problem: /are 128 characters together; expected 32 \+ 32 characters/,
      },
      {
        case: 'keys of 31 + 33 characters',
        input: `accesskey=${A31}; secretkey=${S33}`,
        problem: /not 32 \+ 32 characters/,
      },
      {
        case: 'a NUL inside a value',
        input: `accesskey=${A.slice(0, 16)}\u0000${A.slice(16)}; secretkey=${S}`,
        problem: /the access key contains a control character \(such as a tab or a line break\)/,
      },
      {
        case: 'fields separated by a line break instead of ";"',
        input: `accesskey=${A}\nsecretkey=${S}`,
        problem: /the field "accesskey" has a line break inside its value \(fields are separated by ";"/,
      },
      {
        case: 'a ";" inside a header-form value',
        input: `accesskey=${A.slice(0, 16)};${A.slice(16)}; secretkey=${S}`,
        problem:
          /the 2nd of 3 ";"-separated parts is not a "name=value" field \(a value may not contain ";"\)/,
      },
      {
        case: 'a ";" inside a JSON value',
        input: JSON.stringify({ accesskey: A, secretkey: `${S.slice(0, 16)};${S.slice(17)}` }),
        problem: /the secret key contains ";"/,
      },
      {
        case: 'a space inside a value',
        input: `accesskey=${A}; secretkey=${S.slice(0, 16)} ${S.slice(17)}`,
        problem: /the secret key contains a space/,
      },
      {
        case: 'quoted values',
        input: `accesskey="${A}"; secretkey="${S}"`,
        problem: /the access key contains a quote; store the key without quotes/,
      },
      {
        case: 'a non-ASCII character',
        input: `accesskey=${A}; secretkey=${S.slice(0, 31)}é`,
        problem: /the secret key contains a non-ASCII character/,
      },
      {
        case: 'an "=" inside a value',
        input: `accesskey=${A.slice(0, 31)}=; secretkey=${S}`,
        problem: /the access key contains "="/,
      },
      {
        case: 'a ":" instead of "=" in every field',
        input: `accesskey: ${A}; secretkey: ${S}`,
        problem: /holds no "name=value" fields \(use "=" between a field name and its value, not ":"\)/,
      },
      {
        case: 'a ":" instead of "=" in one field',
        input: `accesskey=${A}; secretkey: ${S}`,
        problem: /the 2nd of 2 ";"-separated parts is not a "name=value" field \(use "=" .* not ":"\)/,
      },
      {
        case: 'a "=" with no field name',
        input: `=${A}; secretkey=${S}`,
        problem: /1st of 2 .* has no field name/,
      },
    ];

    it.each(rejected)('rejects $case with SECRET_FORMAT, the problem and the fix', ({ input, problem }) => {
      // Act
      const err = thrownBy(() => parseApiKeys(input));

      // Assess
      expect(err).toBeInstanceOf(SecretFormatError);
      expect(isSc2awsError(err) && err.code).toBe('SECRET_FORMAT');
      const { message } = err as SecretFormatError;
      expect(message).toMatch(problem);
      expect(message.startsWith('The Tenable SC API keys are not valid: ')).toBe(true);
      expect(message.endsWith(FORMAT_FIX)).toBe(true);
      expectNoKeyMaterial(message);
      expectNoKeyMaterial(JSON.stringify(err));
      expect((err as Error).cause).toBeUndefined();
    });

    it('caps a long unknown field name at 32 characters', () => {
      // Prepare
      const name = 'x'.repeat(40);

      // Act
      const err = thrownBy(() => parseApiKeys(`accesskey=${A}; secretkey=${S}; ${name}=1`)) as Error;

      // Assess
      expect(err.message).toContain(`the field "${'x'.repeat(32)}…" is not known`);
      expect(err.message).not.toContain('x'.repeat(33));
    });

    it('strips non-printable characters from an unknown field name', () => {
      // Act
      const err = thrownBy(() =>
        parseApiKeys(`accesskey=${A}; secretkey=${S}; user\u0007\u200bname=bob`),
      ) as Error;

      // Assess
      expect(err.message).toContain('the field "username" is not known');
    });

    it('rejects a value that is not text', () => {
      // Act
      const err = thrownBy(() => parseApiKeys(42 as unknown as string));

      // Assess
      expect(err).toBeInstanceOf(SecretFormatError);
      expect((err as Error).message).toMatch(/the value is not text/);
    });
  });
});
