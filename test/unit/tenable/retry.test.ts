import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, type RetryPolicy } from '../../../lib/tenable/retry';

const policy = (random: number): RetryPolicy => ({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 4000,
  random: () => random,
  sleep: async () => {},
});

describe('backoffDelay', () => {
  it('grows exponentially under full jitter and never exceeds the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(policy(0.999), a))).toEqual([
      499, 999, 1998, 3996, 3996, 3996,
    ]);
  });

  it('can wait zero (full jitter starts at 0)', () => {
    expect(backoffDelay(policy(0), 3)).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it.each([
    [undefined, undefined],
    ['7', 7000],
    ['0', 0],
    ['1.5', 1500],
    ['Mon, 23 Nov 2026 12:00:10 GMT', 10_000],
    ['Mon, 23 Nov 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    ['3600', 30_000],
  ])('reads %j as %j ms (capped at 30 s)', (value, expected) => {
    expect(parseRetryAfter(value, now, 30_000)).toBe(expected);
  });
});
