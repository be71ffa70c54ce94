import type { Dispatcher } from 'undici';
import { ErrorCode } from '#lib/errors';
import { ScError } from './errors';
import type { PagePool } from './page-pool';

/**
 * A body past its call's byte cap, found from Content-Length before a byte was read, or while it
 * streamed in. Reading stops there and the request is ended: an endless body from a broken proxy
 * costs at most the cap in memory.
 */
export class BodyOverLimit extends Error {
  constructor(
    readonly limit: number,
    readonly declared: number | undefined,
  ) {
    super('body over its byte cap');
  }
}

/** `bytes` without a leading UTF-8 byte order mark (a view, no copy). */
function withoutBom(bytes: Uint8Array): Buffer {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
}

/** The declared Content-Length, when it is a usable number; refuses one over `limit` at once. */
function declaredLength(res: Dispatcher.ResponseData, limit: number): number | undefined {
  const declared = Number(res.headers['content-length']);
  if (!Number.isSafeInteger(declared) || declared < 0) return undefined;
  if (declared > limit) {
    res.body.destroy();
    throw new BodyOverLimit(limit, declared);
  }
  return declared;
}

/** Ends the request (the connection closes) and reports the cap. */
function overLimit(res: Dispatcher.ResponseData, limit: number, declared: number | undefined): never {
  res.body.destroy();
  throw new BodyOverLimit(limit, declared);
}

/** The whole body as one Buffer, without a UTF-8 byte order mark, refusing more than `limit` bytes. */
export async function readBody(res: Dispatcher.ResponseData, limit: number): Promise<Buffer> {
  const declared = declaredLength(res, limit);
  const chunks: Buffer[] = [];
  let used = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    used += chunk.length;
    if (used > limit) overLimit(res, limit, declared);
    chunks.push(chunk);
  }
  return withoutBom(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, used));
}

/**
 * The whole body in a buffer from `pool` (a view of it), without a UTF-8 byte order mark, refusing
 * more than `limit` bytes. The buffer is sized from Content-Length when SC sends one, and grows
 * (never past `limit`) when it does not.
 */
export async function readPooledBody(
  res: Dispatcher.ResponseData,
  pool: PagePool,
  limit: number,
): Promise<Buffer> {
  const declared = declaredLength(res, limit);
  let buffer = pool.acquire(declared ?? 0, limit);
  let used = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (used + chunk.length > limit) overLimit(res, limit, declared);
      if (used + chunk.length > buffer.length) buffer = pool.grow(buffer, used, used + chunk.length, limit);
      chunk.copy(buffer, used);
      used += chunk.length;
    }
  } catch (err) {
    pool.release(buffer.buffer);
    throw err;
  }
  return withoutBom(buffer.subarray(0, used));
}

function mib(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${value >= 10 ? Math.round(value) : Number(value.toFixed(2))} MiB`;
}

/**
 * The error of a body over its cap: not retried, a cap breach is no passing fault. `page` tells an
 * analysis page (whose cap is a setting) from any other answer (about 1 MiB, far above what SC sends).
 */
export function tooLargeError(request: string, over: BodyOverLimit, page: boolean): ScError {
  const size =
    over.declared === undefined
      ? `more than ${mib(over.limit)} arrived before sc2aws stopped reading`
      : `Content-Length ${mib(over.declared)}, refused before reading`;
  const fix = page
    ? 'A proxy may be sending an endless body, or the rows are very large (long plugin output). Fix: lower the page size (PAGE_SIZE, --page-size) or raise the cap (SC_MAX_PAGE_MB, --max-page-mb); if a proxy sits between sc2aws and SC, check it.'
    : 'SC never answers this call with that much: something else answered (a proxy, a portal, a load balancer). Fix: check the URL and any proxy between sc2aws and SC.';
  return new ScError(
    ErrorCode.ScProtocol,
    `SC's answer to ${request} is larger than its ${mib(over.limit)} cap (${size}). ${fix}`,
    { request },
  );
}
