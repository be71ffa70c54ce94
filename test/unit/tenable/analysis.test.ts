import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnalysisQuery, ScClient } from '#lib/tenable';
import { canaryKeys } from '#support/keys';
import { analysisRequestBody } from '../../../lib/tenable/analysis';

const ORIGIN = 'https://sc.example.com';
const query: AnalysisQuery = { tool: 'vulndetails', sourceType: 'cumulative' };
const envelope = (response: unknown) =>
  JSON.stringify({ type: 'regular', response, error_code: 0, error_msg: '', warnings: [], timestamp: 1 });
const row = (n: number) => ({
  ip: `10.0.0.${n}`,
  port: '443',
  protocol: 'TCP',
  pluginID: String(n),
  repository: { id: '1' },
});

describe('analysisPage', () => {
  let agent: MockAgent;
  let bodies: Record<string, unknown>[];
  const sc = () =>
    new ScClient({ url: ORIGIN, keys: canaryKeys().keys, dispatcher: agent, retry: { maxAttempts: 1 } });
  const answer = (text: string) =>
    agent
      .get(ORIGIN)
      .intercept({ path: '/rest/analysis', method: 'POST' })
      .reply((req) => {
        bodies.push(JSON.parse(String(req.body)) as Record<string, unknown>);
        return { statusCode: 200, data: text };
      });

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    bodies = [];
  });
  afterEach(async () => {
    await agent.close();
  });

  it('builds the request with offsets both at the root and inside query, and sort fields together', () => {
    expect(analysisRequestBody({ ...query, sort: { field: 'lastSeen', direction: 'ASC' } }, 0, 1000)).toEqual(
      {
        type: 'vuln',
        sourceType: 'cumulative',
        query: { type: 'vuln', tool: 'vulndetails', filters: [], startOffset: 0, endOffset: 1000 },
        sortField: 'lastSeen',
        sortDir: 'ASC',
        startOffset: 0,
        endOffset: 1000,
      },
    );
  });

  it.each([
    ['string counts', { totalRecords: '2500', returnedRecords: 2 }, 2500],
    ['a float returnedRecords', { totalRecords: 2500, returnedRecords: 2.0526 }, 2500],
    ['absent totals', {}, undefined],
  ])('reads the rows and the totalRecords hint with %s', async (_name, counts, total) => {
    answer(envelope({ ...counts, results: [row(1), row(2)] }));
    const page = await sc().analysisPage(query, { startOffset: 40, pageSize: 100, kind: 'finding' });
    expect(page.rows.map((r) => JSON.parse(r.toString()))).toEqual([row(1), row(2)]);
    expect(page.totalRecords).toBe(total);
    expect(bodies[0]).toMatchObject({ startOffset: 40, endOffset: 140 });
  });

  it('gives each finding a landmark of its own, and a host the same landmark on every row', async () => {
    const sameHost = { ...row(1), pluginID: '2' };
    answer(envelope({ results: [row(1), sameHost] }));
    answer(envelope({ results: [row(1), sameHost] }));
    const findings = await sc().analysisPage(query, { startOffset: 0, pageSize: 100, kind: 'finding' });
    const hosts = await sc().analysisPage(query, { startOffset: 0, pageSize: 100, kind: 'host' });
    expect(new Set(findings.landmarks).size).toBe(2);
    expect(new Set(hosts.landmarks).size).toBe(1);
  });

  it('gives rows SC sent as broken JSON landmarks of their own, never a shared empty one', async () => {
    answer(
      `{"type":"regular","response":{"results":[{"ip":"10.0.0.1","port":tru},{"ip":"10.0.0.2","port":tru},{"ip":"10.0.0.1","port":tru}]},"error_code":0,"error_msg":"","warnings":[],"timestamp":1}`,
    );
    const page = await sc().analysisPage(query, { startOffset: 0, pageSize: 100, kind: 'finding' });
    const [a, b, c] = page.landmarks;
    expect(a).not.toBe(b);
    expect(c).toBe(a);
    expect(page.rows[1]?.toString()).toBe('{"ip":"10.0.0.2","port":tru}');
  });

  it('reads the repository id from the whole object the same way as alone', async () => {
    const whole = { ip: '10.0.0.1', repository: { id: 2, name: 'DMZ' } };
    const alone = { ip: '10.0.0.1', repository: { id: '2' } };
    answer(envelope({ results: [whole, alone] }));
    const page = await sc().analysisPage(query, { startOffset: 0, pageSize: 100, kind: 'host' });
    expect(page.landmarks[0]).toBe(page.landmarks[1]);
  });

  it('writes NDJSON as a copy when SC pretty-prints its rows, and as a view when it does not', async () => {
    answer(`{"response": {"results": [ {"a": 1},\n  {"b": 2} ]}, "error_code": 0, "warnings": []}`);
    answer(envelope({ results: [{ a: 1 }, { b: 2 }, { c: 3 }] }));
    const pretty = await sc().analysisPage(query, { startOffset: 0, pageSize: 100, kind: 'finding' });
    const compact = await sc().analysisPage(query, { startOffset: 0, pageSize: 100, kind: 'finding' });
    expect(pretty.ndjson().toString()).toBe('{"a": 1}\n{"b": 2}\n');
    expect(pretty.ndjson().buffer).not.toBe(pretty.rows[0]?.buffer);
    expect(compact.ndjson(1).toString()).toBe('{"b":2}\n{"c":3}\n');
    expect(compact.ndjson(1).buffer).toBe(compact.rows[0]?.buffer);
    // The rows' own bytes are untouched by the NDJSON view.
    expect(compact.rows.map((r) => r.toString())).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(compact.ndjson(3).length).toBe(0);
  });

  it('puts a row holding raw CR/LF bytes on one line, so a part has one line per row', async () => {
    answer(
      `{"response":{"results":[{"a":1},{\r\n  "b": 2\n},{"c":"line\nbreak"}]},"error_code":0,"warnings":[]}`,
    );
    const page = await sc().analysisPage(query, { startOffset: 0, pageSize: 100, kind: 'finding' });
    const lines = page.ndjson().toString().split('\n');
    expect(lines).toEqual(['{"a":1}', '{    "b": 2 }', '{"c":"line\\nbreak"}', '']);
    // Whitespace became spaces: the pretty row still parses to the same value.
    expect(JSON.parse(lines[1] as string)).toEqual({ b: 2 });
    // The rows themselves stay exactly what SC sent.
    expect(page.rows[1]?.toString()).toBe('{\r\n  "b": 2\n}');
  });

  it('treats results: null as an empty page', async () => {
    answer(envelope({ totalRecords: '0', results: null }));
    const page = await sc().analysisPage(query, { startOffset: 0, pageSize: 100, kind: 'finding' });
    expect(page.rows).toEqual([]);
    expect(page.ndjson().length).toBe(0);
  });

  it.each([0, 5001, 1.5])('rejects page size %j before calling SC', async (pageSize) => {
    await expect(sc().analysisPage(query, { startOffset: 0, pageSize, kind: 'finding' })).rejects.toThrow(
      /page size/,
    );
    expect(bodies).toHaveLength(0);
  });

  it.each([
    ['a string', 'nope'],
    ['results that are not a list', { results: 'x' }],
  ])('reports a response with %s as SC_PROTOCOL', async (_name, response) => {
    answer(envelope(response));
    await expect(
      sc().analysisPage(query, { startOffset: 0, pageSize: 100, kind: 'finding' }),
    ).rejects.toMatchObject({
      code: 'SC_PROTOCOL',
    });
  });
});
