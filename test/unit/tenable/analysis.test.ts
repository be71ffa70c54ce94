import { describe, expect, it } from 'vitest';
import { type AnalysisPage, analysisPages, analysisRequestBody } from '#lib/tenable';

type Body = Record<string, unknown>;
const rows = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from) }, (_, i) => ({ n: String(from + i) }));

/** A fake SC holding `total` rows, with knobs for SC's counting quirks (reference §3.2). */
function fakeSc(
  total: number,
  quirks: {
    cap?: number;
    totals?: 'string' | 'absent';
    float?: boolean;
    extraRow?: boolean;
    ignoreOffsets?: boolean;
  } = {},
) {
  const requests: Body[] = [];
  const call = async (body: Body) => {
    requests.push(body);
    const asked = (body.endOffset as number) - (body.startOffset as number);
    const start = quirks.ignoreOffsets ? 0 : (body.startOffset as number);
    let end = Math.min(total, start + asked, start + (quirks.cap ?? Number.POSITIVE_INFINITY));
    if (quirks.extraRow && end < total) end += 1; // SC 6.3 sent 10001 rows for a 10000-row page (PT #823)
    const results = rows(start, end);
    return {
      response: {
        ...(quirks.totals === 'absent' ? {} : { totalRecords: String(total) }),
        ...(quirks.totals === 'absent'
          ? {}
          : { returnedRecords: quirks.float ? results.length + 0.0526 : results.length }),
        startOffset: String(body.startOffset),
        endOffset: String(body.endOffset),
        results,
      },
    };
  };
  return { call, requests };
}

async function collect(pages: AsyncGenerator<AnalysisPage>): Promise<string[]> {
  const out: string[] = [];
  for await (const page of pages) for (const row of page.rows) out.push(row.n as string);
  return out;
}

const query = { tool: 'vulndetails', sourceType: 'cumulative' as const };
const all = (n: number) => rows(0, n).map((r) => r.n);

describe('analysisPages', () => {
  it('builds the request with offsets at the root and sort fields together', () => {
    expect(analysisRequestBody({ ...query, sort: { field: 'lastSeen', direction: 'ASC' } }, 0, 1000)).toEqual(
      {
        type: 'vuln',
        sourceType: 'cumulative',
        query: { type: 'vuln', tool: 'vulndetails', filters: [] },
        sortField: 'lastSeen',
        sortDir: 'ASC',
        startOffset: 0,
        endOffset: 1000,
      },
    );
  });

  it.each([
    ['string counts', {}],
    ['float returnedRecords', { float: true }],
    ['absent totals', { totals: 'absent' as const }],
  ])('returns every row exactly once with %s', async (_name, quirks) => {
    const sc = fakeSc(2500, quirks);
    expect(await collect(analysisPages(sc.call, query, { pageSize: 1000 }))).toEqual(all(2500));
    expect(sc.requests.map((r) => r.startOffset)).toEqual([0, 1000, 2000]);
  });

  it('asks once more after an exact multiple of the page size and stops on the empty page', async () => {
    const sc = fakeSc(2000, { totals: 'absent' });
    expect(await collect(analysisPages(sc.call, query, { pageSize: 1000 }))).toHaveLength(2000);
    expect(sc.requests).toHaveLength(3);
  });

  it('keeps paging a server that caps pages below the page size, guided by totalRecords', async () => {
    const sc = fakeSc(2500, { cap: 400 });
    expect(await collect(analysisPages(sc.call, query, { pageSize: 1000 }))).toEqual(all(2500));
  });

  it('keeps the extra row of an oversized page and never skips one', async () => {
    const sc = fakeSc(2500, { extraRow: true });
    const got = await collect(analysisPages(sc.call, query, { pageSize: 1000 }));
    expect(new Set(got)).toEqual(new Set(all(2500)));
    expect(got.length).toBe(2502); // two duplicates, identifiable downstream; no loss
  });

  it('stops with SC_PROTOCOL instead of looping when SC ignores the offsets', async () => {
    const sc = fakeSc(5000, { ignoreOffsets: true });
    await expect(collect(analysisPages(sc.call, query, { pageSize: 1000 }))).rejects.toMatchObject({
      code: 'SC_PROTOCOL',
    });
    expect(sc.requests).toHaveLength(2);
  });

  it('fetches the next page only when the consumer asks for it', async () => {
    const sc = fakeSc(5000);
    const pages = analysisPages(sc.call, query, { pageSize: 1000 });
    await pages.next();
    expect(sc.requests).toHaveLength(1);
    await pages.return(undefined);
    expect(sc.requests).toHaveLength(1);
  });

  it('resumes from a start offset', async () => {
    const sc = fakeSc(2500);
    expect(await collect(analysisPages(sc.call, query, { pageSize: 1000, startOffset: 2000 }))).toEqual(
      all(2500).slice(2000),
    );
  });

  it('treats results: null as an empty page', async () => {
    const call = async () => ({ response: { totalRecords: '0', results: null } });
    expect(await collect(analysisPages(call, query))).toEqual([]);
  });

  it.each([
    [{ pageSize: 0 }, /page size/],
    [{ pageSize: 5001 }, /page size/],
    [{ pageSize: 1.5 }, /page size/],
    [{ startOffset: -1 }, /start offset/],
  ])('rejects %j before calling SC', async (options, message) => {
    const sc = fakeSc(10);
    await expect(collect(analysisPages(sc.call, query, options))).rejects.toThrow(message);
    expect(sc.requests).toHaveLength(0);
  });

  it.each([
    ['a string', 'nope'],
    ['results that are not a list', { results: 'x' }],
  ])('reports a response with %s as SC_PROTOCOL', async (_name, response) => {
    const call = async () => ({ response });
    await expect(collect(analysisPages(call, query))).rejects.toMatchObject({ code: 'SC_PROTOCOL' });
  });
});
