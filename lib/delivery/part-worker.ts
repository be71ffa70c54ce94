/**
 * The entry of a delivery worker thread (bundled as `part-worker.mjs` beside the function and the
 * CLI): it runs the part tasks the calling thread posts, one at a time.
 */
import { parentPort } from 'node:worker_threads';
import { codeOf } from '#lib/errors';
import type { WorkerReply } from './part-runner';
import { type PartTask, transformPart } from './part-transform';

const port = parentPort;
if (port === null) throw new Error('part-worker.mjs runs as a worker thread of a delivery');
port.on('message', (task: PartTask) => {
  transformPart(task).then(
    (output) => {
      const transfer = [output.ids.buffer, output.findings?.bytes.buffer, output.rejected?.bytes.buffer];
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
