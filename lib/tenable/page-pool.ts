/**
 * Page-sized buffers for analysis bodies, reused instead of allocated for every page. A fresh
 * 2.3 MB buffer per page cost ~2 ms of page faults and unmapping, and its garbage let V8's external
 * memory pile up between collections (bench/, issue 9). Buffers come back only through
 * {@link PagePool.release}, called by whoever last reads a page's rows; a page never released is
 * simply collected, so forgetting to release costs memory churn, never correctness.
 */
export class PagePool {
  private readonly free: Buffer[] = [];
  /** Buffers handed out and not yet released: only these are taken back. */
  private readonly out = new WeakSet<ArrayBuffer>();

  constructor(private readonly maxFree = 4) {}

  /**
   * A buffer of at least `size` bytes (its contents are whatever was there before). A new one is
   * made a little larger for later pages, but never past `limit` (the call's byte cap).
   */
  acquire(size: number, limit = Number.POSITIVE_INFINITY): Buffer {
    let pick = -1;
    for (let i = 0; i < this.free.length; i++) {
      const candidate = this.free[i] as Buffer;
      if (candidate.length >= size && (pick < 0 || candidate.length < (this.free[pick] as Buffer).length))
        pick = i;
    }
    // Never from Node's shared slab (allocUnsafe's small buffers): the whole ArrayBuffer is ours.
    // A quarter more than asked, so slightly larger pages later still fit.
    const buffer =
      pick < 0
        ? Buffer.allocUnsafeSlow(Math.max(size, Math.min(limit, Math.max(size + (size >> 2), 64 * 1024))))
        : (this.free.splice(pick, 1)[0] as Buffer);
    this.out.add(buffer.buffer as ArrayBuffer);
    return buffer;
  }

  /**
   * A larger buffer holding the first `used` bytes of `buffer`, which is given up. It doubles, but
   * never past `limit` (the call's byte cap) unless `size` itself asks for more.
   */
  grow(buffer: Buffer, used: number, size: number, limit = Number.POSITIVE_INFINITY): Buffer {
    const bigger = this.acquire(Math.max(size, Math.min(limit, buffer.length * 2)), limit);
    buffer.copy(bigger, 0, 0, used);
    this.out.delete(buffer.buffer as ArrayBuffer);
    return bigger;
  }

  /**
   * Takes back the buffer behind `memory` (a view of one this pool handed out; anything else is
   * ignored). The caller guarantees nothing reads that memory any more.
   */
  release(memory: ArrayBufferLike): void {
    if (!this.out.has(memory as ArrayBuffer)) return;
    this.out.delete(memory as ArrayBuffer);
    if (this.free.length < this.maxFree) this.free.push(Buffer.from(memory as ArrayBuffer));
  }
}
