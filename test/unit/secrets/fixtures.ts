import { SecretsManagerServiceException } from '@aws-sdk/client-secrets-manager';
import { expect } from 'vitest';

/** Key material used across the secrets tests: 32 hex characters each, like SC's. */
export const ACCESS_KEY = '6f1c2a9b8e7d4c3b2a1f0e9d8c7b6a5f';
export const SECRET_KEY = 'b4e2d8f0a6c1e3b5d7f9a2c4e6b8d0f1';
export const OTHER_ACCESS_KEY = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const OTHER_SECRET_KEY = 'f9e8d7c6b5a4938271605f4e3d2c1b0a';

/** The canonical secret string (and x-apikey header value) of ACCESS_KEY/SECRET_KEY. */
export const CANONICAL = `accesskey=${ACCESS_KEY}; secretkey=${SECRET_KEY};`;

/** The canonical secret string of OTHER_ACCESS_KEY/OTHER_SECRET_KEY: the keys after a rotation. */
export const OTHER_CANONICAL = `accesskey=${OTHER_ACCESS_KEY}; secretkey=${OTHER_SECRET_KEY};`;

/** The fix every format error of a secret string ends with. */
export const FORMAT_FIX =
  'Store the secret as "accesskey=<access key>; secretkey=<secret key>;" (see README, "API keys").';

/** Every run of `size` characters of each key: what a leak check must not find. */
export function keyFragments(keys: readonly string[], size = 6): string[] {
  return keys.flatMap((key) =>
    Array.from({ length: Math.max(key.length - size + 1, 0) }, (_, i) =>
      key.slice(i, i + size).toLowerCase(),
    ),
  );
}

/** Returns the first fragment (≥ 6 characters) of any key found in `text`, ignoring case. */
export function findKeyMaterial(text: string, keys: readonly string[]): string | undefined {
  const haystack = text.toLowerCase();
  return keyFragments(keys).find((fragment) => haystack.includes(fragment));
}

/** Asserts that no part (≥ 6 characters) of any key appears in `text`. */
export function expectNoKeyMaterial(text: string, keys: readonly string[] = [ACCESS_KEY, SECRET_KEY]): void {
  expect(findKeyMaterial(text, keys), `key material in: ${text}`).toBeUndefined();
}

/** Runs `act` and returns what it threw; fails the test when it returns. */
export function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (err) {
    return err;
  }
  expect.fail('expected the call to throw');
}

/** A secret ARN as Secrets Manager returns it (the 6-character suffix is not hex on purpose). */
export const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc2aws/sc-api-keys-QwErTy';
export const CURRENT_VERSION_ID = '11111111-2222-3333-4444-555555555555';
export const PENDING_VERSION_ID = '66666666-7777-8888-9999-000000000000';

/** A GetSecretValue response holding `secretString`. */
export function secretValue(
  secretString: string,
  version: { versionId?: string; stages?: string[] } = {},
): { ARN: string; Name: string; SecretString: string; VersionId: string; VersionStages: string[] } {
  return {
    ARN: SECRET_ARN,
    Name: 'sc2aws/sc-api-keys',
    SecretString: secretString,
    VersionId: version.versionId ?? CURRENT_VERSION_ID,
    VersionStages: version.stages ?? ['AWSCURRENT'],
  };
}

/** A promise with its resolve function outside, to hold a fake call in flight. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** An SDK service error as the client throws it, by name (modeled or not). */
export function sdkError(
  name: string,
  message: string,
  extra: { fault?: 'client' | 'server'; requestId?: string } = {},
): SecretsManagerServiceException {
  return new SecretsManagerServiceException({
    name,
    message,
    $fault: extra.fault ?? 'client',
    $metadata: {
      httpStatusCode: extra.fault === 'server' ? 500 : 400,
      ...(extra.requestId === undefined ? {} : { requestId: extra.requestId }),
      attempts: 3,
    },
  });
}
