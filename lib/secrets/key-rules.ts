import { SC_KEY_LENGTH } from './constants';
import { SecretFormatError } from './errors';

/**
 * What a usable SC key looks like, checked on the two values whatever form they arrived in.
 *
 * The values travel in the `x-apikey` header (`accesskey=<A>; secretkey=<S>;`), so anything a
 * header cannot carry, or that would change how SC splits the header, is refused here rather than
 * by SC's terse 403 (tenable-sc-api.md §1.2). Messages name which key is wrong and never quote it;
 * lengths are only told for the two keys together.
 */

/** One rule: a test on a value, and the problem it names ("the secret key contains …"). */
const VALUE_RULES: ReadonlyArray<{ test: RegExp | ((value: string) => boolean); problem: string }> = [
  {
    test: hasControlCharacter,
    problem:
      'contains a control character (such as a tab or a line break), which an HTTP header cannot carry',
  },
  { test: /\s/, problem: 'contains a space' },
  { test: /;/, problem: 'contains ";", which ends a field in the x-apikey header' },
  { test: /["'`]/, problem: 'contains a quote; store the key without quotes' },
  { test: /=/, problem: 'contains "=", which a key never holds' },
  {
    test: /[^\u0021-\u007e]/,
    problem: 'contains a non-ASCII character (often a typographic quote or dash pasted from a document)',
  },
];

/**
 * Throws {@link SecretFormatError} (with `fix` as its advice) unless both values are keys SC could
 * have issued. Expects values already trimmed.
 */
export function checkKeyValues(accessKey: string, secretKey: string, fix: string): void {
  for (const [label, value] of [
    ['the access key', accessKey],
    ['the secret key', secretKey],
  ] as const) {
    if (value === '') throw new SecretFormatError(`${label} is empty`, { fix });
    const broken = VALUE_RULES.find((rule) =>
      typeof rule.test === 'function' ? rule.test(value) : rule.test.test(value),
    );
    if (broken) throw new SecretFormatError(`${label} ${broken.problem}`, { fix });
  }
  const total = accessKey.length + secretKey.length;
  if (total !== 2 * SC_KEY_LENGTH) {
    throw new SecretFormatError(
      `the access key and the secret key are ${total} characters together; expected ${SC_KEY_LENGTH} + ${SC_KEY_LENGTH} characters (was a key cut short or pasted twice?)`,
      { fix },
    );
  }
  if (accessKey.length !== SC_KEY_LENGTH) {
    throw new SecretFormatError(
      `the access key and the secret key have the right length together but are not ${SC_KEY_LENGTH} + ${SC_KEY_LENGTH} characters (did characters move from one key to the other?)`,
      { fix },
    );
  }
}

/** C0 controls and DEL: what RFC 9110 field values cannot hold. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
