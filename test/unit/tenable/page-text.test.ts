import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitResults, topLevelFields } from '#lib/tenable';

const envelope = (results: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'regular',
    response: { totalRecords: '3', returnedRecords: 1000.05, results, ...extra },
    error_code: 0,
    error_msg: '',
    warnings: [],
    timestamp: 1,
  });

describe('splitResults', () => {
  it('returns each row as the exact text SC sent and the envelope without them', () => {
    const rows = [
      {
        ip: '10.0.0.1',
        pluginText: '<plugin_output>a "quoted" {brace} [bracket] \\ back</plugin_output>',
        severity: { id: '3' },
      },
      { ip: '10.0.0.2', cve: [], nested: [[1, 2], { a: null }], n: -1.5e3, t: true },
    ];
    const body = envelope(rows);
    const split = splitResults(body);
    expect(split?.rows.map((r) => JSON.parse(r))).toEqual(rows);
    expect(split?.rows.every((r) => body.includes(r))).toBe(true);
    expect(split?.envelope).toMatchObject({
      error_code: 0,
      response: { totalRecords: '3', returnedRecords: 1000.05, results: [] },
    });
  });

  it('reads an empty list and pretty-printed bodies', () => {
    expect(splitResults(envelope([]))?.rows).toEqual([]);
    const pretty = JSON.stringify(JSON.parse(envelope([{ a: 1 }, { b: 2 }])), null, 2);
    expect(splitResults(pretty)?.rows.map((r) => JSON.parse(r))).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it.each([
    ['a truncated body', envelope([{ a: 1 }, { b: 2 }]).slice(0, 60)],
    ['results that are not a list', envelope('nope')],
    ['no results at all', JSON.stringify({ error_code: 0, response: {} })],
    ['an HTML page', '<html>Service Unavailable</html>'],
  ])('gives up on %s so the caller parses normally', (_name, body) => {
    expect(splitResults(body)).toBeUndefined();
  });

  it('agrees with JSON.parse on arbitrary rows', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue())), (rows) => {
        const split = splitResults(envelope(rows));
        expect(split?.rows.map((r) => JSON.parse(r))).toEqual(JSON.parse(JSON.stringify(rows)));
      }),
    );
  });
});

describe('topLevelFields', () => {
  const wanted = ['ip', 'port', 'repository', 'dnsName'];

  it('reads the wanted top-level fields and ignores nested ones of the same name', () => {
    const row = JSON.stringify({
      severity: { ip: 'nested' },
      ip: '10.0.0.1',
      port: '443',
      repository: { id: 1, name: 'Main' },
      x: 'y',
    });
    expect(topLevelFields(row, wanted)).toEqual({
      ip: '10.0.0.1',
      port: '443',
      repository: { id: 1, name: 'Main' },
    });
  });

  it('decodes escaped string values', () => {
    expect(topLevelFields(JSON.stringify({ dnsName: 'a"b\\c' }), wanted)).toEqual({ dnsName: 'a"b\\c' });
  });

  it('returns undefined for text that is not an object', () => {
    expect(topLevelFields('[1,2]', wanted)).toBeUndefined();
    expect(topLevelFields('{"ip":"1', wanted)).toBeUndefined();
  });

  it('agrees with JSON.parse for arbitrary objects', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('ip', 'port', 'other', 'dnsName'), fc.jsonValue()), (obj) => {
        const parsed = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
        const expected = Object.fromEntries(Object.entries(parsed).filter(([k]) => wanted.includes(k)));
        expect(topLevelFields(JSON.stringify(obj), wanted)).toEqual(expected);
      }),
    );
  });
});
