import { describe, expect, it } from 'vitest';
import { PagePool } from '../../../lib/tenable/page-pool';

describe('PagePool', () => {
  it('hands out whole buffers of at least the size asked for, reusing released ones', () => {
    const pool = new PagePool(2);
    const a = pool.acquire(100_000);
    expect(a.length).toBeGreaterThanOrEqual(100_000);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(a.length); // never a slice of Node's shared slab
    pool.release(a.subarray(10, 20).buffer);
    expect(pool.acquire(90_000).buffer).toBe(a.buffer);
  });

  it('never hands out a buffer twice before it comes back', () => {
    const pool = new PagePool();
    const a = pool.acquire(1000);
    pool.release(a.buffer);
    pool.release(a.buffer); // a second release of the same memory is ignored
    const b = pool.acquire(1000);
    const c = pool.acquire(1000);
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it('ignores memory it did not hand out, and keeps at most maxFree buffers', () => {
    const pool = new PagePool(1);
    pool.release(Buffer.alloc(10).buffer);
    const [a, b] = [pool.acquire(10), pool.acquire(10)];
    pool.release(a.buffer);
    pool.release(b.buffer);
    expect(pool.acquire(10).buffer).toBe(a.buffer);
    expect(pool.acquire(10).buffer).not.toBe(b.buffer);
  });

  it('grows a buffer keeping what it holds, and picks the smallest free buffer that fits', () => {
    const pool = new PagePool();
    const small = pool.acquire(100_000);
    small.write('kept', 0);
    const grown = pool.grow(small, 4, small.length + 1);
    expect(grown.length).toBeGreaterThan(small.length);
    expect(grown.toString('utf8', 0, 4)).toBe('kept');
    pool.release(small.buffer); // given up by grow: not the pool's any more
    const big = pool.acquire(10_000_000);
    pool.release(grown.buffer);
    pool.release(big.buffer);
    expect(pool.acquire(150_000).buffer).toBe(grown.buffer);
  });
});
