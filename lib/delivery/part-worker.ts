/**
 * The entry of a delivery worker thread (bundled as `part-worker.mjs` beside the function and the
 * CLI): it runs the part tasks the calling thread posts, one at a time.
 */
import { parentPort } from 'node:worker_threads';
import { codeOf } from '#lib/errors';
import { ocsfOfTask, type WorkerReply, type WorkerRequest } from './part-runner';
import { transformPart } from './part-transform';

const port = parentPort;
if (port === null) throw new Error('part-worker.mjs runs as a worker thread of a delivery');
port.on('message', (request: WorkerRequest) => {
  const work =
    request.kind === 'transform'
      ? transformPart(request.task).then((output) => ({
          output,
          transfer: [
            output.ids.buffer,
            output.times.buffer,
            output.findings?.bytes.buffer,
            output.rejected?.bytes.buffer,
          ],
        }))
      : ocsfOfTask(request.task).then((files) => {
          // Memory of its own, so it can move to the calling thread: a small file may sit in
          // Buffer's shared pool, which Node 22+ refuses to transfer (and older Node would
          // detach). Buffer's slice() is a view, not a copy: the copy is a plain Uint8Array.
          const output = files.map((file) => {
            const own = file.bytes.byteOffset === 0 && file.bytes.byteLength === file.bytes.buffer.byteLength;
            return own ? file : { ...file, bytes: new Uint8Array(file.bytes) };
          });
          return { output, transfer: output.map((file) => file.bytes.buffer) };
        });
  work.then(
    ({ output, transfer }) => {
      port.postMessage(
        { ok: true, output } satisfies WorkerReply,
        transfer.filter((b) => b !== undefined) as ArrayBuffer[],
      );
    },
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      port.postMessage({ ok: false, code: codeOf(err), message } satisfies WorkerReply);
    },
  );
});
