// @module-tag runtime
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ScApiKeys } from '#lib/secrets';
import {
  type AnalysisPage,
  type AnalysisQuery,
  ScClient,
  type ScClientOptions,
  START_CURSOR,
  stablePages,
} from '#lib/tenable';
import { type SimulatorHandle, startSimulator } from '#sim';
import { errorSurface, expectNoKeyMaterial } from '#support/keys';
import { recordingLogger } from '#support/log-recorder';

/** The SC client against the simulator over real TLS, with its generated CA. */
describe('ScClient against the SC simulator', () => {
  let sim: SimulatorHandle;
  const logger = recordingLogger();
  const errors: unknown[] = [];
  const clients: ScClient[] = [];

  const keysOf = (k: { accessKey: string; secretKey: string }) =>
    ScApiKeys.fromParts(k.accessKey, k.secretKey);
  const client = (extra: Partial<ScClientOptions> = {}) => {
    const c = new ScClient({
      url: sim.url,
      keys: keysOf(sim.keys),
      ca: sim.caPem,
      logger,
      timeouts: { headersMs: 1500, bodyMs: 1500 },
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
      ...extra,
    });
    clients.push(c);
    return c;
  };
  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    errors.push(err);
    return err;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, vulnCount: 2345, fixedCount: 321, hostCount: 120 });
  });
  afterEach(async () => {
    sim.control.clearFaults();
    sim.control.setApiKeysEnabled(true);
    sim.control.setReturnedRecordsQuirk('none');
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    // Nothing the client logged or threw in this whole suite contains the simulator's keys.
    const surface = [logger.text(), ...errors.map(errorSurface)].join('\n');
    for (const user of sim.users) expectNoKeyMaterial(surface, user.keys.accessKey, user.keys.secretKey);
    await sim.close();
  });

  it('validates keys over TLS when the simulator CA is trusted', async () => {
    const me = await client().currentUser();
    expect(me.username).toBe(sim.users[0]?.username);
    expect(me.role.name).toBe(sim.users[0]?.roleName);
  });

  it('fails with SC_TLS, naming the CA option, when the CA is unknown', async () => {
    const c = new ScClient({ url: sim.url, keys: keysOf(sim.keys), logger });
    clients.push(c);
    const err = await failure(c.currentUser());
    expect(err).toMatchObject({ code: 'SC_TLS', message: expect.stringMatching(/CA/) });
  });

  it('sends the integration User-Agent and no session token', async () => {
    const before = sim.requests.length;
    await client().currentUser();
    const req = sim.requests[before];
    expect(req?.headers['user-agent']).toMatch(/^Integration\/1\.0 \(sc2aws; sc2aws; Build\//);
    expect(req?.headers['x-apikey']).toBe('[present]');
    expect(req?.headers['x-securitycenter']).toBeUndefined();
  });

  it('maps unknown keys to SC_KEYS_REJECTED', async () => {
    const bogus = ScApiKeys.fromParts('0'.repeat(32), 'f'.repeat(32));
    expect(await failure(client({ keys: bogus }).currentUser())).toMatchObject({ code: 'SC_KEYS_REJECTED' });
  });

  it('maps disabled API keys to SC_API_KEYS_DISABLED', async () => {
    sim.control.setApiKeysEnabled(false);
    expect(await failure(client().currentUser())).toMatchObject({ code: 'SC_API_KEYS_DISABLED' });
  });

  it('rejects the old pair at once after the keys are regenerated in SC, and accepts the new one', async () => {
    const sc = client();
    await sc.currentUser();
    const fresh = sim.control.regenerateKeys();
    expect(await failure(sc.currentUser())).toMatchObject({ code: 'SC_KEYS_REJECTED' });
    await expect(client({ keys: keysOf(fresh) }).currentUser()).resolves.toMatchObject({
      username: sim.users[0]?.username,
    });
  });

  it('recovers from revoked keys when the key provider has a newer pair', async () => {
    let current = keysOf(sim.keys);
    const sc = client({
      keys: {
        current: async () => current,
        refresh: async () => {
          current = keysOf(sim.keys);
          return current;
        },
      },
    });
    await sc.currentUser();
    sim.control.regenerateKeys();
    await expect(sc.currentUser()).resolves.toMatchObject({ username: sim.users[0]?.username });
  });

  it.each([
    ['5xx burst', { kind: 'status', status: 503, times: 2 }],
    ['429 with Retry-After', { kind: 'rate-limit', retryAfterSeconds: 0, times: 1 }],
    ['connection reset mid-body', { kind: 'reset', times: 1 }],
    ['truncated JSON', { kind: 'truncate', times: 1 }],
    ['database is locked', { kind: 'db-locked', times: 2 }],
    ['slow body', { kind: 'slow-body', delayMs: 2500, times: 1 }],
    ['headers later than the timeout', { kind: 'latency', delayMs: 2500, times: 1 }],
  ] as const)('retries through a %s and succeeds', async (_name, fault) => {
    sim.control.injectFault(fault);
    await expect(client().currentUser()).resolves.toMatchObject({ username: sim.users[0]?.username });
  });

  it.each([
    ['5xx', { kind: 'status', status: 502, times: 5 }, 'SC_TRANSIENT'],
    ['slow body', { kind: 'slow-body', delayMs: 2500, times: 5 }, 'SC_TIMEOUT'],
    ['resets', { kind: 'reset', times: 5 }, 'SC_TRANSIENT'],
  ] as const)('stops retrying persistent %s after the attempts and says so', async (_name, fault, code) => {
    sim.control.injectFault(fault);
    const err = await failure(client().currentUser());
    expect(err).toMatchObject({ code, details: { attempts: 3 } });
  });

  it('does not retry an HTML page served with HTTP 200 and says the URL is wrong', async () => {
    sim.control.injectFault({ kind: 'html', status: 200, times: 1 });
    const err = await failure(client().currentUser());
    expect(err).toMatchObject({ code: 'SC_PROTOCOL', details: { attempts: 1 } });
    expect((err as Error).message).toMatch(/URL/);
  });

  it('maps error 146 on a repository to SC_PERMISSION_DENIED', async () => {
    sim.control.injectFault({
      kind: 'sc-error',
      errorCode: 146,
      errorMsg: 'Group #0 does not have access to the Repository that contains the scan result.\n',
    });
    const page = client().analysisPage(
      { tool: 'vulndetails', sourceType: 'cumulative' },
      { startOffset: 0, pageSize: 100, kind: 'finding' },
    );
    expect(await failure(page)).toMatchObject({ code: 'SC_PERMISSION_DENIED' });
  });

  it('maps an epoch range written with a colon to SC_INVALID_QUERY', async () => {
    const page = client().analysisPage(
      {
        tool: 'vulndetails',
        sourceType: 'cumulative',
        filters: [{ filterName: 'lastSeen', operator: '=', value: '1709400000:1709486400' }],
      },
      { startOffset: 0, pageSize: 100, kind: 'finding' },
    );
    expect(await failure(page)).toMatchObject({ code: 'SC_INVALID_QUERY' });
  });

  it.each(['none', 'float', 'absent'] as const)(
    'pages every cumulative row exactly once with the %s counting quirk',
    async (quirk) => {
      sim.control.setReturnedRecordsQuirk(quirk);
      const ids = new Set<string>();
      let rows = 0;
      for (const row of await allRows(
        client(),
        { tool: 'vulndetails', sourceType: 'cumulative', sort: { field: 'lastSeen', direction: 'ASC' } },
        500,
      )) {
        rows += 1;
        ids.add(
          `${(row.repository as { id: string }).id}|${row.ip}|${row.port}|${row.protocol}|${row.pluginID}`,
        );
      }
      expect(rows).toBe(2345);
      expect(ids.size).toBe(2345);
    },
  );

  it('pages the patched store with a lastMitigated window', async () => {
    const now = Math.floor(Date.now() / 1000);
    const rows = await allRows(
      client(),
      {
        tool: 'vulndetails',
        sourceType: 'patched',
        filters: [{ filterName: 'lastMitigated', operator: '=', value: `0-${now + 60}` }],
      },
      100,
    );
    expect(rows).toHaveLength(321);
    expect(rows.every((r) => typeof r.lastMitigated === 'string')).toBe(true);
  });

  it('reads pages as row bytes into reused memory, never overwriting a page not yet released', async () => {
    const sc = client();
    const query = { tool: 'vulndetails', sourceType: 'cumulative' } as const;
    const read = (startOffset: number) =>
      sc.analysisPage(query, { startOffset, pageSize: 500, kind: 'finding' });
    const asText = (page: AnalysisPage) => page.rows.map((r) => r.toString());

    const first = await read(0);
    const firstText = asText(first);
    expect(first.rows).toHaveLength(500);
    expect(new Set(first.landmarks).size).toBe(500);
    // Not released: reading more pages must leave these bytes alone.
    const second = await read(500);
    const third = await read(1000);
    expect(asText(first)).toEqual(firstText);
    expect(second.rows[0]?.buffer).not.toBe(first.rows[0]?.buffer);
    expect(third.rows[0]?.buffer).not.toBe(second.rows[0]?.buffer);
    // Its NDJSON is a view of the same memory: the rows, each followed by a newline.
    const ndjson = first.ndjson(2);
    expect(ndjson.buffer).toBe(first.rows[0]?.buffer);
    expect(ndjson.toString()).toBe(`${firstText.slice(2).join('\n')}\n`);

    // Released: the next page is read into the same memory.
    const memory = first.rows[0]?.buffer;
    first.release();
    const fourth = await read(1500);
    expect(fourth.rows[0]?.buffer).toBe(memory);
    const expected = await client().analysisPage(query, {
      startOffset: 1500,
      pageSize: 500,
      kind: 'finding',
    });
    expect(asText(fourth)).toEqual(asText(expected));
    expect(fourth.landmarks).toEqual(expected.landmarks);
    // Released twice: ignored (the memory is not handed out twice).
    first.release();
    const fifth = await read(2000);
    expect(fifth.rows[0]?.buffer).not.toBe(fourth.rows[0]?.buffer);
  });
});

/** Every row of a query, read with the drift-safe pager and parsed (tests only: an export never parses rows). */
async function allRows(
  sc: ScClient,
  query: AnalysisQuery,
  pageSize: number,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const fetch = (startOffset: number, size: number) =>
    sc.analysisPage(query, { startOffset, pageSize: size, kind: 'finding' });
  for await (const { page, fresh } of stablePages(fetch, START_CURSOR, { pageSize, overlap: 10 })) {
    for (const row of page.rows.slice(fresh))
      rows.push(JSON.parse(row.toString()) as Record<string, unknown>);
    page.release();
  }
  return rows;
}
