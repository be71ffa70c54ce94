// @module-tag runtime
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScApiKeys } from '#lib/secrets';
import { createScClient, MAX_RESPONSE_BYTES, type ScClient } from '#lib/tenable';
import { type Fault, type SimulatorHandle, startSimulator } from '#sim';

const MIB = 1024 * 1024;
const ENDLESS: Record<string, Fault> = {
  'a Content-Length over the cap': { kind: 'endless-body', bytes: 1024 * MIB, declareLength: true },
  'a chunked body without end': { kind: 'endless-body' },
};

/** Per-call byte caps against a simulator that streams an endless body, as a broken proxy would. */
describe('ScClient byte caps', () => {
  let sim: SimulatorHandle;
  const clients: ScClient[] = [];
  const client = () => {
    const sc = createScClient(
      { url: sim.url, ca: sim.caPem, insecureSkipTlsVerify: false, maxPageBytes: 2 * MIB },
      { keys: ScApiKeys.fromParts(sim.keys.accessKey, sim.keys.secretKey) },
    );
    clients.push(sc);
    return sc;
  };
  const calls = {
    'an analysis page': {
      cap: '2 MiB',
      fix: /Fix: lower the page size \(PAGE_SIZE, --page-size\) or raise the cap \(SC_MAX_PAGE_MB, --max-page-mb\)/,
      act: (sc: ScClient) =>
        sc.analysisPage(
          { tool: 'vulndetails', sourceType: 'cumulative' },
          { startOffset: 0, pageSize: 1000, kind: 'finding' },
        ),
    },
    'the current user': {
      cap: `${MAX_RESPONSE_BYTES / MIB} MiB`,
      fix: /Fix: check the URL and any proxy/,
      act: (sc: ScClient) => sc.currentUser(),
    },
  };
  const cases = Object.entries(calls).flatMap(([call, c]) =>
    Object.entries(ENDLESS).map(([body, fault]) => ({ call, body, fault, ...c })),
  );

  beforeAll(async () => {
    sim = await startSimulator({ seed: 6, vulnCount: 50, fixedCount: 1, hostCount: 3 });
  });
  afterEach(async () => {
    sim.control.clearFaults();
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each(cases)(
    'refuses $call with $body: SC_PROTOCOL naming the cap, the size and the fix, never retried, the request ended',
    async ({ fault, cap, fix, act, body }) => {
      // Prepare: the fault would last for every retry.
      sim.control.injectFault({ ...fault, times: 5 });
      const before = sim.requests.length;

      // Act
      const err = await act(client()).catch((e: unknown) => e);

      // Assert
      expect(err).toMatchObject({ code: 'SC_PROTOCOL', details: { attempts: 1 } });
      const message = (err as Error).message;
      expect(message).toContain(`larger than its ${cap} cap`);
      expect(message).toContain(
        body.startsWith('a Content-Length')
          ? 'Content-Length 1024 MiB, refused before reading'
          : `more than ${cap} arrived`,
      );
      expect(message).toMatch(fix);
      expect(sim.requests.length - before).toBe(1);
      // The client hung up: the simulator stops streaming (memory stays at the cap).
      await sim.control.whenNoneHeld();
    },
  );

  it('still reads a page under the cap', async () => {
    const page = await calls['an analysis page'].act(client());
    expect(page.rows).toHaveLength(50);
    page.release();
  });
});
