// @module-tag runtime
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScApiKeys } from '#lib/secrets';
import { createScClient, DEFAULT_DEADLINE_MARGIN_MS, type ScClient } from '#lib/tenable';
import { type SimulatorHandle, startSimulator } from '#sim';

/** A Lambda context's clock: `ms` from now, counting down in real time. */
function remainingFrom(ms: number): () => number {
  const end = performance.now() + ms;
  return () => end - performance.now();
}

/** The SC client's deadline and close() against a simulator that accepts requests and never answers. */
describe('ScClient against a hung SC', () => {
  let sim: SimulatorHandle;
  const clients: ScClient[] = [];
  const client = (remainingMs?: () => number) => {
    const sc = createScClient(
      { url: sim.url, ca: sim.caPem, insecureSkipTlsVerify: false },
      {
        keys: ScApiKeys.fromParts(sim.keys.accessKey, sim.keys.secretKey),
        ...(remainingMs === undefined ? {} : { remainingMs }),
      },
    );
    clients.push(sc);
    return sc;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, vulnCount: 5, fixedCount: 1, hostCount: 2 });
  });
  afterEach(async () => {
    sim.control.clearFaults();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await sim.close();
  });

  it("gives up on SC's version within its own bound when /rest/system hangs, so a run can still start", async () => {
    // Prepare: no deadline at all (the CLI); the hung call would otherwise wait out 5 × 120 s.
    sim.control.injectFault({ kind: 'hang', path: '/rest/system', times: 5 });
    const sc = client();
    const started = performance.now();

    // Act
    const version = await sc.systemVersion({ timeoutMs: 300 });

    // Assert
    expect(version).toBeNull();
    expect(performance.now() - started).toBeLessThan(3000);
    await sim.control.whenNoneHeld();
  });

  it('ends a call at the deadline with SC_DEADLINE after one attempt, before the invocation runs out', async () => {
    // Prepare: 3 s left; the client's defaults alone (120 s headers timeout, 5 attempts) would wait 10 minutes.
    sim.control.injectFault({ kind: 'hang', times: 5 });
    const before = sim.requests.length;
    const remaining = remainingFrom(3000);
    const sc = client(remaining);

    // Act
    const err = await sc.currentUser().catch((e: unknown) => e);

    // Assert
    expect(err).toMatchObject({
      code: 'SC_DEADLINE',
      details: { request: 'GET /rest/currentUser', attempts: 1 },
    });
    expect((err as Error).message).toMatch(/deadline.*Fix: /);
    expect(remaining()).toBeGreaterThan(DEFAULT_DEADLINE_MARGIN_MS - 600);
    expect(sim.requests.length - before).toBe(1);
    // The request was ended, not left open behind the error.
    await sim.control.whenNoneHeld();
  });

  it('sends nothing when less than an attempt fits before the deadline', async () => {
    // Prepare
    const before = sim.requests.length;
    const sc = client(() => DEFAULT_DEADLINE_MARGIN_MS + 100);

    // Act
    const err = await sc.currentUser().catch((e: unknown) => e);

    // Assert
    expect(err).toMatchObject({ code: 'SC_DEADLINE', details: { attempts: 0 } });
    expect(sim.requests.length).toBe(before);
  });

  it('closes promptly while a request to the hung SC is in flight, cutting the call off', async () => {
    // Prepare: no deadline, so only close() can end the wait.
    sim.control.injectFault({ kind: 'hang' });
    const sc = client();
    const call = sc.currentUser().catch((e: unknown) => e);
    await sim.control.whenHeld();

    // Act
    const started = performance.now();
    await sc.close();
    const closedAfterMs = performance.now() - started;

    // Assert
    expect(closedAfterMs).toBeLessThan(3000);
    expect(await call).toMatchObject({ code: 'SC_ABORTED', message: expect.stringMatching(/closed/) });
    await sim.control.whenNoneHeld();
  });
});
