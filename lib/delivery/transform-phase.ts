import { type PartInfo, partKey, runPrefix } from '#lib/sink';
import { encodeIds } from './duplicates';
import { runInOrder } from './in-order';
import type { PartObject, PartOutput } from './part-transform';
import type { RunDelivery } from './run-delivery';

/*
 * Phase `transform`: raw parts into findings and rejected parts, several in flight, on the
 * delivery's threads. Findings part `i` comes from raw part `i`; beside it go its rows' ids and
 * times (./duplicates.ts), and every id passes the id filter, which flags ids that may repeat.
 */

/** Raw parts into findings and rejected parts, several in flight; false when it stopped early. */
export async function transform(run: RunDelivery): Promise<boolean> {
  const parts = run.raw.parts;
  await runInOrder({
    from: run.state.next,
    to: parts.length,
    // One more than the threads: the next part is read while every thread works.
    window: run.runner.concurrency + 1,
    shouldStop: () => run.shouldStop(),
    start: async (index) =>
      run.runner.run(run.task(index, await run.read(run.source, (parts[index] as PartInfo).key))),
    finish: async (index, output) => {
      await storePart(run, output);
      run.state.next = index + 1;
      run.progress(parts.length);
    },
  });
  return run.state.next >= parts.length;
}

export async function storePart(run: RunDelivery, output: PartOutput): Promise<void> {
  const i = output.index;
  if (output.findings !== null) {
    const prefix = runPrefix('findings', run.raw.dataset, run.dt, run.raw.runId);
    run.state.findings.push(await put(run, partKey(prefix, i), output.findings));
    run.state.indexes.push(i);
    await run.objects.putBinary(run.objects.idsKey(i), encodeIds(output));
  }
  if (output.rejected !== null) {
    const prefix = runPrefix('rejected', run.raw.dataset, run.dt, run.raw.runId);
    run.state.rejected.push(await put(run, partKey(prefix, i), output.rejected));
    run.state.rejectedRows += output.rejected.rows;
  }
  const filter = run.filter;
  if (filter === undefined) throw new Error('the id filter exists while raw parts are read');
  const flagged = new Set(run.state.candidates);
  for (let offset = 0; offset < output.ids.length; offset += 16) {
    if (filter.add(output.ids, offset))
      flagged.add(Buffer.from(output.ids.subarray(offset, offset + 16)).toString('hex'));
  }
  run.state.candidates = [...flagged];
}

export async function put(run: RunDelivery, key: string, object: PartObject): Promise<PartInfo> {
  const upload = run.deps.store.openUpload(key, 'application/gzip');
  upload.stream.end(object.bytes);
  await upload.done();
  const { rows, uncompressedBytes, sha256 } = object;
  return { key, rows, bytes: object.bytes.byteLength, uncompressedBytes, sha256 };
}

/** Raw part `index` delivered again: its findings bytes, as the transform first wrote them. */
export async function transformAgain(run: RunDelivery, index: number): Promise<Uint8Array> {
  const part = run.raw.parts[index] as PartInfo;
  const output = await run.runner.run(run.task(index, await run.read(run.source, part.key)));
  return output.findings?.bytes ?? new Uint8Array(0);
}
