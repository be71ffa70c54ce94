/**
 * Responses a fault keeps open (`hang`, `endless-body`), so tests can wait for a request to be held
 * and for the client to let go of it — hooks instead of sleeps.
 */
import type { ServerResponse } from 'node:http';

interface Waiter {
  done: () => boolean;
  resolve: () => void;
}

export class HeldResponses {
  private readonly open = new Set<ServerResponse>();
  private waiters: Waiter[] = [];

  /** Counts `res` as held until its connection closes (the client hung up, or the simulator closed). */
  hold(res: ServerResponse): void {
    this.open.add(res);
    res.once('close', () => {
      this.open.delete(res);
      this.settle();
    });
    this.settle();
  }

  get size(): number {
    return this.open.size;
  }

  /** Resolves once `done()` holds, checked now and after every change. */
  until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  private settle(): void {
    const ready = this.waiters.filter((w) => w.done());
    this.waiters = this.waiters.filter((w) => !w.done());
    for (const waiter of ready) waiter.resolve();
  }
}
