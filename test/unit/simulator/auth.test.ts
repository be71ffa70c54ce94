import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTH_ERRORS, keysFor, type SimulatorHandle, type SimulatorOptions, startSimulator } from '#sim';
import { apiKey, envelopeOf, rawRequest } from './helpers';

const SMALL: SimulatorOptions = { vulnCount: 20, fixedCount: 5, hostCount: 5 };

describe('simulator authentication', () => {
  let sim: SimulatorHandle;

  beforeEach(async () => {
    sim = await startSimulator(SMALL);
  });

  afterEach(async () => {
    await sim.close();
  });

  const currentUser = (headers: Record<string, string>, target = sim) =>
    rawRequest(target, { path: '/rest/currentUser', headers });

  it('returns the current user as JSON with string ids for valid keys', async () => {
    // Act
    const response = await currentUser({ 'x-apikey': apiKey(sim.keys) });

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers.vary).toBe('x-apikey');
    expect(response.headers['set-cookie']?.[0]).toMatch(/^TNS_SESSIONID=[0-9a-f]{32};/);
    const envelope = envelopeOf(response);
    expect(envelope).toMatchObject({ type: 'regular', error_code: 0, error_msg: '', warnings: [] });
    expect(Number.isInteger(envelope.timestamp)).toBe(true);
    expect(envelope.response).toMatchObject({
      id: '7',
      username: 'svc-sc2aws',
      status: '0',
      locked: 'false',
      role: { id: '3', name: 'Security Analyst' },
      organization: { id: '1', name: 'Acme' },
      group: { id: '0', name: 'Full Access' },
    });
  });

  it('derives the default keys from the seed as 32 lowercase hex characters', () => {
    // Assert
    expect(sim.keys).toEqual(keysFor(1, 'svc-sc2aws', 0));
    expect(sim.keys.accessKey).toMatch(/^[0-9a-f]{32}$/);
    expect(sim.keys.secretKey).toMatch(/^[0-9a-f]{32}$/);
  });

  it('accepts the header in any case, with or without spaces and the final semicolon', async () => {
    // Prepare
    const { accessKey, secretKey } = sim.keys;
    const variants = [
      `accessKey=${accessKey}; secretKey=${secretKey}`,
      `ACCESSKEY=${accessKey};SECRETKEY=${secretKey};`,
      ` accesskey = ${accessKey} ;  secretkey = ${secretKey} ; `,
    ];

    // Act
    const statuses = await Promise.all(
      variants.map(async (value) => (await currentUser({ 'X-APIKey': value })).status),
    );

    // Assert
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('returns only the requested fields plus id and uuid when fields is given', async () => {
    // Act
    const response = await rawRequest(sim, {
      path: '/rest/currentUser?fields=username,role',
      headers: { 'x-apikey': apiKey(sim.keys) },
    });

    // Assert
    expect(Object.keys(envelopeOf(response).response as object).sort()).toEqual([
      'id',
      'role',
      'username',
      'uuid',
    ]);
  });

  it('answers bogus keys with 403, error_code 0 and an empty message like SC 5.20', async () => {
    // Act
    const response = await currentUser({ 'x-apikey': apiKey(keysFor(99, 'nobody', 0)) });

    // Assert
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(envelopeOf(response)).toMatchObject({
      type: 'regular',
      response: '',
      error_code: 0,
      error_msg: '',
      warnings: [],
    });
  });

  it('answers bogus keys with 400 and "Invalid API key." in the documented style', async () => {
    // Prepare
    const documented = await startSimulator({ ...SMALL, authFailureStyle: 'documented' });

    try {
      // Act
      const response = await currentUser({ 'x-apikey': apiKey(keysFor(99, 'nobody', 0)) }, documented);

      // Assert
      expect(response.status).toBe(400);
      expect(envelopeOf(response)).toMatchObject({ error_code: 0, error_msg: 'Invalid API key.\n' });
    } finally {
      await documented.close();
    }
  });

  it('answers a request without credentials with 403 and error_code 0', async () => {
    // Act
    const response = await currentUser({});

    // Assert
    expect(response.status).toBe(403);
    expect(envelopeOf(response)).toMatchObject({ error_code: 0, error_msg: '' });
  });

  it('answers a session token alone with 403 and error 12', async () => {
    // Act
    const response = await currentUser({ 'x-securitycenter': '12345' });

    // Assert
    expect(response.status).toBe(403);
    expect(envelopeOf(response)).toMatchObject({ error_code: 12, error_msg: AUTH_ERRORS.invalidToken.msg });
  });

  it('answers 400 when API keys are disabled, by option or at run time', async () => {
    // Prepare
    const disabled = await startSimulator({ ...SMALL, apiKeysEnabled: false });

    try {
      // Act
      const byOption = await currentUser({ 'x-apikey': apiKey(disabled.keys) }, disabled);
      sim.control.setApiKeysEnabled(false);
      const byControl = await currentUser({ 'x-apikey': apiKey(sim.keys) });
      sim.control.setApiKeysEnabled(true);
      const reenabled = await currentUser({ 'x-apikey': apiKey(sim.keys) });

      // Assert
      for (const response of [byOption, byControl]) {
        expect(response.status).toBe(400);
        expect(envelopeOf(response).error_msg).toMatch(/API Key.*not enabled/);
      }
      expect(reenabled.status).toBe(200);
    } finally {
      await disabled.close();
    }
  });

  it('answers 400 with error 1 when a request carries both a token and API keys', async () => {
    // Act
    const response = await currentUser({ 'x-apikey': apiKey(sim.keys), 'x-securitycenter': '12345' });

    // Assert
    expect(response.status).toBe(400);
    expect(envelopeOf(response)).toMatchObject({
      error_code: 1,
      error_msg: 'Requests cannot contain both an authentication token and API keys.\n',
    });
  });

  it('kills the old pair at once when keys are regenerated', async () => {
    // Prepare
    const oldKeys = sim.keys;

    // Act
    const newKeys = sim.control.regenerateKeys();
    const withOld = await currentUser({ 'x-apikey': apiKey(oldKeys) });
    const withNew = await currentUser({ 'x-apikey': apiKey(newKeys) });

    // Assert
    expect(newKeys).not.toEqual(oldKeys);
    expect(sim.keys).toEqual(newKeys);
    expect(sim.users[0]?.keys).toEqual(newKeys);
    expect(withOld.status).toBe(403);
    expect(withNew.status).toBe(200);
  });

  it('rejects revoked keys', async () => {
    // Act
    sim.control.revokeKeys('svc-sc2aws');
    const response = await currentUser({ 'x-apikey': apiKey(sim.keys) });

    // Assert
    expect(response.status).toBe(403);
  });

  it('rejects a locked user and accepts it again once unlocked', async () => {
    // Act
    sim.control.lockUser('svc-sc2aws', true);
    const locked = await currentUser({ 'x-apikey': apiKey(sim.keys) });
    sim.control.lockUser('svc-sc2aws', false);
    const unlocked = await currentUser({ 'x-apikey': apiKey(sim.keys) });

    // Assert
    expect(locked.status).toBe(403);
    expect(unlocked.status).toBe(200);
  });

  it('returns the administration organization id as the number 0', async () => {
    // Prepare
    const admin = await startSimulator({
      ...SMALL,
      users: [
        {
          id: '1',
          username: 'admin',
          roleId: '1',
          roleName: 'Administrator',
          orgId: 0,
          orgName: 'Tenable.sc Administration',
          keys: keysFor(5, 'admin', 0),
        },
      ],
    });

    try {
      // Act
      const response = await currentUser({ 'x-apikey': apiKey(admin.keys) }, admin);

      // Assert
      const user = envelopeOf(response).response as Record<string, unknown>;
      expect(user.organization).toEqual({ id: 0, name: 'Tenable.sc Administration', description: '' });
      expect(user.group).toBeUndefined();
    } finally {
      await admin.close();
    }
  });

  it('serves /rest/system without credentials but refuses bogus keys there like SC 5.20', async () => {
    // Act
    const anonymous = await rawRequest(sim, { path: '/rest/system' });
    const bogus = await rawRequest(sim, {
      path: '/rest/system',
      headers: { 'x-apikey': apiKey(keysFor(99, 'x', 0)) },
    });

    // Assert
    expect(anonymous.status).toBe(200);
    expect(envelopeOf(anonymous).response).toMatchObject({ version: '6.4.0' });
    expect(bogus.status).toBe(403);
    expect(envelopeOf(bogus)).toMatchObject({ response: '', error_code: 0, error_msg: '' });
  });

  it('records every request with lower-cased header names and the key replaced', async () => {
    // Act
    await currentUser({
      'X-APIKey': apiKey(sim.keys),
      'User-Agent': 'Integration/1.0 (test; sc2aws; Build/0)',
    });

    // Assert
    const recorded = sim.requests.at(-1);
    expect(recorded).toMatchObject({ method: 'GET', path: '/rest/currentUser', query: '', body: undefined });
    expect(recorded?.headers['x-apikey']).toBe('[present]');
    expect(recorded?.headers['user-agent']).toBe('Integration/1.0 (test; sc2aws; Build/0)');
    expect(JSON.stringify(sim.requests)).not.toContain(sim.keys.secretKey);
  });

  it('answers unknown paths with a 404 page and wrong methods with 405', async () => {
    // Act
    const missing = await rawRequest(sim, { path: '/rest/nothing' });
    const wrongMethod = await rawRequest(sim, { method: 'DELETE', path: '/rest/currentUser' });

    // Assert
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('text/html; charset=UTF-8');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET');
  });
});
