import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import type { Dataset } from '#lib/findings';
import type { OcsfInputAddress, OcsfPartFile, OcsfVersion } from '#lib/ocsf';
import type { PartInfo } from '#lib/sink';
import { type PartOutput, type PartTask, transformPart } from './part-transform';

/** One committed findings part to write as OCSF Parquet (lib/ocsf), as stored. */
export interface OcsfTask {
  stored: Uint8Array;
  dataset: Dataset;
  part: PartInfo;
  ctx: { runId: string; dt: string; index: number; version: OcsfVersion; where?: OcsfInputAddress };
}

/** What a thread is asked to do. */
export type WorkerRequest = { kind: 'transform'; task: PartTask } | { kind: 'ocsf'; task: OcsfTask };

/**
 * The OCSF files of an {@link OcsfTask}: the same on every thread. lib/ocsf (the Parquet writer
 * among it) is loaded on the first OCSF task, not at start: a function with OCSF output off never
 * pays for it at a cold start.
 */
export async function ocsfOfTask(task: OcsfTask): Promise<OcsfPartFile[]> {
  const { ocsfFilesOfStored } = await import('#lib/ocsf');
  return ocsfFilesOfStored(task.stored, task.dataset, task.part, task.ctx);
}

/** Runs part tasks: inline, or on worker threads so parts are delivered side by side. */
export interface PartRunner {
  /** How many parts may be in flight at once: keep this many started to keep every thread busy. */
  readonly concurrency: number;
  run(task: PartTask): Promise<PartOutput>;
  /** The OCSF files of one findings part, one per event day, in day order. */
  ocsf(task: OcsfTask): Promise<OcsfPartFile[]>;
  close(): Promise<void>;
}

/** What crosses back from a worker: the output, or an error as its code and message. */
export type WorkerReply =
  | { ok: true; output: PartOutput | OcsfPartFile[] }
  | { ok: false; code: string; message: string };

/** On the calling thread: the default where there is one vCPU, and in tests of the library. */
export function inlinePartRunner(): PartRunner {
  return {
    concurrency: 1,
    run: transformPart,
    ocsf: ocsfOfTask,
    close: async () => {},
  };
}

/**
 * `threads` worker threads, each running `workerUrl` (the bundled `part-worker.mjs`), one part
 * each at a time. Every vCPU a Lambda's memory setting buys (one per 1 769 MB) becomes a thread;
 * the calling thread only reads, filters ids and stores.
 */
export function workerPartRunner(workerUrl: URL, threads: number): PartRunner {
  const idle: Worker[] = [];
  const waiting: Array<(worker: Worker) => void> = [];
  // An idle thread must not keep the process alive (the CLI, the demo); a busy one must.
  const all = Array.from({ length: threads }, () => new Worker(workerUrl));
  for (const worker of all) worker.unref();
  idle.push(...all);
  const release = (worker: Worker) => {
    const next = waiting.shift();
    if (next) next(worker);
    else {
      worker.unref();
      idle.push(worker);
    }
  };
  const acquire = () =>
    new Promise<Worker>((resolve) => {
      const worker = idle.pop();
      if (worker) {
        worker.ref();
        resolve(worker);
      } else waiting.push(resolve);
    });
  /** Posts one request to a free thread; the task's bytes move to it (no copy). */
  async function call(request: WorkerRequest, label: string): Promise<unknown> {
    const worker = await acquire();
    // A pooled Buffer shares its memory with others: only memory of its own may be transferred.
    const input = request.task.stored;
    const own = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength;
    const stored = own ? input : new Uint8Array(input);
    let dead = false;
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const settle = () => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        const onError = (err: Error) => {
          settle();
          dead = true;
          reject(err);
        };
        // Out of memory, for one, ends a thread without an error event.
        const onExit = (code: number) => {
          settle();
          dead = true;
          reject(new Error(`a delivery thread stopped (exit code ${code}) while delivering ${label}`));
        };
        const onMessage = (reply: WorkerReply) => {
          settle();
          if (reply.ok) resolve(reply.output);
          else reject(rebuildError(reply));
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage({ ...request, task: { ...request.task, stored } }, [stored.buffer as ArrayBuffer]);
      });
    } finally {
      // A thread that died is replaced, so the pool keeps its size and no task waits on it.
      if (dead) {
        const fresh = new Worker(workerUrl);
        all[all.indexOf(worker)] = fresh;
        release(fresh);
      } else release(worker);
    }
  }
  return {
    concurrency: threads,
    run: (task) => call({ kind: 'transform', task }, task.part.key) as Promise<PartOutput>,
    ocsf: (task) =>
      call({ kind: 'ocsf', task }, `the OCSF files of ${task.part.key}`) as Promise<OcsfPartFile[]>,
    async close() {
      await Promise.all(all.map((worker) => worker.terminate()));
    },
  };
}

/** Our errors keep their code across the thread boundary; anything else stays an internal error. */
function rebuildError(reply: Extract<WorkerReply, { ok: false }>): Error {
  const known = Object.values(ErrorCode) as string[];
  if (known.includes(reply.code)) return new Sc2awsError(reply.code as ErrorCode, reply.message);
  return new Error(reply.message);
}

/** Lambda gives one vCPU per 1 769 MB of memory, up to 6 at 10 240 MB. */
const MB_PER_VCPU = 1769;

/**
 * Threads to deliver with: `setting` when it is 1 or more; at 0, one per vCPU — on Lambda the
 * vCPUs its memory setting buys (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`), elsewhere the machine's.
 */
export function deliveryThreads(setting: number, env: NodeJS.ProcessEnv = process.env): number {
  if (setting >= 1) return setting;
  const memory = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  // The CPU a function gets is its memory's share (1 769 MB = one vCPU's worth), whatever number of
  // vCPUs it sees: at 1 770 MB it sees two but has one's worth, and a second thread would only wait.
  if (Number.isFinite(memory) && memory > 0)
    return Math.min(6, Math.max(1, Math.round(memory / MB_PER_VCPU)));
  return availableParallelism();
}

/**
 * The runner for `threads`: inline for one (a worker would only add copying), worker threads
 * otherwise. `workerUrl` is the bundled `part-worker.mjs` beside the caller; without it (running
 * from source) parts are delivered inline.
 */
export function createPartRunner(threads: number, workerUrl: URL | undefined): PartRunner {
  return threads <= 1 || workerUrl === undefined ? inlinePartRunner() : workerPartRunner(workerUrl, threads);
}
