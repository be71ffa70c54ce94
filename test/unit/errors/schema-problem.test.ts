import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { parseDocument } from '#lib/errors';
import { runManifestSchema } from '#lib/sink';

const count = z.int().check(z.nonnegative());
const sample = z.object({
  rows: count,
  name: z.string(),
  tags: z.array(z.string()),
  key: z.string().check(z.maxLength(4)),
});
const good = { rows: 1, name: 'n', tags: [], key: 'k' };

describe('phrasing what is wrong with a document', () => {
  it('names the field and the types, never the value found', () => {
    const parsed = parseDocument(sample, JSON.stringify({ ...good, name: 12345678 }));

    expect(parsed).toEqual({ ok: false, problem: 'name must be a string, not a number' });
  });

  it('says when a number is out of range, a field is missing, or the whole document is wrong', () => {
    expect(parseDocument(sample, JSON.stringify({ ...good, rows: -1 }))).toMatchObject({
      problem: 'rows must be at least 0',
    });
    expect(parseDocument(sample, JSON.stringify({ ...good, key: 'longer' }))).toMatchObject({
      problem: 'key must be at most 4 characters long',
    });
    expect(parseDocument(sample, JSON.stringify({ ...good, tags: [1] }))).toMatchObject({
      problem: 'tags[0] must be a string, not a number',
    });
    expect(parseDocument(sample, '[]')).toMatchObject({
      problem: 'the document must be an object, not an array',
    });
    expect(parseDocument(sample, 'nul')).toMatchObject({ problem: 'it is not JSON' });
  });

  it('says a manifest of an unknown kind is none of the accepted kinds', () => {
    expect(parseDocument(runManifestSchema, JSON.stringify({ kind: 'rejected' }))).toMatchObject({
      problem: 'kind is none of the accepted kinds',
    });
  });

  it('returns the parsed value when the document fits', () => {
    expect(parseDocument(sample, JSON.stringify(good))).toEqual({ ok: true, value: good });
  });
});
