import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createApiKeySource, type KeyRequest } from '#lib/secrets';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CANONICAL,
  CURRENT_VERSION_ID,
  gate,
  OTHER_CANONICAL,
  PENDING_VERSION_ID,
  SECRET_ARN,
  secretValue,
} from './fixtures';

describe('Function: createApiKeySource (cache)', () => {
  const sm = mockClient(SecretsManagerClient);
  let now = 0;
  const source = (ttlMs?: number) =>
    createApiKeySource({
      client: new SecretsManagerClient({}),
      secretId: SECRET_ARN,
      ttlMs,
      clock: () => now,
    });

  beforeEach(() => {
    sm.reset();
    now = 1_000_000;
  });

  describe('caching', () => {
    it('answers a second get within the TTL from the cache', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL));
      const keys = source();
      const first = await keys.get();

      // Act
      now += 299_999;
      const second = await keys.get();

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
      expect(second).toBe(first);
    });

    it('reads again once the default TTL of 5 minutes has passed', async () => {
      // Prepare
      sm.on(GetSecretValueCommand)
        .resolvesOnce(secretValue(CANONICAL))
        .resolvesOnce(secretValue(OTHER_CANONICAL, { versionId: PENDING_VERSION_ID }));
      const keys = source();
      await keys.get();

      // Act
      now += 300_000;
      const second = await keys.get();

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
      expect(second.keys.headerValue()).toBe(OTHER_CANONICAL);
    });

    it('honours a custom TTL', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL));
      const keys = source(1_000);
      await keys.get();

      // Act
      now += 999;
      await keys.get();
      now += 1;
      await keys.get();

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    });

    it('reads every time when the TTL is 0', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL));
      const keys = source(0);

      // Act
      await keys.get();
      await keys.get();
      await keys.get();

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 3);
    });

    it('caches AWSCURRENT and AWSPENDING apart, so one never answers for the other', async () => {
      // Prepare
      sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' })
        .resolves(secretValue(CANONICAL))
        .on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' })
        .resolves(secretValue(OTHER_CANONICAL, { versionId: PENDING_VERSION_ID, stages: ['AWSPENDING'] }));
      const keys = source();

      // Act
      const current = await keys.get();
      const pending = await keys.get({ versionStage: 'AWSPENDING' });
      const currentAgain = await keys.get({ versionStage: 'AWSCURRENT' });

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
      expect(current.keys.headerValue()).toBe(CANONICAL);
      expect(pending.keys.headerValue()).toBe(OTHER_CANONICAL);
      expect(pending.versionStages).toEqual(['AWSPENDING']);
      expect(currentAgain).toBe(current);
    });

    it('caches a version id apart from the stage that points at it', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL));
      const keys = source();

      // Act
      await keys.get();
      await keys.get({ versionId: CURRENT_VERSION_ID });
      await keys.get({ versionId: CURRENT_VERSION_ID });

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
      expect(sm).toHaveReceivedNthCommandWith(GetSecretValueCommand, 2, { VersionId: CURRENT_VERSION_ID });
    });

    it('reads again on forceRefresh and serves the new keys from then on', async () => {
      // Prepare
      sm.on(GetSecretValueCommand)
        .resolvesOnce(secretValue(CANONICAL))
        .resolvesOnce(secretValue(OTHER_CANONICAL, { versionId: PENDING_VERSION_ID }));
      const keys = source();
      await keys.get();

      // Act
      const refreshed = await keys.get({ forceRefresh: true });
      const after = await keys.get();

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
      expect(refreshed.keys.headerValue()).toBe(OTHER_CANONICAL);
      expect(after).toBe(refreshed);
    });

    it('forgets all versions on invalidate()', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL));
      const keys = source();
      await keys.get();
      await keys.get({ versionStage: 'AWSPENDING' });

      // Act
      keys.invalidate();
      await keys.get();
      await keys.get({ versionStage: 'AWSPENDING' });

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 4);
    });

    it('forgets only the named version on invalidate(request)', async () => {
      // Prepare
      sm.on(GetSecretValueCommand).resolves(secretValue(CANONICAL));
      const keys = source();
      await keys.get();
      await keys.get({ versionStage: 'AWSPENDING' });

      // Act
      keys.invalidate({ versionStage: 'AWSPENDING' });
      await keys.get();
      await keys.get({ versionStage: 'AWSPENDING' });

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 3);
      expect(sm).toHaveReceivedLastCommandWith(GetSecretValueCommand, { VersionStage: 'AWSPENDING' });
    });

    it('does not cache a read that was invalidated while in flight', async () => {
      // Prepare
      const held = gate();
      sm.on(GetSecretValueCommand).callsFake(async () => {
        await held.promise;
        return secretValue(CANONICAL);
      });
      const keys = source();
      const inFlight = keys.get();

      // Act
      keys.invalidate();
      held.open();
      await inFlight;
      await keys.get();

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    });
  });

  describe('concurrency', () => {
    it('keeps sharing a newer read when an older, invalidated one finishes first', async () => {
      // Prepare
      const older = gate();
      const newer = gate();
      sm.on(GetSecretValueCommand)
        .callsFakeOnce(async () => {
          await older.promise;
          return secretValue(CANONICAL);
        })
        .callsFake(async () => {
          await newer.promise;
          return secretValue(OTHER_CANONICAL);
        });
      const keys = source(0);
      const first = keys.get();
      keys.invalidate();
      const second = keys.get();

      // Act
      older.open();
      await first;
      const third = keys.get();
      newer.open();

      // Assess
      expect(await third).toBe(await second);
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    });

    it.each<[string, KeyRequest]>([
      ['plain gets', {}],
      ['forced refreshes', { forceRefresh: true }],
    ])('shares one request among concurrent %s of the same version', async (_, request) => {
      // Prepare
      const held = gate();
      sm.on(GetSecretValueCommand).callsFake(async () => {
        await held.promise;
        return secretValue(CANONICAL);
      });
      const keys = source();

      // Act
      const all = Promise.all([keys.get(request), keys.get(request), keys.get(request)]);
      held.open();
      const [a, b, c] = await all;

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
      expect(b).toBe(a);
      expect(c).toBe(a);
    });

    it('shares one request even with a TTL of 0', async () => {
      // Prepare
      const held = gate();
      sm.on(GetSecretValueCommand).callsFake(async () => {
        await held.promise;
        return secretValue(CANONICAL);
      });
      const keys = source(0);

      // Act
      const all = Promise.all([keys.get(), keys.get()]);
      held.open();
      await all;

      // Assess
      expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    });
  });
});
