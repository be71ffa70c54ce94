import { describe, expect, it } from 'vitest';
import { pageOverlapFor } from '#lib/export';
import { type FetchPage, type LandmarkedPage, START_CURSOR, stablePages } from '#lib/tenable';

/** A page of named rows (each row its own landmark) that counts its releases. */
class FakePage implements LandmarkedPage {
  releases = 0;
  constructor(readonly landmarks: readonly string[]) {}
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

describe('pageOverlapFor', () => {
  it('re-reads a fiftieth of a page, at least 10 rows', () => {
    expect(pageOverlapFor(1000)).toBe(20);
    expect(pageOverlapFor(5000)).toBe(100);
    expect(pageOverlapFor(100)).toBe(10);
  });
});
