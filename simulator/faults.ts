/**
 * Fault injection: a queue of faults, each applying to the next `times` requests whose path
 * starts with its `path` (any path by default), first queued first served.
 */
import { errorReply, htmlReply, type Reply } from './reply';
import type { Fault } from './types';

interface QueuedFault {
  fault: Fault;
  remaining: number;
  /** Matching requests still to let through before the fault applies. */
  skip: number;
}

/**
 * Faults that replace the answer; the others (reset, truncate, slow-body, latency) wrap it, and
 * hang and endless-body take over the response (delivery.ts).
 */
export type ReplacingFault = Extract<
  Fault,
  { kind: 'status' | 'rate-limit' | 'html' | 'sc-error' | 'db-locked' }
>;

const STATUS_TITLES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Message of SC's transient database contention error (reference §1.2, PAL client.go retries on it). */
export const DB_LOCKED_MESSAGE =
  'Unable to complete the request: SQLSTATE[HY000]: General error: 5 database is locked\n';

function validate(fault: Fault): void {
  const times = fault.times ?? 1;
  if (fault.after !== undefined && !(Number.isInteger(fault.after) && fault.after >= 0)) {
    throw new Error(`simulator: fault 'after' must be a whole number >= 0, got ${fault.after}`);
  }
  if (!Number.isInteger(times) || times < 1)
    throw new Error(`simulator: fault 'times' must be a positive integer, got ${times}`);
  if ((fault.kind === 'slow-body' || fault.kind === 'latency') && !(fault.delayMs >= 0)) {
    throw new Error(`simulator: fault '${fault.kind}' needs delayMs >= 0`);
  }
  if (fault.kind === 'rate-limit' && !(fault.retryAfterSeconds >= 0)) {
    throw new Error("simulator: fault 'rate-limit' needs retryAfterSeconds >= 0");
  }
  if (fault.kind === 'endless-body') {
    if (fault.bytes !== undefined && !(Number.isSafeInteger(fault.bytes) && fault.bytes > 0)) {
      throw new Error(`simulator: fault 'endless-body' needs bytes > 0 when given, got ${fault.bytes}`);
    }
    if (fault.declareLength && fault.bytes === undefined) {
      throw new Error(
        "simulator: fault 'endless-body' with declareLength needs bytes (the length to declare)",
      );
    }
  }
}

export class FaultQueue {
  private readonly queue: QueuedFault[] = [];

  add(fault: Fault): void {
    validate(fault);
    this.queue.push({ fault: { ...fault }, remaining: fault.times ?? 1, skip: fault.after ?? 0 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  get size(): number {
    return this.queue.length;
  }

  /** The fault for a request to `path`, consuming one of its `times`. */
  take(path: string): Fault | undefined {
    const at = this.queue.findIndex((entry) => path.startsWith(entry.fault.path ?? ''));
    const entry = this.queue[at];
    if (!entry) return undefined;
    if (entry.skip > 0) {
      // Let `after` matching requests through first ("fail from the fifth page on").
      entry.skip--;
      return undefined;
    }
    entry.remaining--;
    if (entry.remaining === 0) this.queue.splice(at, 1);
    return entry.fault;
  }
}

export function isReplacing(fault: Fault): fault is ReplacingFault {
  return ['status', 'rate-limit', 'html', 'sc-error', 'db-locked'].includes(fault.kind);
}

/** The answer a replacing fault gives instead of the normal one. */
export function faultReply(fault: ReplacingFault, nowSeconds: number): Reply {
  switch (fault.kind) {
    case 'status':
      return htmlReply(
        fault.status,
        STATUS_TITLES[fault.status] ?? 'Error',
        'The server could not complete the request.',
      );
    case 'rate-limit':
      // SC documents no rate limit (reference §7.10), but proxies in front of it do send 429.
      return htmlReply(429, 'Too Many Requests', 'Slow down.', {
        'retry-after': String(fault.retryAfterSeconds),
      });
    case 'html':
      return htmlReply(
        fault.status ?? 200,
        'Service Unavailable',
        'Service Unavailable: the server is temporarily unable to serve your request.',
      );
    case 'sc-error':
      return errorReply(fault.status ?? 403, fault.errorCode, fault.errorMsg, nowSeconds);
    case 'db-locked':
      return errorReply(500, 0, DB_LOCKED_MESSAGE, nowSeconds);
  }
}
