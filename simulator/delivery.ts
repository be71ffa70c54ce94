/**
 * Writes a {@link Reply} to the socket, honouring the faults that wrap an answer: reset mid-body,
 * truncated chunked body, slow body, latency before headers.
 */
import type { ServerResponse } from 'node:http';
import type { Reply } from './reply';
import type { Fault } from './types';

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

/** Sends the reply, wrapped by `fault` when it is reset, truncate, slow-body or latency. */
export function deliver(res: ServerResponse, reply: Reply, fault: Fault | undefined, timers: TimerSet): void {
  const headers = { ...reply.headers };
  const contentLength = String(Buffer.byteLength(reply.body));
  switch (fault?.kind) {
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
