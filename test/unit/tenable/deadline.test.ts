// @module-tag runtime
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScClient, type ScClientOptions } from '#lib/tenable';
import { canaryKeys } from '#support/keys';

const ORIGIN = 'https://sc.example.com';
const isCurrentUser = (path: string) => path.startsWith('/rest/currentUser');

/**
 * The deadline's arithmetic on an injected clock: a retry's wait advances the clock instead of
 * sleeping, and the invocation's remaining time is counted from the same clock.
 */
describe('ScClient with a deadline', () => {
  let agent: MockAgent;
  let now: number;
  let sleeps: number[];

  const client = (remainingAtStart: number, extra: Partial<ScClientOptions> = {}) => {
    const end = now + remainingAtStart;
    return new ScClient({
      url: ORIGIN,
      keys: canaryKeys().keys,
      dispatcher: agent,
      clock: () => now,
      deadline: { remainingMs: () => end - now, marginMs: 2000 },
      retry: {
        maxAttempts: 20,
        random: () => 0.5,
        sleep: async (ms) => {
          sleeps.push(ms);
          now += ms;
        },
      },
      ...extra,
    });
  };

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    now = 1_700_000_000_000;
    sleeps = [];
  });
  afterEach(async () => {
    await agent.close();
  });

  it('retries only while the wait and another attempt fit, then reports what SC said', async () => {
    // Prepare: 5 s left, 2 s margin: 3 s for the call. Backoff waits 250, 500, 1000, then 2000 ms.
    agent.get(ORIGIN).intercept({ path: isCurrentUser }).reply(503, '<html>busy</html>').persist();

    // Act
    const err = await client(5000)
      .currentUser()
      .catch((e: unknown) => e);

    // Assert: the fourth wait (2 s) and an attempt no longer fit in the 1.25 s left.
    expect(err).toMatchObject({ code: 'SC_TRANSIENT', details: { status: 503, attempts: 4 } });
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it('does not wait a Retry-After that runs past the deadline', async () => {
    // Prepare
    agent
      .get(ORIGIN)
      .intercept({ path: isCurrentUser })
      .reply(429, '', { headers: { 'retry-after': '30' } })
      .persist();

    // Act
    const err = await client(10_000)
      .currentUser()
      .catch((e: unknown) => e);

    // Assert
    expect(err).toMatchObject({ code: 'SC_TRANSIENT', details: { status: 429, attempts: 1 } });
    expect(sleeps).toEqual([]);
  });

  it('reads the remaining time at the start of each call', async () => {
    // Prepare: the first call finds plenty of time; by the second, the invocation is nearly over.
    agent.get(ORIGIN).intercept({ path: isCurrentUser }).reply(503, '').times(1);
    agent
      .get(ORIGIN)
      .intercept({ path: isCurrentUser })
      .reply(
        200,
        JSON.stringify({ type: 'regular', response: {}, error_code: 0, error_msg: '', warnings: [] }),
      );
    const sc = client(60_000);
    await sc.call('GET', '/rest/currentUser', undefined);
    now += 57_700;

    // Act
    const err = await sc.call('GET', '/rest/currentUser', undefined).catch((e: unknown) => e);

    // Assert
    expect(err).toMatchObject({ code: 'SC_DEADLINE', details: { attempts: 0 } });
  });

  it('refuses a negative margin before anything is sent', () => {
    expect(
      () =>
        new ScClient({
          url: ORIGIN,
          keys: canaryKeys().keys,
          dispatcher: agent,
          deadline: { remainingMs: () => 60_000, marginMs: -1 },
        }),
    ).toThrow(/margin/);
  });
});
