import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createPartRunner, deliveryThreads } from '#lib/delivery';

describe('deliveryThreads', () => {
  it.each([
    ['128', 1],
    ['1024', 1],
    ['1769', 1],
    // Lambda shows two vCPUs from 1 770 MB, but the CPU it gives is still about one's worth.
    ['1770', 1],
    ['3008', 2],
    ['3538', 2],
    ['5307', 3],
    ['10240', 6],
  ])('gives a %s MB function %i thread(s): the vCPUs its memory buys', (memory, threads) => {
    expect(deliveryThreads(0, { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: memory })).toBe(threads);
  });

  it('takes a set number as it is, and the machine’s cores outside Lambda', () => {
    expect(deliveryThreads(3, { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' })).toBe(3);
    expect(deliveryThreads(0, {})).toBe(availableParallelism());
  });
});

describe('createPartRunner', () => {
  it('runs parts on the calling thread for one thread, or when no worker file is at hand', async () => {
    const one = createPartRunner(1, new URL('file:///nowhere/part-worker.mjs'));
    const none = createPartRunner(4, undefined);
    expect([one.concurrency, none.concurrency]).toEqual([1, 1]);
    await one.close();
    await none.close();
  });
});
