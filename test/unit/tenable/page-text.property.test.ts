import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitResults, topLevelFields } from '../../../lib/tenable/page-text';

const IDENTITY = ['repository', 'ip', 'uuid', 'hostUUID', 'dnsName', 'port', 'protocol', 'pluginID'];
const row = fc.dictionary(
  fc.oneof(fc.constantFrom(...IDENTITY, 'results', 'pluginText', 'a"b', 'é'), fc.string({ maxLength: 8 })),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 8 },
);
/** SC's envelope around a page of rows, with noise fields before and after. */
const page = fc
  .record({
    rows: fc.array(row, { maxLength: 6 }),
    before: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    after: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    indent: fc.constantFrom(undefined, 1, '\t'),
  })
  .map(({ rows, before, after, indent }) => ({
    rows,
    body: JSON.stringify(
      {
        type: 'regular',
        response: { ...before, totalRecords: String(rows.length), results: rows, ...after },
        error_code: 0,
        error_msg: '',
        warnings: [],
        timestamp: 1,
      },
      null,
      indent,
    ),
  }));

describe('reading an analysis page as row bytes (property)', () => {
  it('splits a well-formed page into exactly the rows JSON.parse sees', () => {
    let split = 0;
    fc.assert(
      fc.property(page, ({ rows, body }) => {
        const result = splitResults(Buffer.from(body), IDENTITY);
        if (result === undefined) return; // the caller then parses the body whole
        split += 1;
        const expected = JSON.parse(JSON.stringify(rows)) as Record<string, unknown>[];
        expect(result.rows.map((row) => JSON.parse(row.bytes.toString()))).toEqual(expected);
        expect(result.rows.map((row) => row.fields)).toEqual(
          expected.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => IDENTITY.includes(k)))),
        );
      }),
      { numRuns: 2000 },
    );
    expect(split).toBeGreaterThan(1800); // the fast path is the usual one
  });

  it('never throws on any body: cut, corrupted or not a page at all', () => {
    const body = fc.oneof(
      page.map((p) => p.body),
      page.chain(({ body: b }) => fc.nat({ max: b.length }).map((n) => b.slice(0, n))),
      page.chain(({ body: b }) =>
        fc
          .tuple(fc.nat({ max: b.length }), fc.string({ maxLength: 4 }))
          .map(([n, s]) => b.slice(0, n) + s + b.slice(n)),
      ),
      fc.string({ maxLength: 200 }),
    );
    fc.assert(
      fc.property(body, (text) => {
        const split = splitResults(Buffer.from(text), IDENTITY);
        expect(split === undefined || Array.isArray(split.rows)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('never takes a body cut short for a page (the caller then retries it as truncated)', () => {
    const cut = page.chain(({ body: b }) => fc.nat({ max: b.length - 1 }).map((n) => b.slice(0, n)));
    fc.assert(
      fc.property(cut, (text) => {
        expect(splitResults(Buffer.from(text), IDENTITY)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('reads identity fields from any row text without throwing, and reads them right', () => {
    const text = fc.oneof(
      row.map((r) => JSON.stringify(r)),
      row.chain((r) => {
        const t = JSON.stringify(r);
        return fc
          .tuple(fc.nat({ max: t.length }), fc.string({ maxLength: 3 }))
          .map(([n, s]) => t.slice(0, n) + s + t.slice(n));
      }),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        const fields = topLevelFields(Buffer.from(t), IDENTITY);
        if (fields !== undefined) {
          const whole = (() => {
            try {
              return JSON.parse(t) as Record<string, unknown>;
            } catch {
              return undefined;
            }
          })();
          if (whole !== undefined) for (const [k, v] of Object.entries(fields)) expect(whole[k]).toEqual(v);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
