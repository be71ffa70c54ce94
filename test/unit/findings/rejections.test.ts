import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dataset, normalizeRow } from '#lib/findings';
import { contextFor, sumIpRow, vulnRow } from './fixtures';
import { rejection } from './helpers';

describe('rejected rows', () => {
  it.each([
    ['null', null, 'row: expected a JSON object, got null'],
    ['a string', 'a line', 'row: expected a JSON object, got "a line"'],
    ['a number', 42, 'row: expected a JSON object, got 42'],
    ['a list', [vulnRow()], 'row: expected a JSON object, got a list'],
  ])('rejects %s: it is not a row', (_label, raw, reason) => {
    expect(rejection(raw)).toBe(reason);
  });

  it.each([
    ['no ip', vulnRow({ ip: undefined }), 'ip: missing'],
    ['a blank ip', vulnRow({ ip: '  ' }), 'ip: missing'],
    ['no pluginID', vulnRow({ pluginID: '' }), 'pluginID: missing'],
    ['a pluginID that is not a number', vulnRow({ pluginID: 'abc' }), 'pluginID: not a number ("abc")'],
    ['a port that is not a number', vulnRow({ port: 'abc' }), 'port: not a number ("abc")'],
    ['a port out of range', vulnRow({ port: '70000' }), 'port: out of range 0–65535 ("70000")'],
    ['a fractional port', vulnRow({ port: '44.5' }), 'port: not a whole number ("44.5")'],
    ['a hex score', vulnRow({ vprScore: '0x10' }), 'vprScore: not a number ("0x10")'],
    [
      'a lastSeen that is not a date',
      vulnRow({ lastSeen: 'tomorrow' }),
      'lastSeen: not a number ("tomorrow")',
    ],
    ['a lastSeen past year 9999', vulnRow({ lastSeen: '1e15' }), 'lastSeen: not an epoch time ("1e15")'],
    ['a severity id out of 0–4', vulnRow({ severity: { id: '7' } }), 'severity.id: out of range 0–4 ("7")'],
    ['a severity list', vulnRow({ severity: [] }), 'severity: expected an object, got a list'],
    [
      'a repository that is text',
      vulnRow({ repository: 'Main' }),
      'repository: expected an object, got "Main"',
    ],
    [
      'an unknown exploitAvailable',
      vulnRow({ exploitAvailable: 'Maybe' }),
      'exploitAvailable: expected "Yes" or "No" ("Maybe")',
    ],
    [
      'an unknown hasBeenMitigated',
      vulnRow({ hasBeenMitigated: '2' }),
      'hasBeenMitigated: expected "0" or "1" ("2")',
    ],
    [
      'a plugin name that is an object',
      vulnRow({ pluginName: { a: 1 } }),
      'pluginName: expected text, got an object',
    ],
    ['a cve that is an object', vulnRow({ cve: { a: 1 } }), 'cve: expected a list as text, got an object'],
  ])('rejects a finding with %s, naming the field', (_label, raw, reason) => {
    expect(rejection(raw)).toBe(reason);
  });

  it('rejects a fixed row whose lastMitigated is not a date', () => {
    expect(rejection(vulnRow({ lastMitigated: 'yesterday' }), 'fixed')).toBe(
      'lastMitigated: not a number ("yesterday")',
    );
  });

  it.each([
    ['no ip', sumIpRow({ ip: '' }), 'ip: missing'],
    [
      'a count that is not a number',
      sumIpRow({ severityHigh: 'many' }),
      'severityHigh: not a number ("many")',
    ],
    ['a negative total', sumIpRow({ total: '-3' }), 'total: below 0 ("-3")'],
    [
      'a lastAuthRun that is not a date',
      sumIpRow({ lastAuthRun: 'never' }),
      'lastAuthRun: not a number ("never")',
    ],
  ])('rejects an asset with %s', (_label, raw, reason) => {
    expect(rejection(raw, 'assets')).toBe(reason);
  });

  it('quotes at most 32 characters of a bad value, never the row', () => {
    // Act
    const reason = rejection(vulnRow({ port: 'x'.repeat(10_000) }));

    // Assert
    expect(reason).toBe(`port: not a number ("${'x'.repeat(32)}…")`);
  });

  it('accepts rows that only lack optional fields', () => {
    // Act
    const result = normalizeRow({ ip: '10.0.0.1', pluginID: '19506' }, contextFor('vulns'));

    // Assert
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.row).toMatchObject({
        ip: '10.0.0.1',
        plugin_id: 19506,
        port: null,
        cve: [],
        severity: null,
      });
  });

  it('never throws, and always answers a row or a reason, whatever JSON it gets (property)', () => {
    const datasets: Dataset[] = ['vulns', 'fixed', 'assets'];
    const contexts = datasets.map((dataset) => contextFor(dataset, 64));
    // Arbitrary JSON, and realistic rows with arbitrary JSON in arbitrary fields.
    const anyJson = fc.jsonValue();
    const field = fc.constantFrom(...Object.keys(vulnRow()), ...Object.keys(sumIpRow()));
    const mutated = fc
      .tuple(fc.constantFrom(vulnRow(), sumIpRow()), fc.dictionary(field, anyJson, { maxKeys: 6 }))
      .map(([row, patch]) => ({ ...row, ...patch }));
    fc.assert(
      fc.property(fc.oneof(anyJson, mutated), fc.constantFrom(...contexts), (raw, ctx) => {
        const result = normalizeRow(raw, ctx);
        if (result.ok) {
          expect(JSON.parse(JSON.stringify(result.row))).toEqual(result.row);
        } else {
          expect(result.reason).toMatch(/^[A-Za-z0-9.]+: /);
          expect(result.reason.length).toBeLessThan(160);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
