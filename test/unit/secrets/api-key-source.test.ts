import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createApiKeySource, SecretFormatError } from '#lib/secrets';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ACCESS_KEY,
  CANONICAL,
  CURRENT_VERSION_ID,
  expectNoKeyMaterial,
  PENDING_VERSION_ID,
  SECRET_ARN,
  SECRET_KEY,
  sdkError,
  secretValue,
} from './fixtures';

describe('Function: createApiKeySource', () => {
  const sm = mockClient(SecretsManagerClient);
  const source = () => createApiKeySource({ client: new SecretsManagerClient({}), secretId: SECRET_ARN });

  beforeEach(() => {
    sm.reset();
  });

  describe('reading', () => {
    it('reads the AWSCURRENT version by default and returns the keys with their version', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL));

      // Act
      const resolved = await source().get();

      // Assess
      expect(sm).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, {
        SecretId: SECRET_ARN,
        VersionStage: 'AWSCURRENT',
      });
      expect(resolved.keys.headerValue()).toBe(CANONICAL);
      expect(resolved).toMatchObject({
        secretArn: SECRET_ARN,
        versionId: CURRENT_VERSION_ID,
        versionStages: ['AWSCURRENT'],
      });
    });

    it('passes the requested stage', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL, { stages: ['AWSPENDING'] }));

      // Act
      await source().get({ versionStage: 'AWSPENDING' });

      // Assess
      expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, {
        SecretId: SECRET_ARN,
        VersionStage: 'AWSPENDING',
      });
    });

    it('passes only the version id when both a version id and a stage are given', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL, { versionId: PENDING_VERSION_ID }));

      // Act
      const resolved = await source().get({ versionId: PENDING_VERSION_ID, versionStage: 'AWSCURRENT' });

      // Assess
      expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toStrictEqual({
        SecretId: SECRET_ARN,
        VersionId: PENDING_VERSION_ID,
      });
      expect(resolved.versionId).toBe(PENDING_VERSION_ID);
    });

    it('treats an empty stage as unset and reads AWSCURRENT', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL));

      // Act
      await source().get({ versionStage: '' });

      // Assess
      expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' });
    });

    it('returns a frozen result, so one caller cannot change what the next one gets from the cache', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL));

      // Act
      const resolved = await source().get();

      // Assess
      expect(Object.isFrozen(resolved)).toBe(true);
      expect(Object.isFrozen(resolved.versionStages)).toBe(true);
    });
  });

  describe('failures', () => {
    it('does not cache a failed read: the next get asks again', async () => {
      // Prepare
      sm.on(GetSecretValueCommand)
        .rejectsOnce(sdkError('ThrottlingException', 'Rate exceeded'))
        .resolves(secretValue(CANONICAL));
      const keys = source();
      await expect(keys.get()).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' });

      // Act
      const resolved = await keys.get();

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
      expect(resolved.keys.headerValue()).toBe(CANONICAL);
    });

    it('gives every concurrent caller the same failure, then asks again', async () => {
      // Prepare
      sm.on(GetSecretValueCommand)
        .rejectsOnce(sdkError('ThrottlingException', 'Rate exceeded'))
        .resolves(secretValue(CANONICAL));
      const keys = source();

      // Act
      const results = await Promise.allSettled([keys.get(), keys.get()]);
      const later = await keys.get();

      // Assess
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
      expect(later.keys.headerValue()).toBe(CANONICAL);
    });

    it('rejects a binary-only secret with SECRET_FORMAT naming the secret and the fix', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves({
        ARN: SECRET_ARN,
        SecretBinary: new TextEncoder().encode(CANONICAL),
        VersionId: CURRENT_VERSION_ID,
        VersionStages: ['AWSCURRENT'],
      });

      // Act
      const err = await source()
        .get()
        .catch((e: unknown) => e);

      // Assess
      expect(err).toBeInstanceOf(SecretFormatError);
      const { message, code } = err as SecretFormatError;
      expect(code).toBe('SECRET_FORMAT');
      expect(message).toContain(`secret "${SECRET_ARN}" (stage AWSCURRENT)`);
      expect(message).toContain('binary value (SecretBinary) and no text (SecretString)');
      expect(message).toMatch(/Store the secret as "accesskey=<access key>; secretkey=<secret key>;"/);
      expectNoKeyMaterial(message);
    });

    it('rejects a malformed secret with SECRET_FORMAT naming the secret, the version and the problem', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(`accesskey=${ACCESS_KEY}; secret=${SECRET_KEY}`));

      // Act
      const err = await source()
        .get({ versionId: PENDING_VERSION_ID })
        .catch((e: unknown) => e);

      // Assess
      expect(err).toBeInstanceOf(SecretFormatError);
      const { message } = err as SecretFormatError;
      expect(message).toContain(`secret "${SECRET_ARN}" (version "${PENDING_VERSION_ID}")`);
      expect(message).toContain('the field "secret" is not known');
      expectNoKeyMaterial(message);
    });

    it('reads a secret again after it failed to parse, so a fixed secret is picked up', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolvesOnce(secretValue('')).resolves(secretValue(CANONICAL));
      const keys = source();
      await expect(keys.get()).rejects.toBeInstanceOf(SecretFormatError);

      // Act
      const resolved = await keys.get();

      // Assess
      expect(resolved.keys.headerValue()).toBe(CANONICAL);
    });
  });

  describe('options', () => {
    it.each([
      ['an empty secret id', { secretId: ' ' }, /option "secretId" must be the secret's ARN or name/],
      ['a negative TTL', { ttlMs: -1 }, /option "ttlMs" must be a number of milliseconds >= 0 \(got -1\)/],
      ['a TTL that is not a number', { ttlMs: Number.NaN }, /option "ttlMs" .* \(got NaN\)/],
      ['a client without send()', { client: {} }, /option "client" must be a SecretsManagerClient/],
      [
        'a clock that is not a function',
        { clock: 5 },
        /option "clock" must be a function returning milliseconds/,
      ],
    ])('rejects %s at once with SECRET_SOURCE_CONFIG', (_, override, problem) => {
      // Prepare
      const options = { client: new SecretsManagerClient({}), secretId: SECRET_ARN, ...override };

      // Act / Assess
      expect(() => createApiKeySource(options as Parameters<typeof createApiKeySource>[0])).toThrow(
        expect.objectContaining({ code: 'SECRET_SOURCE_CONFIG', message: expect.stringMatching(problem) }),
      );
    });
  });
});
