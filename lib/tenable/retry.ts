/** How the client waits between attempts. Injected so tests run without real sleeps. */
export interface RetryPolicy {
  /** Attempts in all, the first included (≥ 1). */
  maxAttempts: number;
  /** Cap of the exponential backoff before jitter. */
  baseDelayMs: number;
  /** Largest single wait, also the cap for a server's Retry-After. */
  maxDelayMs: number;
  /** Returns a number in [0, 1); `Math.random` outside tests. */
  random: () => number;
  /** Waits `ms` or rejects when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Exponential backoff with full jitter: a random wait in [0, min(max, base·2^(attempt−1))).
 * Full jitter spreads retries of many clients out instead of having them hit SC in step.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(policy.random() * ceiling);
}

/**
 * Reads a Retry-After header (delta-seconds or an HTTP date) as milliseconds, capped at `maxMs`.
 * Returns undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number, maxMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    ms = Number(trimmed) * 1000;
  } else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(maxMs, Math.max(0, Math.ceil(ms)));
}

/** A sleep that honours an abort signal. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
