import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdFilter } from '../../../lib/delivery/id-filter';

/** Ids as delivery makes them: 16 bytes of a sha256. */
function ids(count: number, salt: string): Uint8Array {
  const bytes = new Uint8Array(count * 16);
  for (let i = 0; i < count; i++)
    bytes.set(createHash('sha256').update(`${salt}${i}`).digest().subarray(0, 16), i * 16);
  return bytes;
}

describe('IdFilter', () => {
  it('reports every id added before (no false negatives) and few that were not', () => {
    const n = 50_000;
    // Sized for both batches, as a run sizes it for all its rows.
    const filter = new IdFilter(2 * n);
    const first = ids(n, 'a');
    let flaggedFirstTime = 0;
    for (let i = 0; i < n; i++) if (filter.add(first, i * 16)) flaggedFirstTime += 1;
    for (let i = 0; i < n; i++) expect(filter.add(first, i * 16)).toBe(true);
    const others = ids(n, 'b');
    let falsePositives = 0;
    for (let i = 0; i < n; i++) if (filter.add(others, i * 16)) falsePositives += 1;
    // 16 bits and 11 probes an id: about 1 in 2 000 when full, fewer while it fills.
    expect(flaggedFirstTime).toBeLessThan(n / 2000);
    expect(falsePositives).toBeLessThan(n / 1000);
  });

  it('takes 16 bits an id and restores from its bits', () => {
    const filter = new IdFilter(1_000_000);
    expect(filter.bits.byteLength).toBe(2_000_000);
    const one = ids(1, 'x');
    filter.add(one, 0);
    expect(new IdFilter(1_000_000, filter.bits).add(one, 0)).toBe(true);
    expect(() => new IdFilter(10, filter.bits)).toThrow(RangeError);
  });
});
