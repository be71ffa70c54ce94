// @module-tag runtime
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartRunner, deliverRun } from '#lib/delivery';
import { ErrorCode } from '#lib/errors';
import type { ObjectStore } from '#lib/sink';
import { DELIVERY_SETTINGS } from '#support/delivery';
import { expectSameFiles, filesOf, RAW_PREFIX, type RawRunBench, startRawRunBench } from '#support/raw-run';

/**
 * The delivery's parts on worker threads (the bundled part-worker.mjs), over the raw run that
 * delivery-continuation.test.ts delivers on the calling thread. What crosses the threads is
 * structured-cloned, so this file runs on the Lambda's Node too (`npm run test:lambda-node`).
 */
describe('a delivery on worker threads', () => {
  let bench: RawRunBench;

  beforeAll(async () => {
    bench = await startRawRunBench();
  });
  afterAll(async () => {
    await bench?.close();
  });

  it('writes the same objects, OCSF files included, on worker threads (the bundled part-worker.mjs) as on the calling thread', async () => {
    const worker = new URL('../../dist/part-worker.mjs', import.meta.url);
    expect(fileURLToPath(worker)).toMatch(/dist[/\\]part-worker\.mjs$/);
    const inline = await bench.output();
    await deliverRun(bench.depsFor(inline, { ocsf: { kind: 'bucket' } }), DELIVERY_SETTINGS, bench.rawKey);
    const threaded = await bench.output();
    const runner = createPartRunner(3, worker);
    try {
      await deliverRun(
        bench.depsFor(threaded, { runner, ocsf: { kind: 'bucket' } }),
        DELIVERY_SETTINGS,
        bench.rawKey,
      );
    } finally {
      await runner.close();
    }
    expectSameFiles(await filesOf(inline.dir), await filesOf(threaded.dir));
  });

  it('reports a corrupt raw part found on a worker thread with its own code and message', async () => {
    const out = await bench.output();
    const tampered: ObjectStore = {
      ...bench.source,
      async getStream(key) {
        if (!key.endsWith('part-00002.ndjson.gz')) return bench.source.getStream(key);
        return Readable.from([Buffer.from('not the bytes the manifest names')]);
      },
    };
    const runner = createPartRunner(2, new URL('../../dist/part-worker.mjs', import.meta.url));
    try {
      await expect(
        deliverRun({ ...bench.depsFor(out, { runner }), source: tampered }, DELIVERY_SETTINGS, bench.rawKey),
      ).rejects.toMatchObject({
        code: ErrorCode.RawPartCorrupt,
        message: expect.stringContaining(
          `Raw part ${bench.source.uri(`${RAW_PREFIX}part-00002.ndjson.gz`)} is not what its manifest ${bench.source.uri(bench.rawKey)} records (sha256`,
        ),
      });
    } finally {
      await runner.close();
    }
    expect(out.events.filter((e) => e.detailType === 'Findings Delivered')).toEqual([]);
  });
});
