import { CALL_BURST, CALLS_PER_SECOND } from './constants';

/** Time, injectable: tests pass a fake clock and a sleep that moves it. */
export interface Pacing {
  /** Epoch ms. */
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realPacing: Pacing = {
  clock: Date.now,
  sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
};

/**
 * A token bucket: `rate` tokens a second, at most `burst` saved up. One token is one
 * `BatchImportFindings` call. It is the account's bucket because only one sender runs at a time
 * (the sender lease, ./sender-lease.ts); Security Hub's own throttling, which other tools in the
 * account share, is met with backoff on top (./import-client.ts).
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket();
 * await bucket.take(); // then call BatchImportFindings
 * ```
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly pacing: Pacing = realPacing,
    private readonly rate = CALLS_PER_SECOND,
    private readonly burst = CALL_BURST,
  ) {
    this.tokens = burst;
    this.at = pacing.clock();
  }

  private refill(): void {
    const now = this.pacing.clock();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.rate) / 1000);
    this.at = now;
  }

  /** Waits until a token is there, and takes it. */
  async take(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await this.pacing.sleep(Math.ceil(((1 - this.tokens) * 1000) / this.rate));
      this.refill();
    }
    this.tokens -= 1;
  }

  /** Empties the bucket: after a throttle, the account's quota is spent elsewhere too. */
  drain(): void {
    this.refill();
    this.tokens = 0;
  }
}
