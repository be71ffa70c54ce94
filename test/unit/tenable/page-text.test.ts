import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitResults, topLevelFields } from '../../../lib/tenable/page-text';

const envelope = (results: unknown, extra: Record<string, unknown> = {}) =>
  Buffer.from(
    JSON.stringify({
      type: 'regular',
      response: { totalRecords: '3', returnedRecords: 1000.05, results, ...extra },
      error_code: 0,
      error_msg: '',
      warnings: [],
      timestamp: 1,
    }),
  );
const parsed = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as unknown;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('splitResults', () => {
  it('returns each row as the exact bytes SC sent, as views of the body, and the envelope without them', () => {
    const rows = [
      {
        ip: '10.0.0.1',
        pluginText: '<plugin_output>a "quoted" {brace} [bracket] \\ back ünï</plugin_output>',
        severity: { id: '3' },
      },
      { ip: '10.0.0.2', cve: [], nested: [[1, 2], { a: null }], n: -1.5e3, t: true },
    ];
    const body = envelope(rows);
    const split = splitResults(body);
    expect(split?.rows.map((r) => parsed(r.bytes))).toEqual(rows);
    expect(split?.rows.every((r) => r.bytes.buffer === body.buffer)).toBe(true);
    expect(split?.envelope).toMatchObject({
      error_code: 0,
      response: { totalRecords: '3', returnedRecords: 1000.05, results: [] },
    });
  });

  it('leaves the body as it was: only the page decides to write it as NDJSON', () => {
    const rows = [{ a: 1 }, { b: 'x,y' }, { c: [1, 2] }];
    const compact = envelope(rows);
    const before = compact.toString();
    expect(splitResults(compact)?.rows).toHaveLength(3);
    expect(compact.toString()).toBe(before);
    const text = JSON.stringify({ response: { results: rows }, error_code: 0 }, null, 1);
    const pretty = Buffer.from(text);
    expect(splitResults(pretty)?.rows).toHaveLength(3);
    expect(pretty.toString()).toBe(text);
  });

  it('reads the wanted top-level fields of every row on the way', () => {
    const rows = [
      { pluginID: '19506', ip: '10.0.0.1', severity: { ip: 'nested' }, repository: { id: '1' }, port: 0 },
      { ip: 'é.example', dnsName: 'a"b\\c', other: 'x' },
      {},
    ];
    const split = splitResults(envelope(rows), ['ip', 'pluginID', 'repository', 'port', 'dnsName']);
    expect(split?.rows.map((r) => r.fields)).toEqual([
      { pluginID: '19506', ip: '10.0.0.1', repository: { id: '1' }, port: 0 },
      { ip: 'é.example', dnsName: 'a"b\\c' },
      {},
    ]);
  });

  it('reads a field of a nested object without parsing the rest of it', () => {
    const rows = [
      { repository: { name: 'x', id: '7', broken: 1 }, ip: '1' },
      { repository: null, ip: '2' },
      { repository: { name: 'no id' } },
      { repository: { id: { deep: true } } },
    ];
    const split = splitResults(envelope(rows), ['repository.id', 'ip']);
    expect(split?.rows.map((r) => r.fields)).toEqual([
      { 'repository.id': '7', ip: '1' },
      { ip: '2' },
      {},
      { 'repository.id': { deep: true } },
    ]);
    // The whole value and a part of it can be asked for together.
    expect(topLevelFields(bytes(rows[0]), ['repository', 'repository.name'])).toEqual({
      repository: rows[0]?.repository,
      'repository.name': 'x',
    });
    // Only the part asked for must be readable.
    const body = Buffer.from('{"response":{"results":[{"repository":{"id":"3","x":tru}}]},"error_code":0}');
    expect(splitResults(body, ['repository.id'])?.rows[0]?.fields).toEqual({ 'repository.id': '3' });
    expect(splitResults(body, ['repository.x'])?.rows[0]?.fields).toBeUndefined();
  });

  it('passes a row that is not a readable object on as bytes, without fields', () => {
    const body = Buffer.from(
      '{"response":{"results":[{"ip":"1","port":tru},"text",{"ip":"2"},{"ip" "3"}]},"error_code":0}',
    );
    const split = splitResults(body, ['ip']);
    expect(split?.rows.map((r) => [r.bytes.toString(), r.fields])).toEqual([
      ['{"ip":"1","port":tru}', { ip: '1' }],
      ['"text"', undefined],
      ['{"ip":"2"}', { ip: '2' }],
      ['{"ip" "3"}', undefined],
    ]);
    // A wanted field that is itself broken makes the row unreadable.
    expect(splitResults(body, ['ip', 'port'])?.rows[0]?.fields).toBeUndefined();
  });

  it('reads an empty list and pretty-printed bodies', () => {
    expect(splitResults(envelope([]))?.rows).toEqual([]);
    const pretty = Buffer.from(JSON.stringify(parsed(envelope([{ a: 1 }, { b: 2 }])), null, 2));
    const split = splitResults(pretty, ['a', 'b']);
    expect(split?.rows.map((r) => parsed(r.bytes))).toEqual([{ a: 1 }, { b: 2 }]);
    expect(split?.rows.map((r) => r.fields)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it.each([
    ['a truncated body', envelope([{ a: 1 }, { b: 2 }]).subarray(0, 60)],
    ['a row cut inside a string', Buffer.from('{"response":{"results":[{"ip":"10.0')],
    ['results that are not a list', envelope('nope')],
    ['no results at all', bytes({ error_code: 0, response: {} })],
    ['an HTML page', Buffer.from('<html>Service Unavailable</html>')],
  ])('gives up on %s so the caller parses normally', (_name, body) => {
    expect(splitResults(body, ['ip'])).toBeUndefined();
  });

  it('agrees with JSON.parse on arbitrary rows, bytes and fields', () => {
    const wanted = ['ip', 'port', 'x'];
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue())), (rows) => {
        const split = splitResults(envelope(rows), wanted);
        const expected = JSON.parse(JSON.stringify(rows)) as Record<string, unknown>[];
        expect(split?.rows.map((r) => parsed(r.bytes))).toEqual(expected);
        expect(split?.rows.map((r) => r.fields)).toEqual(
          expected.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => wanted.includes(k)))),
        );
      }),
    );
  });
});

describe('topLevelFields', () => {
  const wanted = ['ip', 'port', 'repository', 'dnsName'];

  it('reads the wanted top-level fields and ignores nested ones of the same name', () => {
    const row = bytes({
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

  it('decodes escaped and non-ASCII string values', () => {
    expect(topLevelFields(bytes({ dnsName: 'a"b\\c', ip: 'ü' }), wanted)).toEqual({
      dnsName: 'a"b\\c',
      ip: 'ü',
    });
  });

  it('returns undefined for bytes that are not one object', () => {
    expect(topLevelFields(Buffer.from('[1,2]'), wanted)).toBeUndefined();
    expect(topLevelFields(Buffer.from('{"ip":"1'), wanted)).toBeUndefined();
    expect(topLevelFields(Buffer.from('{"ip":"1"} {}'), wanted)).toBeUndefined();
    expect(topLevelFields(Buffer.from('{"ip":"1",}'), wanted)).toBeUndefined();
  });

  it('agrees with JSON.parse for arbitrary objects', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('ip', 'port', 'other', 'dnsName'), fc.jsonValue()), (obj) => {
        const value = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
        const expected = Object.fromEntries(Object.entries(value).filter(([k]) => wanted.includes(k)));
        expect(topLevelFields(bytes(obj), wanted)).toEqual(expected);
      }),
    );
  });
});
