import { inspect } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createApiKeySource,
  type KeyRequest,
  SecretAccessDeniedError,
  SecretNotFoundError,
  SecretUnavailableError,
} from '#lib/secrets';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ACCESS_KEY,
  CANONICAL,
  expectNoKeyMaterial,
  PENDING_VERSION_ID,
  SECRET_ARN,
  SECRET_KEY,
  sdkError,
} from './fixtures';

/** A socket error as Node's HTTP stack throws it (no AWS name, a `code`). */
function socketError(code: string): Error {
  return Object.assign(new Error(`read ${code}`), { code });
}

function namedError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

type ErrorClass = typeof SecretNotFoundError | typeof SecretAccessDeniedError | typeof SecretUnavailableError;

describe('Function: createApiKeySource (SDK failures)', () => {
  const sm = mockClient(SecretsManagerClient);
  const source = () => createApiKeySource({ client: new SecretsManagerClient({}), secretId: SECRET_ARN });

  beforeEach(() => {
    sm.reset();
  });

  const cases: Array<{
    case: string;
    thrown: Error;
    request?: KeyRequest;
    type: ErrorClass;
    code: string;
    reason: string;
    fix: RegExp;
  }> = [
    {
      case: 'ResourceNotFoundException for AWSCURRENT',
      thrown: sdkError('ResourceNotFoundException', "Secrets Manager can't find the specified secret."),
      type: SecretNotFoundError,
      code: 'SECRET_NOT_FOUND',
      reason: 'missing',
      fix: /was not found .*Check the secret ARN configured for the function and its region/,
    },
    {
      case: 'ResourceNotFoundException for AWSPENDING',
      thrown: sdkError(
        'ResourceNotFoundException',
        "can't find the specified secret value for staging label",
      ),
      request: { versionStage: 'AWSPENDING' },
      type: SecretNotFoundError,
      code: 'SECRET_NOT_FOUND',
      reason: 'missing',
      fix: /has no version labelled AWSPENDING.*Stage keys first \("sc2aws keys stage"\)/,
    },
    {
      case: 'ResourceNotFoundException for AWSPREVIOUS',
      thrown: sdkError(
        'ResourceNotFoundException',
        "can't find the specified secret value for staging label",
      ),
      request: { versionStage: 'AWSPREVIOUS' },
      type: SecretNotFoundError,
      code: 'SECRET_NOT_FOUND',
      reason: 'missing',
      fix: /has no version labelled AWSPREVIOUS.*exists only after the first rotation/,
    },
    {
      case: 'ResourceNotFoundException for a custom stage',
      thrown: sdkError(
        'ResourceNotFoundException',
        "can't find the specified secret value for staging label",
      ),
      request: { versionStage: 'BLUE' },
      type: SecretNotFoundError,
      code: 'SECRET_NOT_FOUND',
      reason: 'missing',
      fix: /has no version labelled "BLUE".*update-secret-version-stage/,
    },
    {
      case: 'ResourceNotFoundException for a version id',
      thrown: sdkError('ResourceNotFoundException', "can't find the specified secret value for VersionId"),
      request: { versionId: PENDING_VERSION_ID },
      type: SecretNotFoundError,
      code: 'SECRET_NOT_FOUND',
      reason: 'missing',
      fix: new RegExp(`has no version "${PENDING_VERSION_ID}".*list-secret-version-ids`),
    },
    {
      case: 'InvalidRequestException (secret scheduled for deletion)',
      thrown: sdkError(
        'InvalidRequestException',
        'You tried to perform the operation on a secret marked for deletion.',
      ),
      type: SecretNotFoundError,
      code: 'SECRET_NOT_FOUND',
      reason: 'invalid-request',
      fix: /scheduled for deletion.*aws secretsmanager restore-secret --secret-id/,
    },
    {
      case: 'InvalidParameterException',
      thrown: sdkError('InvalidParameterException', 'Invalid VersionId.'),
      request: { versionId: 'x' },
      type: SecretNotFoundError,
      code: 'SECRET_NOT_FOUND',
      reason: 'invalid-parameter',
      fix: /malformed.*a version id is a 32-64 character token/,
    },
    {
      case: 'AccessDeniedException',
      thrown: sdkError(
        'AccessDeniedException',
        'User is not authorized to perform secretsmanager:GetSecretValue',
      ),
      type: SecretAccessDeniedError,
      code: 'SECRET_ACCESS_DENIED',
      reason: 'denied',
      fix: /was denied.*Allow secretsmanager:GetSecretValue on this secret.*secretReaderArns.*kms:Decrypt/,
    },
    {
      case: 'DecryptionFailure',
      thrown: sdkError(
        'DecryptionFailure',
        'Secrets Manager can’t decrypt the protected secret text using the provided KMS key.',
      ),
      type: SecretAccessDeniedError,
      code: 'SECRET_ACCESS_DENIED',
      reason: 'kms',
      fix: /KMS could not decrypt it.*Allow kms:Decrypt on the secret's KMS key/,
    },
    {
      case: 'CredentialsProviderError',
      thrown: namedError('CredentialsProviderError', 'Could not load credentials from any providers'),
      type: SecretAccessDeniedError,
      code: 'SECRET_ACCESS_DENIED',
      reason: 'credentials',
      fix: /credentials are missing, expired or invalid.*Run with an IAM role/,
    },
    {
      case: 'ThrottlingException',
      thrown: sdkError('ThrottlingException', 'Rate exceeded'),
      type: SecretUnavailableError,
      code: 'SECRET_UNAVAILABLE',
      reason: 'throttled',
      fix: /throttled.*even after the SDK's retries.*transient: retry later/,
    },
    {
      case: 'InternalServiceError',
      thrown: sdkError('InternalServiceError', 'An error occurred on the server side.', { fault: 'server' }),
      type: SecretUnavailableError,
      code: 'SECRET_UNAVAILABLE',
      reason: 'service',
      fix: /failed while reading.*transient: retry later/,
    },
    {
      case: 'an unknown server fault',
      thrown: sdkError('SomeFutureServerFault', 'Unknown', { fault: 'server' }),
      type: SecretUnavailableError,
      code: 'SECRET_UNAVAILABLE',
      reason: 'service',
      fix: /transient: retry later/,
    },
    {
      case: 'a socket reset (ECONNRESET)',
      thrown: socketError('ECONNRESET'),
      type: SecretUnavailableError,
      code: 'SECRET_UNAVAILABLE',
      reason: 'network',
      fix: /could not be reached.*VPC endpoint or NAT gateway/,
    },
    {
      case: 'TimeoutError',
      thrown: namedError('TimeoutError', 'Connection timed out after 1000 ms'),
      type: SecretUnavailableError,
      code: 'SECRET_UNAVAILABLE',
      reason: 'network',
      fix: /could not be reached.*retry later/,
    },
    {
      case: 'an unknown error',
      thrown: namedError('WeirdError', 'something odd'),
      type: SecretUnavailableError,
      code: 'SECRET_UNAVAILABLE',
      reason: 'unexpected',
      fix: /unexpected error \(WeirdError\).*retry later/,
    },
  ];

  it.each(cases)(
    'maps $case to $code ($reason) with a message naming the secret and the fix',
    async ({ thrown, request, type, code, reason, fix }) => {
      // Prepare
      sm.on(GetSecretValueCommand).rejects(thrown);

      // Act
      const err = await source()
        .get(request)
        .catch((e: unknown) => e);

      // Assess
      expect(err).toBeInstanceOf(type);
      expect(err).toMatchObject({ code, reason, location: { secretId: SECRET_ARN } });
      const { message, cause } = err as Error;
      expect(message).toContain(`"${SECRET_ARN}"`);
      expect(message).toMatch(fix);
      expect((cause as Error).name).toBe(thrown.name);
      expect((cause as Error).message).toBe(thrown.message);
    },
  );

  it('keeps the request id, status and attempts of the SDK error in the cause, for support', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(
      sdkError('ThrottlingException', 'Rate exceeded', { requestId: 'req-123' }),
    );

    // Act
    const err = (await source()
      .get()
      .catch((e: unknown) => e)) as Error;

    // Assess
    expect(err.cause).toMatchObject({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'req-123', attempts: 3 },
    });
  });

  it('keeps neither the raw response nor key-like text of an SDK error', async () => {
    // Prepare: a deserialization failure whose raw response body is the secret itself.
    const thrown = Object.assign(
      sdkError('SyntaxError', `Unexpected token in ${CANONICAL} and again ${SECRET_KEY.toUpperCase()}`),
      {
        $response: { statusCode: 200, body: JSON.stringify({ SecretString: CANONICAL }) },
        SecretString: CANONICAL,
      },
    );
    sm.on(GetSecretValueCommand).rejects(thrown);

    // Act
    const err = (await source()
      .get()
      .catch((e: unknown) => e)) as Error & { cause: Record<string, unknown> };

    // Assess
    expect(err.cause).not.toHaveProperty('$response');
    expect(err.cause).not.toHaveProperty('SecretString');
    expect(err.cause.message).toMatch(/accesskey=\[redacted\]/);
    for (const text of [
      err.message,
      String(err.cause.message),
      String(err.cause.stack),
      inspect(err, { depth: 5 }),
    ]) {
      expectNoKeyMaterial(text, [ACCESS_KEY, SECRET_KEY]);
    }
  });
});
