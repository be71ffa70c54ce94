import type { Dispatcher } from 'undici';
import type { LogSink } from '#lib/logging';
import { integrationUserAgent } from '#lib/product';
import type { ScApiKeys } from '#lib/secrets';
import { type AnalysisQuery, analysisRequestBody, checkPageSize, readPage } from './analysis';
import { AnalysisPage, type RowText } from './analysis-page';
import { type Answer, readAnswer } from './answer';
import { BodyOverLimit, tooLargeError } from './body';
import { abortedError, classifyNetworkError } from './classify';
import {
  CLOSE_GRACE_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_RESPONSE_BYTES,
  MIN_ATTEMPT_MS,
  SYSTEM_VERSION_TIMEOUT_MS,
} from './constants';
import {
  callEnd,
  closedError,
  deadlineError,
  settlesWithin,
  shortenedTimeoutFired,
  WorkSignal,
} from './deadline';
import type { ScError } from './errors';
import { Agent, dispatchRequest } from './http';
import { type ResolvedScClientOptions, resolveOptions, type ScClientOptions } from './options';
import { PagePool } from './page-pool';
import { backoffDelay } from './retry';
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
  /** The most the answer may weigh, in bytes (default 1 MiB; analysis pages use the page cap). */
  maxBodyBytes?: number;
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
  /** Aborted by {@link close}: calls still running then stop, and none starts afterwards. */
  private readonly closing = new AbortController();
  /** Exchanges in flight, for close() to wait on when the dispatcher is not the client's own. */
  private readonly exchanges = new Set<Promise<unknown>>();
  private closed: Promise<void> | undefined;

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
        maxBodyBytes: this.options.maxPageBytes,
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

  /**
   * SC's version from `GET /rest/system`, or null when SC does not say (SC 5.20+ hides it from some
   * callers) or does not answer within `timeoutMs`: the version is a label, never worth a run.
   */
  async systemVersion(options: CallOptions & { timeoutMs?: number } = {}): Promise<string | null> {
    const { timeoutMs = SYSTEM_VERSION_TIMEOUT_MS, ...call } = options;
    const bound = AbortSignal.timeout(timeoutMs);
    try {
      const { response } = await this.call('GET', '/rest/system', undefined, {
        ...call,
        signal: call.signal === undefined ? bound : AbortSignal.any([call.signal, bound]),
      });
      const version = (response as { version?: unknown } | null)?.version;
      return typeof version === 'string' && version !== '' ? version : null;
    } catch {
      return null;
    }
  }

  /**
   * Sends one request to SC's REST API and returns the envelope's content, retrying transient
   * failures and refreshing the keys once when SC rejects them. With a deadline, the call ends
   * before it does: attempts are bounded by the time left, a retry is made only when its wait and
   * an attempt still fit, and an attempt the deadline cuts off ends the call with `SC_DEADLINE`.
   */
  async call(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    options: CallOptions = {},
  ): Promise<ScResponse> {
    const label = `${method} ${path.split('?')[0]}`;
    const { keyProvider, retry, clock, deadline } = this.options;
    const end = callEnd(deadline, clock);
    // The caller's signal and close(): either stops the attempts and the waits between them.
    const stop = new WorkSignal([options.signal, this.closing.signal]);
    try {
      let keys = await keyProvider.current();
      let refreshed = false;
      let resubmitted = false;
      let attempt = 0;
      for (;;) {
        if (stop.signal.aborted) throw this.closing.signal.aborted ? closedError(label) : abortedError(label);
        const left = end - clock();
        if (left < MIN_ATTEMPT_MS) {
          throw withAttempts(deadlineError(label, 'before', deadline?.marginMs ?? 0), attempt);
        }
        attempt += 1;
        const started = performance.now();
        const exchange = this.exchange(method, path, body, keys, label, options, stop.signal, left);
        this.exchanges.add(exchange);
        const outcome = await exchange.finally(() => this.exchanges.delete(exchange));
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
          if (delay + MIN_ATTEMPT_MS <= end - clock()) {
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
              await retry.sleep(delay, stop.signal);
            } catch {
              throw this.closing.signal.aborted ? closedError(label) : abortedError(label);
            }
            continue;
          }
          // The wait and another attempt no longer fit before the deadline: what SC did is the error.
          this.logger?.warn('SC call failed and no time is left before the deadline for another attempt.', {
            request: label,
            attempt,
            code: outcome.error.code,
          });
        }
        throw withAttempts(outcome.error, attempt);
      }
    } finally {
      stop.dispose();
    }
  }

  /** One HTTP exchange, bounded by `budgetMs` (the time left before the call's deadline). */
  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    keys: ScApiKeys,
    label: string,
    options: CallOptions,
    stop: AbortSignal,
    budgetMs: number,
  ): Promise<Answer> {
    const url = new URL(this.baseUrl.pathname.replace(/\/$/, '') + path, this.baseUrl);
    const headers: Record<string, string> = {
      'x-apikey': keys.headerValue(),
      'user-agent': this.userAgent,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const { timeouts } = this.options;
    // The deadline shortens undici's own timeouts and, for a body that trickles in, ends the whole
    // exchange when the budget is spent.
    const work = new WorkSignal([stop], budgetMs);
    const page = options.splitResults === true;
    try {
      const res = await dispatchRequest(this.dispatcher, {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        signal: work.signal,
        ...(budgetMs < timeouts.headersMs ? { headersTimeout: Math.ceil(budgetMs) } : {}),
        ...(budgetMs < timeouts.bodyMs ? { bodyTimeout: Math.ceil(budgetMs) } : {}),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return await readAnswer(res, {
        keys,
        label,
        page,
        rowFields: options.rowFields,
        limit: options.maxBodyBytes ?? MAX_RESPONSE_BYTES,
        pool: this.pages,
        now: this.options.clock(),
        maxDelayMs: this.options.retry.maxDelayMs,
      });
    } catch (err) {
      if (err instanceof BodyOverLimit) return { kind: 'fail', error: tooLargeError(label, err, page) };
      if (work.expired || shortenedTimeoutFired(err, budgetMs, timeouts)) {
        return {
          kind: 'fail',
          error: deadlineError(label, 'in-flight', this.options.deadline?.marginMs ?? 0),
        };
      }
      if (this.closing.signal.aborted) return { kind: 'fail', error: closedError(label) };
      return classifyNetworkError(err, label, this.baseUrl.host);
    } finally {
      work.dispose();
    }
  }

  /**
   * Closes pooled connections. Requests still in flight get a short grace (1 s) to finish, then are
   * cut off (their calls fail with `SC_ABORTED`): a hung SC never holds close() up. The client
   * cannot be used afterwards.
   */
  close(): Promise<void> {
    this.closed ??= this.shutDown();
    return this.closed;
  }

  private async shutDown(): Promise<void> {
    const closed = this.ownsDispatcher
      ? this.dispatcher.close()
      : Promise.allSettled([...this.exchanges]).then(() => {});
    const inTime = await settlesWithin(closed, CLOSE_GRACE_MS);
    // Also ends calls waiting between retries, which hold no request close() could wait for.
    this.closing.abort();
    if (!inTime && this.ownsDispatcher) await this.dispatcher.destroy();
  }
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
