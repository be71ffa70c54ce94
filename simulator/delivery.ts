/**
 * Writes a {@link Reply} to the socket, honouring the faults that wrap an answer: reset mid-body,
 * truncated chunked body, slow body, latency before headers; or, for hang and endless-body, holds
 * the response open instead.
 */
import type { ServerResponse } from 'node:http';
import type { HeldResponses } from './held';
import type { Reply } from './reply';
import type { Fault } from './types';

/** The start of an analysis envelope: the endless body reads like a page that never ends. */
const ENDLESS_PREFIX = Buffer.from('{"type":"regular","response":{"totalRecords":"1","results":[');
/** JSON whitespace, so the body stays well-formed as far as it goes. */
const FILLER = Buffer.alloc(64 * 1024, 0x20);

/** Timers the server must cancel on close. */
export class TimerSet {
  private readonly timers = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function halfOf(body: string): string {
  return body.slice(0, Math.floor(body.length / 2));
}

/**
 * Streams `bytes` bytes (default: without end) as fast as the client reads them, honouring
 * backpressure: the simulator's memory stays flat however much the client takes. Stops when the
 * client hangs up.
 */
function streamEndless(res: ServerResponse, fault: Extract<Fault, { kind: 'endless-body' }>): void {
  const total = fault.bytes ?? Number.POSITIVE_INFINITY;
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(fault.declareLength ? { 'content-length': String(total) } : {}),
  });
  let left = total;
  let next = ENDLESS_PREFIX;
  const pump = () => {
    while (!res.destroyed && left > 0) {
      const chunk = next.length > left ? next.subarray(0, left) : next;
      next = FILLER;
      left -= chunk.length;
      if (left === 0) return void res.end(chunk);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
  };
  pump();
}

/** Sends the reply, wrapped by `fault` when it is reset, truncate, slow-body or latency. */
export function deliver(
  res: ServerResponse,
  reply: Reply,
  fault: Fault | undefined,
  timers: TimerSet,
  held: HeldResponses,
): void {
  const headers = { ...reply.headers };
  const contentLength = String(Buffer.byteLength(reply.body));
  switch (fault?.kind) {
    case 'hang':
      // Never a byte back: the client's own timeouts (or its deadline) must end the wait.
      held.hold(res);
      return;
    case 'endless-body':
      held.hold(res);
      streamEndless(res, fault);
      return;
    case 'reset':
      // Promise the whole body, send half, then drop the connection once the half is flushed.
      res.writeHead(reply.status, { ...headers, 'content-length': contentLength });
      res.write(halfOf(reply.body), () => setImmediate(() => res.socket?.destroy()));
      return;
    case 'truncate':
      // No content-length: chunked encoding ends cleanly, yet the JSON text is cut in half.
      res.writeHead(reply.status, headers);
      res.end(halfOf(reply.body));
      return;
    case 'slow-body':
      res.writeHead(reply.status, { ...headers, 'content-length': contentLength });
      res.flushHeaders();
      timers.after(fault.delayMs, () => {
        if (!res.destroyed) res.end(reply.body);
      });
      return;
    case 'latency':
      timers.after(fault.delayMs, () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { ...headers, 'content-length': contentLength });
        res.end(reply.body);
      });
      return;
    default:
      res.writeHead(reply.status, { ...headers, 'content-length': contentLength });
      res.end(reply.body);
  }
}
