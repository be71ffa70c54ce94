// @module-tag runtime
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

describe('worker threads', () => {
  it('fails the part of a thread that dies, and replaces the thread instead of waiting on it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc2aws-worker-'));
    const file = join(dir, 'dies.mjs');
    // A thread that ends as an out-of-memory thread does: no reply, no error event, an exit code.
    await writeFile(
      file,
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(7));\n",
    );
    const runner = createPartRunner(2, pathToFileURL(file));
    const task = {
      index: 0,
      part: { key: 'raw/part-00000.ndjson.gz', rows: 0, bytes: 0, uncompressedBytes: 0, sha256: '' },
      where: { part: '/tmp/raw/part-00000.ndjson.gz', manifest: '/tmp/raw/_manifest.json' },
      stored: new Uint8Array(1),
      firstSeq: 0,
      context: { dataset: 'vulns' as const, runId: 'r', collectedAt: '2026-01-01T00:00:00Z', scHost: 'sc' },
    };
    try {
      await expect(runner.run(task)).rejects.toThrow('a delivery thread stopped (exit code 7)');
      // Three more than the pool holds: each gets a live (replaced) thread, none waits forever.
      const more = await Promise.allSettled(
        [1, 2, 3].map(() => runner.run({ ...task, stored: new Uint8Array(1) })),
      );
      expect(more.map((r) => r.status === 'rejected' && String(r.reason))).toEqual(
        Array(3).fill(expect.stringContaining('exit code 7')),
      );
    } finally {
      await runner.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
