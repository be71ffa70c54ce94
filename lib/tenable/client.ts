import type { Dispatcher } from 'undici';
import { ErrorCode } from '#lib/errors';
import type { LogSink } from '#lib/logging';
import { integrationUserAgent } from '#lib/product';
import type { ScApiKeys } from '#lib/secrets';
import { type AnalysisQuery, analysisRequestBody, checkPageSize, readPage } from './analysis';
import { AnalysisPage, type RowText } from './analysis-page';
import { abortedError, classifyNetworkError, classifyResponse, type Outcome } from './classify';
import { KEEP_ALIVE_TIMEOUT_MS } from './constants';
import { envelopeOf } from './envelope';
import { ScError } from './errors';
import { Agent, dispatchRequest } from './http';
import { type ResolvedScClientOptions, resolveOptions, type ScClientOptions } from './options';
import { PagePool } from './page-pool';
import { splitResults } from './page-text';
import { backoffDelay, parseRetryAfter } from './retry';
import type { RowKind } from './row-identity';
import { parseCurrentUser, type ScUser } from './user';

/** Per-call options. */
export interface CallOptions {
  /** Stops the call (and any wait between retries) when aborted, e.g. at the Lambda deadline. */
  signal?: AbortSignal;
  /** Return `response.results` as the rows' own bytes (see {@link splitResults}). */
  splitResults?: boolean;
  /** With `splitResults`: the top-level fields to read from each row on the way. */
  rowFields?: readonly string[];
}

/** What one successful call returned. */
export interface ScResponse {
  response: unknown;
  /**
   * With {@link CallOptions.splitResults}: the rows of `response.results` as SC sent them, views of
   * `memory` (a pooled buffer the caller gives back once it no longer reads them).
   */
  page?: { rows: RowText[]; memory: ArrayBufferLike };
  /** SC's clock, epoch seconds, when sent. */
  timestamp?: number;
  warnings: unknown[];
}

/**
 * Typed client for Tenable Security Center's REST API, on undici (see ./http.ts).
 *
 * Authenticates with `x-apikey` only (never a session token), verifies TLS (custom CA supported),
 * retries transient failures with full-jitter backoff, honours Retry-After, and turns every failure
 * into an {@link ScError} with a stable code and a message that names the cause and the fix.
 * No error or log line carries key material.
 *
 * @example
 * ```ts
 * const sc = new ScClient({ url: 'https://sc.example.com', keys: ScApiKeys.parse(secret), ca: pem });
 * const me = await sc.currentUser();
 * const page = await sc.analysisPage(query, { startOffset: 0, pageSize: 1000, kind: 'finding' });
 * await sc.close();
 * ```
 */
export class ScClient {
  readonly baseUrl: URL;
  private readonly options: ResolvedScClientOptions;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly userAgent: string;
  private readonly logger: LogSink | undefined;
  private readonly pages = new PagePool();

  constructor(options: ScClientOptions) {
    this.options = resolveOptions(options);
    this.baseUrl = this.options.baseUrl;
    this.logger = this.options.logger;
    this.userAgent = integrationUserAgent(this.options.userAgentVendor);
    if (this.options.insecureSkipTlsVerify) {
      this.logger?.warn(
        `TLS certificate verification is OFF for ${this.baseUrl.host}: anyone on the network path can read the API keys. Give SC's CA bundle instead.`,
      );
    }
    if (this.options.dispatcher !== undefined) {
      this.dispatcher = this.options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      this.dispatcher = new Agent({
        connect: {
          timeout: this.options.timeouts.connectMs,
          rejectUnauthorized: !this.options.insecureSkipTlsVerify,
          ...(this.options.ca === undefined ? {} : { ca: this.options.ca }),
        },
        headersTimeout: this.options.timeouts.headersMs,
        bodyTimeout: this.options.timeouts.bodyMs,
        keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
        connections: this.options.connections,
      });
      this.ownsDispatcher = true;
    }
  }

  /**
   * `GET /rest/currentUser`: proves the keys and tells whose they are.
   *
   * @example
   * ```ts
   * const { username, role } = await sc.currentUser();
   * ```
   */
  async currentUser(options: CallOptions = {}): Promise<ScUser> {
    const result = await this.call(
      'GET',
      '/rest/currentUser?fields=id,uuid,username,firstname,lastname,role,organization,locked,status',
      undefined,
      options,
    );
    return parseCurrentUser(result.response);
  }

  /**
   * One `/rest/analysis` page at an offset, as an {@link AnalysisPage}: the rows' own JSON bytes
   * (no string or object per row) and their landmarks. Release the page once its rows are written.
   * Paging through a whole query, drift-safe, is {@link stablePages}' job.
   */
  async analysisPage(
    query: AnalysisQuery,
    options: { startOffset: number; pageSize: number; kind: RowKind; signal?: AbortSignal },
  ): Promise<AnalysisPage> {
    const { startOffset, pageSize, signal } = options;
    checkPageSize(pageSize);
    const result = await this.call(
      'POST',
      '/rest/analysis',
      analysisRequestBody(query, startOffset, startOffset + pageSize),
      {
        splitResults: true,
        rowFields: AnalysisPage.fields,
        ...(signal ? { signal } : {}),
      },
    );
    const read = readPage(result.response);
    if (result.page !== undefined) {
      const { rows, memory } = result.page;
      return new AnalysisPage(rows, options.kind, read.totalRecords, memory, (m) => this.pages.release(m));
    }
    // Without a split (an unusual body), the parsed rows stand in.
    return new AnalysisPage(
      read.rows.map((row) => rowTextOf(row, AnalysisPage.fields)),
      options.kind,
      read.totalRecords,
    );
  }

  /** SC's version from `GET /rest/system`, or null when SC does not say (SC 5.20+ hides it from some callers). */
  async systemVersion(options: CallOptions = {}): Promise<string | null> {
    try {
      const { response } = await this.call('GET', '/rest/system', undefined, options);
      const version = (response as { version?: unknown } | null)?.version;
      return typeof version === 'string' && version !== '' ? version : null;
    } catch {
      return null;
    }
  }

  /**
   * Sends one request to SC's REST API and returns the envelope's content, retrying transient
   * failures and refreshing the keys once when SC rejects them.
   */
  async call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    options: CallOptions = {},
  ): Promise<ScResponse> {
    const label = `${method} ${path.split('?')[0]}`;
    const { keyProvider, retry } = this.options;
    let keys = await keyProvider.current();
    let refreshed = false;
    let resubmitted = false;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const started = performance.now();
      const outcome = await this.exchange(method, path, body, keys, label, options);
      this.options.onAttempt?.({
        request: label,
        attempt,
        durationMs: performance.now() - started,
        outcome: outcome.kind,
        ...(outcome.kind === 'ok' ? {} : { code: outcome.error.code }),
      });
      if (outcome.kind === 'ok') {
        const { response, warnings, timestamp } = outcome.envelope;
        return {
          response,
          warnings,
          ...(timestamp === undefined ? {} : { timestamp }),
          ...(outcome.page === undefined ? {} : { page: outcome.page }),
        };
      }
      // One extra attempt, outside `retry.maxAttempts`: a 400 during key recognition may be SC's
      // transient database error (see classify.ts), and concluding "rejected" stops the whole run.
      const resubmit = outcome.kind === 'auth' && outcome.resubmitOnce === true && !resubmitted;
      if (resubmit) resubmitted = true;
      if (!resubmit && outcome.kind === 'auth' && !refreshed && keyProvider.refresh !== undefined) {
        // The secret may have been rotated since the keys were cached: one retry with a fresh read.
        refreshed = true;
        const fresh = await keyProvider.refresh();
        if (!fresh.equals(keys)) {
          this.logger?.warn(
            `SC rejected the cached keys on ${label}; retrying once with the newest secret version.`,
          );
          keys = fresh;
          attempt -= 1;
          continue;
        }
      }
      if (resubmit || (outcome.kind === 'retry' && attempt < retry.maxAttempts)) {
        const delay =
          (outcome.kind === 'retry' ? outcome.retryAfterMs : undefined) ?? backoffDelay(retry, attempt);
        const what = resubmit
          ? 'SC answered 400 while recognizing the keys, which may be a transient database error; resubmitting once'
          : `SC call failed, retrying (${outcome.error.code})`;
        this.logger?.warn(`${what}.`, {
          request: label,
          attempt,
          delayMs: delay,
          status: outcome.error.details.status,
        });
        try {
          await retry.sleep(delay, options.signal);
        } catch {
          throw abortedError(label);
        }
        continue;
      }
      throw withAttempts(outcome.error, attempt);
    }
  }

  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    keys: ScApiKeys,
    label: string,
    options: CallOptions,
  ): Promise<Outcome & { page?: { rows: RowText[]; memory: ArrayBufferLike } }> {
    const { signal } = options;
    const url = new URL(this.baseUrl.pathname.replace(/\/$/, '') + path, this.baseUrl);
    const headers: Record<string, string> = {
      'x-apikey': keys.headerValue(),
      'user-agent': this.userAgent,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await dispatchRequest(this.dispatcher, {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
      const page = options.splitResults && res.statusCode === 200;
      const bytes = page ? await pooledBodyBytes(res, this.pages) : await bodyBytes(res.body);
      if (page) {
        const split = splitResults(bytes, options.rowFields);
        const envelope = split === undefined ? undefined : envelopeOf(split.envelope);
        if (split !== undefined && envelope?.ok && envelope.envelope.errorCode === 0) {
          return {
            kind: 'ok',
            envelope: envelope.envelope,
            page: { rows: split.rows, memory: bytes.buffer },
          };
        }
      }
      const raw = bytes.toString('utf8');
      if (page) this.pages.release(bytes.buffer);
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
        this.options.clock(),
        this.options.retry.maxDelayMs,
      );
      return classifyResponse(res.statusCode, text, label, retryAfterMs, (t) => keys.scrub(t));
    } catch (err) {
      return classifyNetworkError(err, label, this.baseUrl.host);
    }
  }

  /** Closes pooled connections. The client cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}

/** `bytes` without a leading UTF-8 byte order mark (a view, no copy). */
function withoutBom(bytes: Uint8Array): Buffer {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start);
}

/** The whole body as one Buffer (a view, no further copy), without a UTF-8 byte order mark. */
async function bodyBytes(body: Dispatcher.ResponseData['body']): Promise<Buffer> {
  return withoutBom(await body.bytes());
}

/**
 * The whole body in a buffer from `pool` (a view of it), without a UTF-8 byte order mark. The
 * buffer is sized from Content-Length when SC sends one, and grows when it does not.
 */
async function pooledBodyBytes(res: Dispatcher.ResponseData, pool: PagePool): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  let buffer = pool.acquire(Number.isSafeInteger(declared) && declared > 0 ? declared : 0);
  let used = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      if (used + chunk.length > buffer.length) buffer = pool.grow(buffer, used, used + chunk.length);
      chunk.copy(buffer, used);
      used += chunk.length;
    }
  } catch (err) {
    pool.release(buffer.buffer);
    throw err;
  }
  return withoutBom(buffer.subarray(0, used));
}

/** A row SC's body could not be split around (an unusual body that was parsed whole). */
function rowTextOf(row: Record<string, unknown>, wanted: readonly string[]): RowText {
  const fields: Record<string, unknown> = {};
  for (const name of wanted) {
    const [top, nested] = name.split('.', 2) as [string, string | undefined];
    const value = nested === undefined ? row[top] : (row[top] as Record<string, unknown> | null)?.[nested];
    if (value !== undefined) fields[name] = value;
  }
  return { bytes: Buffer.from(JSON.stringify(row)), fields };
}

function withAttempts(error: ScError, attempts: number): ScError {
  error.details.attempts = attempts;
  return error;
}
