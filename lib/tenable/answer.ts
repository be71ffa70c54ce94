import type { Dispatcher } from 'undici';
import { ErrorCode } from '#lib/errors';
import type { ScApiKeys } from '#lib/secrets';
import type { RowText } from './analysis-page';
import { readBody, readPooledBody } from './body';
import { classifyResponse, type Outcome } from './classify';
import { envelopeOf } from './envelope';
import { ScError } from './errors';
import type { PagePool } from './page-pool';
import { splitResults } from './page-text';
import { parseRetryAfter } from './retry';

/** What one exchange came to; a page's rows are views of pooled memory. */
export type Answer = Outcome & { page?: { rows: RowText[]; memory: ArrayBufferLike } };

export interface AnswerContext {
  keys: ScApiKeys;
  /** `METHOD /rest/path`, for messages. */
  label: string;
  /** An analysis page: a 200 is read into pooled memory and split into its rows. */
  page: boolean;
  rowFields: readonly string[] | undefined;
  /** The body's byte cap: past it, reading stops with {@link BodyOverLimit} (from ./body). */
  limit: number;
  pool: PagePool;
  /** Epoch ms now, for Retry-After dates. */
  now: number;
  maxDelayMs: number;
}

/**
 * Reads SC's answer within its byte cap and decides what it means: an analysis page split into its
 * rows, a redirect (never followed), or whatever {@link classifyResponse} makes of status and body.
 */
export async function readAnswer(res: Dispatcher.ResponseData, context: AnswerContext): Promise<Answer> {
  const { keys, label, pool } = context;
  const pooled = context.page && res.statusCode === 200;
  const bytes = pooled ? await readPooledBody(res, pool, context.limit) : await readBody(res, context.limit);
  if (pooled) {
    const split = splitResults(bytes, context.rowFields);
    const envelope = split === undefined ? undefined : envelopeOf(split.envelope);
    if (split !== undefined && envelope?.ok && envelope.envelope.errorCode === 0) {
      return { kind: 'ok', envelope: envelope.envelope, page: { rows: split.rows, memory: bytes.buffer } };
    }
  }
  const raw = bytes.toString('utf8');
  if (pooled) pool.release(bytes.buffer);
  // Anything SC echoes back is scrubbed before it can reach a message (defence in depth).
  const text = keys.scrub(raw);
  if (res.statusCode >= 300 && res.statusCode < 400) {
    const location = String(res.headers.location ?? 'another address');
    return {
      kind: 'fail',
      error: new ScError(
        ErrorCode.ScConfig,
        `SC answered ${label} with a redirect (HTTP ${res.statusCode}) to ${keys.scrub(location).slice(0, 200)}. sc2aws does not follow redirects so keys are never sent elsewhere. Fix: use the final address as the SC URL.`,
        { status: res.statusCode, request: label },
      ),
    };
  }
  const retryAfter = res.headers['retry-after'];
  const retryAfterMs = parseRetryAfter(
    Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
    context.now,
    context.maxDelayMs,
  );
  return classifyResponse(res.statusCode, text, label, retryAfterMs, (t) => keys.scrub(t));
}
