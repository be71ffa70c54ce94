import type { Dispatcher } from 'undici';
import { ErrorCode } from '#lib/errors';
import type { LogSink } from '#lib/logging';
import type { ScApiKeys } from '#lib/secrets';
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_CONNECTIONS,
  DEFAULT_DEADLINE_MARGIN_MS,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_PAGE_BYTES,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
} from './constants';
import type { ScDeadline } from './deadline';
import { ScError, type ScErrorCode } from './errors';
import { abortableSleep, type RetryPolicy } from './retry';

/**
 * Where the client gets its keys. `refresh` is called once after SC rejects the keys: if the secret
 * was rotated meanwhile, the request is retried with the new pair (DESIGN: force-refresh on an auth
 * failure).
 */
export interface KeyProvider {
  current(): Promise<ScApiKeys>;
  refresh?(): Promise<ScApiKeys>;
}

export interface ScClientOptions {
  /** SC's base address, e.g. `https://sc.example.com` (a path prefix is kept; a trailing `/rest` is dropped). */
  url: string;
  /** The API keys, or where to get them. */
  keys: ScApiKeys | KeyProvider;
  /** PEM bundle of CAs to trust instead of the system store (SC often runs on a private CA). */
  ca?: string;
  /** Skip TLS certificate checks. Logged as a warning on every client creation. */
  insecureSkipTlsVerify?: boolean;
  /** Allow `http://` — only ever for loopback hosts (tests, a local simulator). */
  allowInsecureHttp?: boolean;
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  retry?: Partial<RetryPolicy>;
  /** Size of the keep-alive connection pool. */
  connections?: number;
  /** The vendor in the User-Agent Tenable asks integrators to send. */
  userAgentVendor?: string;
  logger?: LogSink;
  /** Replaces the HTTP dispatcher (tests use undici's MockAgent); TLS options are then ignored. */
  dispatcher?: Dispatcher;
  /** Wall clock in epoch ms, for Retry-After dates and the deadline. */
  clock?: () => number;
  /** Called after every HTTP exchange (for latency, retry and error metrics). */
  onAttempt?: (attempt: AttemptInfo) => void;
  /**
   * The invocation's time left, in ms (Lambda's `context.getRemainingTimeInMillis`), read at the
   * start of every call. Each call ends `marginMs` (default 2 s) before it runs out: its attempts'
   * timeouts, its waits between retries and its number of attempts all fit in what is left, and a
   * call the deadline ends fails with `SC_DEADLINE`. Without it, calls are bounded only by the
   * timeouts and attempts.
   */
  deadline?: { remainingMs: () => number; marginMs?: number };
  /** The most an analysis page may weigh, in bytes (default 64 MiB); other answers are capped at 1 MiB. */
  maxPageBytes?: number;
}

/** What {@link ScClientOptions.onAttempt} learns about one exchange. Never holds key material. */
export interface AttemptInfo {
  request: string;
  attempt: number;
  durationMs: number;
  outcome: 'ok' | 'retry' | 'auth' | 'fail';
  /** The code of the error the exchange ended in (also the `code` dimension of `ScErrors`). */
  code?: ScErrorCode;
}

/** Options after validation, with every default filled in. */
export interface ResolvedScClientOptions {
  baseUrl: URL;
  keyProvider: KeyProvider;
  ca?: string;
  insecureSkipTlsVerify: boolean;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  retry: RetryPolicy;
  connections: number;
  userAgentVendor?: string;
  logger?: LogSink;
  dispatcher?: Dispatcher;
  clock: () => number;
  onAttempt?: (attempt: AttemptInfo) => void;
  deadline?: ScDeadline;
  maxPageBytes: number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function configError(message: string): ScError {
  return new ScError(ErrorCode.ScConfig, message);
}

/** True for hosts that never leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Checks SC's base URL: https only (http only for loopback and when explicitly allowed), no
 * credentials, query or fragment. Throws `SC_CONFIG` with the fix.
 */
export function parseBaseUrl(url: string, allowInsecureHttp = false): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw configError(
      `The SC URL "${url.slice(0, 200)}" is not a valid URL. Give SC's base address, e.g. https://sc.example.com`,
    );
  }
  if (parsed.protocol === 'http:') {
    if (!isLoopbackHost(parsed.hostname)) {
      throw configError(
        `The SC URL uses plain http (${parsed.host}): API keys would cross the network unencrypted. Use https://${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`,
      );
    }
    if (!allowInsecureHttp) {
      throw configError(
        `The SC URL uses plain http. That is only allowed for a loopback host and with the explicit allow-insecure-http option; use https://.`,
      );
    }
  } else if (parsed.protocol !== 'https:') {
    throw configError(
      `The SC URL must start with https:// (got "${parsed.protocol}"). Example: https://sc.example.com`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw configError(
      'The SC URL must not contain a user name or password. Remove them; the API keys authenticate.',
    );
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw configError('The SC URL must not contain a query string or fragment. Give only the base address.');
  }
  // Accept "https://sc/rest" and "https://sc/" alike: requests append "/rest/…" themselves.
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\/rest$/i, '');
  parsed.pathname = path === '' ? '/' : path;
  return parsed;
}

function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw configError(`The ${name} must be a positive number of milliseconds (got ${value}), e.g. 30000.`);
  }
  return value;
}

function isKeyProvider(keys: ScApiKeys | KeyProvider): keys is KeyProvider {
  return typeof (keys as KeyProvider).current === 'function';
}

/** Validates the options and fills in defaults. Throws `SC_CONFIG` before anything is sent. */
export function resolveOptions(options: ScClientOptions): ResolvedScClientOptions {
  const baseUrl = parseBaseUrl(options.url, options.allowInsecureHttp ?? false);
  if (options.ca !== undefined && !options.ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw configError(
      'The CA bundle is not PEM: it holds no "-----BEGIN CERTIFICATE-----" block. Export SC\'s CA certificate as PEM (base64) and pass that file.',
    );
  }
  const keys = options.keys;
  const keyProvider: KeyProvider = isKeyProvider(keys) ? keys : { current: async () => keys };
  const maxAttempts = options.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw configError(`The retry attempts must be a whole number from 1 to 20 (got ${maxAttempts}).`);
  }
  const connections = options.connections ?? DEFAULT_CONNECTIONS;
  if (!Number.isInteger(connections) || connections < 1 || connections > 64) {
    throw configError(`The connection pool size must be a whole number from 1 to 64 (got ${connections}).`);
  }
  const maxPageBytes = options.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES;
  if (!Number.isSafeInteger(maxPageBytes) || maxPageBytes < 1) {
    throw configError(
      `The page byte cap must be a whole number of bytes (got ${maxPageBytes}), e.g. 67108864.`,
    );
  }
  const marginMs = options.deadline?.marginMs ?? DEFAULT_DEADLINE_MARGIN_MS;
  if (!Number.isFinite(marginMs) || marginMs < 0) {
    throw configError(
      `The deadline margin must be a number of milliseconds >= 0 (got ${marginMs}), e.g. 2000.`,
    );
  }
  return {
    baseUrl,
    keyProvider,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    insecureSkipTlsVerify: options.insecureSkipTlsVerify ?? false,
    timeouts: {
      connectMs: positiveMs('connect timeout', options.timeouts?.connectMs, DEFAULT_CONNECT_TIMEOUT_MS),
      headersMs: positiveMs('headers timeout', options.timeouts?.headersMs, DEFAULT_HEADERS_TIMEOUT_MS),
      bodyMs: positiveMs('body timeout', options.timeouts?.bodyMs, DEFAULT_BODY_TIMEOUT_MS),
    },
    retry: {
      maxAttempts,
      baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
      maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
      random: options.retry?.random ?? Math.random,
      sleep: options.retry?.sleep ?? abortableSleep,
    },
    connections,
    ...(options.userAgentVendor === undefined ? {} : { userAgentVendor: options.userAgentVendor }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    clock: options.clock ?? Date.now,
    ...(options.onAttempt === undefined ? {} : { onAttempt: options.onAttempt }),
    ...(options.deadline === undefined
      ? {}
      : { deadline: { remainingMs: options.deadline.remainingMs, marginMs } }),
    maxPageBytes,
  };
}
