import { describe, expect, it } from 'vitest';
import { type FetchPage, type LandmarkedPage, START_CURSOR, stablePages } from '#lib/tenable';
import { pageOverlapFor } from '../../../lib/export/settings';

/** A page of named rows (each row its own landmark) that counts its releases. */
class FakePage implements LandmarkedPage {
  releases = 0;
  constructor(
    readonly landmarks: readonly string[],
    readonly totalRecords?: number,
  ) {}
  release(): void {
    this.releases += 1;
  }
}
type Fetch = FetchPage<FakePage>;

/** An in-memory "SC": rows by offset, with every request recorded and the most in flight at once. */
function server(rows: string[], { extraRow = false } = {}) {
  const requests: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch: Fetch = async (from, size) => {
    requests.push(from);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    inFlight -= 1;
    return new FakePage(rows.slice(from, from + size + (extraRow ? 1 : 0)));
  };
  return { fetch, requests, maxInFlight: () => maxInFlight };
}

const dataset = (n: number) => Array.from({ length: n }, (_, i) => `row-${i}`);

async function readAll(fetch: Fetch, options: { readAhead?: number } = {}) {
  const delivered: string[] = [];
  let walkBacks = 0;
  for await (const next of stablePages(fetch, START_CURSOR, { pageSize: 10, overlap: 2, ...options })) {
    delivered.push(...next.page.landmarks.slice(next.fresh));
    expect(next.rows).toBe(next.page.landmarks.length - next.fresh);
    walkBacks += next.walkBacks;
    next.page.release();
  }
  return Object.assign(delivered, { walkBacks });
}

describe('stablePages read-ahead', () => {
  it('keeps requests in flight ahead of the page being read, each offset asked for once', async () => {
    const sc = server(dataset(35));
    expect([...(await readAll(sc.fetch))]).toEqual(dataset(35));
    // Pages start 2 rows before the previous one ended; the guesses past the end are the only waste.
    expect(sc.requests).toEqual([0, 8, 16, 24, 32, 40, 48]);
    expect(new Set(sc.requests).size).toBe(sc.requests.length);
    expect(sc.maxInFlight()).toBe(3);
  });

  it('reads strictly one page at a time with readAhead 0', async () => {
    const sc = server(dataset(35));
    expect([...(await readAll(sc.fetch, { readAhead: 0 }))]).toEqual(dataset(35));
    expect(sc.requests).toEqual([0, 8, 16, 24, 32]);
    expect(sc.maxInFlight()).toBe(1);
  });

  it('learns the step when SC sends one row more than asked, and loses nothing', async () => {
    const sc = server(dataset(60), { extraRow: true });
    expect([...(await readAll(sc.fetch))]).toEqual(dataset(60));
    // The first guesses assumed 10-row pages and were dropped; after that every guess is used.
    expect(sc.requests.slice(0, 5)).toEqual([0, 8, 16, 9, 18]);
    expect(sc.requests.length).toBeLessThanOrEqual(7 + 2 + 2);
  });

  it('drops the guesses when rows leave the result set and it has to look back', async () => {
    const rows = dataset(50);
    let answered = 0;
    const requests: number[] = [];
    const fetch: Fetch = async (from, size) => {
      requests.push(from);
      await new Promise((resolve) => setTimeout(resolve, 1));
      // Once the first page is answered, 5 rows before offset 8 leave: more than the overlap covers.
      answered += 1;
      if (answered === 2) rows.splice(2, 5);
      return new FakePage(rows.slice(from, from + size));
    };
    const delivered = await readAll(fetch);
    expect(delivered.walkBacks).toBe(1);
    // Nothing is lost: page 0 had rows 2-6 before they left, and every other row comes after
    // (some twice: duplicates are identifiable downstream, a lost row is not).
    expect(new Set(delivered)).toEqual(new Set(dataset(50)));
    // The response at 8 (a guess, used) holds none of page 0's rows: the pager looks back to 0,
    // and the guesses queued meanwhile (16, 24) are dropped; new ones follow the new offset.
    expect(requests.slice(0, 7)).toEqual([0, 8, 16, 24, 0, 8, 16]);
  });

  it('leaves no unhandled rejection behind when a guess fails and is never used', async () => {
    const fetch: Fetch = async (from, size) => {
      if (from >= 16) throw new Error('past the end');
      return new FakePage(dataset(12).slice(from, from + size));
    };
    expect([...(await readAll(fetch))]).toEqual(dataset(12));
  });
});

describe('stablePages memory', () => {
  it('releases every page it fetched: yielded ones by the caller, walk-backs and dropped guesses itself', async () => {
    const rows = dataset(50);
    const fetched: FakePage[] = [];
    let answered = 0;
    const fetch: Fetch = async (from, size) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      answered += 1;
      if (answered === 2) rows.splice(2, 5);
      const page = new FakePage(rows.slice(from, from + size));
      fetched.push(page);
      return page;
    };
    const delivered = await readAll(fetch);
    expect(delivered.walkBacks).toBe(1);
    // Guesses still in flight when paging ended are released when they arrive.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetched.length).toBeGreaterThan(7);
    expect(fetched.map((page) => page.releases)).toEqual(fetched.map(() => 1));
  });

  it('releases the read-ahead when the caller stops early', async () => {
    const fetched: FakePage[] = [];
    const fetch: Fetch = async (from, size) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const page = new FakePage(dataset(100).slice(from, from + size));
      fetched.push(page);
      return page;
    };
    for await (const next of stablePages(fetch, START_CURSOR, { pageSize: 10, overlap: 2 })) {
      next.page.release();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetched.map((page) => page.releases)).toEqual([1, 1, 1]);
  });
});

/** An "SC" of `total` rows with knobs for what real servers and proxies do to paging. */
function quirkyServer(
  total: number,
  quirks: { cap?: number; ignoreOffsets?: boolean; noTotal?: boolean } = {},
) {
  const requests: { from: number; size: number }[] = [];
  const rows = dataset(total);
  const fetch: Fetch = async (from, size) => {
    requests.push({ from, size });
    const start = quirks.ignoreOffsets ? 0 : from;
    const served = rows.slice(start, start + Math.min(size, quirks.cap ?? size));
    return new FakePage(served, quirks.noTotal ? undefined : total);
  };
  return { fetch, requests };
}

async function deliverAll(fetch: Fetch, pageSize = 10) {
  const delivered: string[] = [];
  for await (const next of stablePages(fetch, START_CURSOR, { pageSize, overlap: 2 })) {
    delivered.push(...next.page.landmarks.slice(next.fresh));
    next.page.release();
  }
  return delivered;
}

describe('stablePages when paging ends early', () => {
  it('aborts the read-ahead requests still in flight, so nothing outlives the caller', async () => {
    const signals: AbortSignal[] = [];
    const fetch: Fetch = (from, size, signal) => {
      signals.push(signal);
      // The first answer comes at once; the guesses wait until they are aborted, like a hung SC.
      if (from === 0) return Promise.resolve(new FakePage(dataset(100).slice(from, from + size)));
      return new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    };
    for await (const next of stablePages(fetch, START_CURSOR, { pageSize: 10, overlap: 2 })) {
      next.page.release();
      break; // the deadline came: the caller stops paging
    }
    expect(signals).toHaveLength(3);
    expect(signals.map((signal) => signal.aborted)).toEqual([false, true, true]);
  });
});

describe('stablePages never loops and never ends short', () => {
  it('stops with SC_PAGING_STALLED when SC answers the first page whatever the offset', async () => {
    const sc = quirkyServer(2345, { ignoreOffsets: true });
    await expect(deliverAll(sc.fetch)).rejects.toMatchObject({ code: 'SC_PAGING_STALLED' });
    // The second answer repeats the first: the pager stops there, with only its read-ahead sent.
    expect(sc.requests.length).toBeLessThanOrEqual(2 + 2);
  });

  it('pages on from where a capped page ended, at the size SC serves, and delivers every row', async () => {
    const sc = quirkyServer(2345, { cap: 500 });
    const delivered = await deliverAll(sc.fetch, 1000);
    expect(new Set(delivered)).toEqual(new Set(dataset(2345)));
    expect(delivered).toHaveLength(2345);
    // After the first short answer the pager asks for what SC serves.
    expect(sc.requests.filter((r) => r.size === 500).length).toBeGreaterThan(3);
  });

  it('takes a short page as the end when SC sends no total (the documented fallback)', async () => {
    const sc = quirkyServer(2345, { cap: 500, noTotal: true });
    expect(await deliverAll(sc.fetch, 1000)).toEqual(dataset(500));
  });

  it('fails with SC_PAGING_SHORT when pages end short of the total twice, never completing short', async () => {
    // The rows end at 20 while SC keeps saying 100: short once (taken for a cap), then short again.
    const fetch: Fetch = async (from, size) => new FakePage(dataset(20).slice(from, from + size), 100);
    await expect(deliverAll(fetch)).rejects.toMatchObject({ code: 'SC_PAGING_SHORT' });
  });

  it('asks an empty page short of the total once more, then fails with SC_PAGING_SHORT', async () => {
    const requests: number[] = [];
    const fetch: Fetch = async (from, size) => {
      requests.push(from);
      // After the first two answers, every row from 16 on is gone from view while SC's total
      // still counts them.
      const gone = requests.length > 2 && from >= 16;
      return new FakePage(gone ? [] : dataset(100).slice(from, from + size), 100);
    };
    await expect(deliverAll(fetch)).rejects.toMatchObject({ code: 'SC_PAGING_SHORT' });
    expect(requests.filter((from) => from === 16)).toHaveLength(2);
  });

  it('recovers when the asked-again empty page comes back with rows', async () => {
    let emptied = false;
    const fetch: Fetch = async (from, size) => {
      if (from === 8 && !emptied) {
        emptied = true;
        return new FakePage([], 30);
      }
      return new FakePage(dataset(30).slice(from, from + size), 30);
    };
    expect(await deliverAll(fetch)).toEqual(dataset(30));
  });

  it('stops full pages that bring no new row, and more pages than the total allows', async () => {
    // Every answer is a full page of rows already seen (a proxy caching one page per size, say).
    let n = 0;
    const stale: Fetch = async () => {
      n += 1;
      return new FakePage(n === 1 ? dataset(10) : [...dataset(10)].reverse(), 1000);
    };
    await expect(deliverAll(stale)).rejects.toMatchObject({ code: 'SC_PAGING_STALLED' });
    // Endless full pages while SC says there are 30 rows: stopped within a few pages of the budget.
    let served = 0;
    const endless: Fetch = async (from, size) => {
      served += 1;
      return new FakePage(dataset(from + size).slice(from), 30);
    };
    let pages = 0;
    const paging = (async () => {
      for await (const next of stablePages(endless, START_CURSOR, { pageSize: 10, overlap: 2 })) {
        pages += 1;
        next.page.release();
      }
    })();
    await expect(paging).rejects.toMatchObject({ code: 'SC_PAGING_STALLED' });
    // 30 rows need 4 pages of 8 new rows; paging may reach a tenth and 3 pages past them (offset 63).
    expect(pages).toBe(8);
    expect(served).toBeLessThanOrEqual(8 + 2);
  });
});

describe('pageOverlapFor', () => {
  it('re-reads a fiftieth of a page, at least 10 rows', () => {
    expect(pageOverlapFor(1000)).toBe(20);
    expect(pageOverlapFor(5000)).toBe(100);
    expect(pageOverlapFor(100)).toBe(10);
  });
});
