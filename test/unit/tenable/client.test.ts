// @module-tag runtime
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScClient, type ScClientOptions } from '#lib/tenable';
import { canaryKeys, errorSurface, expectNoKeyMaterial } from '#support/keys';
import { recordingLogger } from '#support/log-recorder';

const ORIGIN = 'https://sc.example.com';
const envelope = (response: unknown, code = 0, msg = '') =>
  JSON.stringify({
    type: 'regular',
    response,
    error_code: code,
    error_msg: msg,
    warnings: [],
    timestamp: 1709500001,
  });
const user = {
  id: '7',
  username: 'svc-sc2aws',
  role: { id: '4', name: 'Vulnerability Analyst' },
  organization: { id: '1', name: 'Acme' },
  locked: 'false',
};
const isCurrentUser = (path: string) => path.startsWith('/rest/currentUser');

describe('ScClient over a mocked transport', () => {
  let agent: MockAgent;
  let sleeps: number[];
  const canary = canaryKeys();
  const logger = recordingLogger();

  const client = (extra: Partial<ScClientOptions> = {}) =>
    new ScClient({
      url: ORIGIN,
      keys: canary.keys,
      dispatcher: agent,
      logger,
      retry: { maxAttempts: 4, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms) },
      ...extra,
    });

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    sleeps = [];
    logger.records.length = 0;
  });
  afterEach(async () => {
    // Every test's log output and the canary never meet.
    expectNoKeyMaterial(logger.text(), canary.accessKey, canary.secretKey);
    await agent.close();
  });

  it('sends the canonical x-apikey header, the Tenable integration User-Agent, and no token', async () => {
    let seen: Record<string, string> = {};
    agent
      .get(ORIGIN)
      .intercept({ path: isCurrentUser, method: 'GET' })
      .reply((req) => {
        seen = req.headers as Record<string, string>;
        return { statusCode: 200, data: envelope(user) };
      });
    const me = await client().currentUser();
    expect(me).toEqual({ ...user, locked: false });
    expect(seen['x-apikey']).toBe(`accesskey=${canary.accessKey}; secretkey=${canary.secretKey};`);
    expect(seen['user-agent']).toMatch(/^Integration\/1\.0 \(sc2aws; sc2aws; Build\/\d+\.\d+\.\d+\)$/);
    expect(Object.keys(seen).map((h) => h.toLowerCase())).not.toContain('x-securitycenter');
    expect(Object.keys(seen).map((h) => h.toLowerCase())).not.toContain('cookie');
  });

  it('retries 503s with growing backoff and succeeds', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: isCurrentUser }).reply(503, '<html>busy</html>').times(2);
    pool.intercept({ path: isCurrentUser }).reply(200, envelope(user));
    await client().currentUser();
    expect(sleeps).toEqual([250, 500]);
  });

  it('waits what Retry-After asks on a 429', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: isCurrentUser }).reply(429, '', { headers: { 'retry-after': '3' } });
    pool.intercept({ path: isCurrentUser }).reply(200, envelope(user));
    await client().currentUser();
    expect(sleeps).toEqual([3000]);
  });

  it('gives up after the configured attempts with SC_TRANSIENT and the attempt count', async () => {
    agent.get(ORIGIN).intercept({ path: isCurrentUser }).reply(502, 'bad gateway').times(4);
    const err = await client()
      .currentUser()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SC_TRANSIENT', details: { status: 502, attempts: 4 } });
    expect(sleeps).toHaveLength(3);
  });

  it('retries a connection reset', async () => {
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: isCurrentUser })
      .replyWithError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    pool.intercept({ path: isCurrentUser }).reply(200, envelope(user));
    await expect(client().currentUser()).resolves.toMatchObject({ username: 'svc-sc2aws' });
  });

  it('does not retry rejected keys when there is nothing newer to try', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: isCurrentUser })
      .reply(403, envelope('', 0, ''), { headers: { 'content-type': 'text/html' } });
    const err = await client()
      .currentUser()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SC_KEYS_REJECTED', details: { attempts: 1 } });
    expectNoKeyMaterial(errorSurface(err), canary.accessKey, canary.secretKey);
  });

  it('refreshes the keys once after a rejection and retries with the newer pair', async () => {
    const rotated = canaryKeys();
    const used: string[] = [];
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: isCurrentUser })
      .reply((req) => {
        const header = (req.headers as Record<string, string>)['x-apikey'] ?? '';
        used.push(header.includes(rotated.accessKey) ? 'rotated' : 'old');
        return header.includes(rotated.accessKey)
          ? { statusCode: 200, data: envelope(user) }
          : { statusCode: 403, data: envelope('', 0, '') };
      })
      .times(2);
    let refreshes = 0;
    const sc = client({
      keys: {
        current: async () => canary.keys,
        refresh: async () => {
          refreshes += 1;
          return rotated.keys;
        },
      },
    });
    await expect(sc.currentUser()).resolves.toMatchObject({ username: 'svc-sc2aws' });
    expect(used).toEqual(['old', 'rotated']);
    expect(refreshes).toBe(1);
  });

  it('stops after one refresh when the refreshed keys are the same pair', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: isCurrentUser })
      .reply(403, envelope('', 0, ''))
      .times(1);
    let refreshes = 0;
    const sc = client({
      keys: {
        current: async () => canary.keys,
        refresh: async () => {
          refreshes += 1;
          return canary.keys;
        },
      },
    });
    await expect(sc.currentUser()).rejects.toMatchObject({ code: 'SC_KEYS_REJECTED' });
    expect(refreshes).toBe(1);
  });

  it('resubmits once after a 400 during key recognition (a transient database error) and goes on', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: isCurrentUser }).reply(400, envelope('', 0, 'Invalid API key.\n'));
    pool.intercept({ path: isCurrentUser }).reply(200, envelope(user));
    const sc = client({
      retry: { maxAttempts: 1, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms) },
    });
    await expect(sc.currentUser()).resolves.toMatchObject({ username: 'svc-sc2aws' });
    expect(sleeps).toHaveLength(1);
    expect(logger.records.some((r) => r.level === 'warn' && /resubmitting once/.test(r.message))).toBe(true);
  });

  it('concludes the keys are rejected when the resubmitted request gets a 400 again', async () => {
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: isCurrentUser })
      .reply(400, envelope('', 0, 'Invalid API key.\n'))
      .times(2);
    pool.intercept({ path: isCurrentUser }).reply(200, envelope(user)); // never reached
    const err = await client()
      .currentUser()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SC_KEYS_REJECTED', details: { status: 400, attempts: 2 } });
  });

  it('does not resubmit a 403 or a 400 that names its cause', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: isCurrentUser }).reply(403, envelope('', 0, ''));
    pool
      .intercept({ path: isCurrentUser })
      .reply(400, envelope('', 0, 'API Key authentication is not enabled on this server.\n'));
    await expect(client().currentUser()).rejects.toMatchObject({ details: { attempts: 1 } });
    await expect(client().currentUser()).rejects.toMatchObject({
      code: 'SC_API_KEYS_DISABLED',
      details: { attempts: 1 },
    });
    expect(sleeps).toEqual([]);
  });

  it('refuses to follow a redirect so keys are never sent to another address', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: isCurrentUser })
      .reply(302, '', { headers: { location: 'https://elsewhere.example/rest' } });
    await expect(client().currentUser()).rejects.toMatchObject({ code: 'SC_CONFIG', message: /redirect/ });
  });

  it('stops waiting between retries when the caller aborts', async () => {
    agent.get(ORIGIN).intercept({ path: isCurrentUser }).reply(503, '').times(4);
    const controller = new AbortController();
    const sc = client({
      retry: {
        maxAttempts: 4,
        sleep: async () => {
          controller.abort();
          throw new Error('aborted');
        },
      },
    });
    await expect(sc.currentUser({ signal: controller.signal })).rejects.toMatchObject({ code: 'SC_ABORTED' });
  });

  it('scrubs key material SC might echo back into an error message', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: isCurrentUser })
      .reply(
        400,
        envelope('', 0, `Invalid API key accesskey=${canary.accessKey} secretkey=${canary.secretKey}`),
      )
      .times(2); // a 400 is resubmitted once
    const err = await client()
      .currentUser()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SC_KEYS_REJECTED' });
    expectNoKeyMaterial(errorSurface(err), canary.accessKey, canary.secretKey);
  });

  it('warns on every client created with TLS verification off', () => {
    client({ insecureSkipTlsVerify: true });
    client({ insecureSkipTlsVerify: true });
    expect(
      logger.records.filter((r) => r.level === 'warn' && /verification is OFF/.test(r.message)),
    ).toHaveLength(2);
  });

  it('reports a currentUser answer without a role as SC_PROTOCOL', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: isCurrentUser })
      .reply(200, envelope({ id: '1', username: 'x' }));
    await expect(client().currentUser()).rejects.toMatchObject({ code: 'SC_PROTOCOL', message: /role/ });
  });

  it('reads the administration organization id that SC sends as the number 0', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: isCurrentUser })
      .reply(
        200,
        envelope({
          ...user,
          role: { id: '1', name: 'Administrator' },
          organization: { id: 0, name: 'Tenable.sc Administration' },
        }),
      );
    await expect(client().currentUser()).resolves.toMatchObject({ organization: { id: '0' } });
  });
});
