import { CONNECT_FAILURE_CODES, ErrorCode, isTlsFailureCode, NodeCode, UndiciCode } from '#lib/errors';
import { MAX_DIAGNOSTIC_BODY_CHARS } from './constants';
import { type EnvelopeProblem, parseEnvelope, type ScEnvelope } from './envelope';
import { ScError, type ScErrorDetails } from './errors';

/** What to do with one HTTP exchange. */
export type Outcome =
  | { kind: 'ok'; envelope: ScEnvelope }
  /** Worth another attempt; `error` is what the caller sees when attempts run out. */
  | { kind: 'retry'; error: ScError; retryAfterMs?: number }
  /**
   * SC refused the keys: refresh them once, then give up. `resubmitOnce`: the refusal may be
   * transient, so the same request is sent once more first (see {@link refusal}).
   */
  | { kind: 'auth'; error: ScError; resubmitOnce?: true }
  | { kind: 'fail'; error: ScError };

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

const KEYS_FIX =
  'Fix: generate a new key pair for the service user in SC (Users > Edit User > API Keys > Generate), store it with `sc2aws keys stage`, then check it with `sc2aws validate`.';

const PROBLEM_TEXT: Record<EnvelopeProblem, string> = {
  empty: 'an empty body',
  html: 'an HTML page instead of JSON',
  truncated: 'a JSON body that was cut off',
  'not-json': 'a body that is not JSON',
  'not-envelope': "JSON without SC's response envelope (no error_code)",
};

function describe(envelope: ScEnvelope | undefined): string {
  if (envelope === undefined || envelope.errorMessage === '') return 'no reason given';
  return `SC says: "${envelope.errorMessage.slice(0, MAX_DIAGNOSTIC_BODY_CHARS)}"`;
}

function detailsOf(status: number, request: string, envelope?: ScEnvelope): ScErrorDetails {
  return {
    status,
    request,
    ...(envelope === undefined
      ? {}
      : {
          scErrorCode: envelope.errorCode,
          scErrorMessage: envelope.errorMessage.slice(0, MAX_DIAGNOSTIC_BODY_CHARS),
        }),
  };
}

/** Refusals that name their cause in SC's message. Checked before the generic "keys rejected". */
function refusal(status: number, request: string, envelope: ScEnvelope | undefined): Outcome {
  const msg = envelope?.errorMessage ?? '';
  const details = detailsOf(status, request, envelope);
  const said = describe(envelope);
  if (/token/i.test(msg) && /api ?key/i.test(msg)) {
    return {
      kind: 'fail',
      error: new ScError(
        ErrorCode.ScTokenAndKeys,
        `SC refused ${request} because the request carried a session token and API keys together (HTTP ${status}; ${said}). sc2aws never sends a token itself, so a proxy between sc2aws and SC is adding one. Fix: stop the proxy from adding X-SecurityCenter headers or cookies.`,
        details,
      ),
    };
  }
  if (/api ?key/i.test(msg) && /(disabled|not enabled|not allowed)/i.test(msg)) {
    return {
      kind: 'fail',
      error: new ScError(
        ErrorCode.ScApiKeysDisabled,
        `SC refused ${request}: API-key authentication is switched off on this SC server (HTTP ${status}; ${said}). Fix: an SC administrator enables "Allow API Keys" in System > Configuration > Security.`,
        details,
      ),
    };
  }
  if (envelope?.errorCode === 146 && /access/i.test(msg)) {
    return {
      kind: 'fail',
      error: new ScError(
        ErrorCode.ScPermissionDenied,
        `SC refused ${request}: the keys are valid but the user may not see this data (HTTP ${status}; ${said}). Fix: give the user's group access to the repositories, or drop those repositories from the query.`,
        details,
      ),
    };
  }
  if (envelope !== undefined && (envelope.errorCode === 146 || envelope.errorCode === 142)) {
    return {
      kind: 'fail',
      error: new ScError(
        ErrorCode.ScInvalidQuery,
        `SC refused the query of ${request} as invalid (HTTP ${status}; ${said}). Fix: correct the filter names and values (epoch ranges use "start-end", relative days "end:start").`,
        details,
      ),
    };
  }
  // SC answers bad keys with 400 (documented), 401, or 403 with error_code 0 and no message (SC 5.20,
  // reference §1.2). A session-token error (code 12) also means "not authenticated".
  // SC's API-key documentation ("Error States") adds that a 400 while SC recognizes the keys can come
  // from a database error and that the request may be resubmitted: so a 400 is sent once more before
  // it counts as rejected keys. 401 and 403 have no such note.
  if (
    status === 401 ||
    ((status === 400 || status === 403) &&
      (envelope === undefined ||
        envelope.errorCode === 0 ||
        envelope.errorCode === 12 ||
        /invalid|key|auth/i.test(msg)))
  ) {
    return {
      kind: 'auth',
      ...(status === 400 ? { resubmitOnce: true as const } : {}),
      error: new ScError(
        ErrorCode.ScKeysRejected,
        `SC rejected the API keys on ${request} (HTTP ${status}; ${said}). Likely causes: the keys were regenerated in SC (the old pair stops working at once), the keys were deleted, the user is locked or deleted, or the access and secret keys were swapped. ${KEYS_FIX}`,
        details,
      ),
    };
  }
  return {
    kind: 'fail',
    error: new ScError(
      ErrorCode.ScRequestRejected,
      `SC refused ${request} (HTTP ${status}, error ${envelope?.errorCode ?? 'n/a'}; ${said}). Fix: check the request against SC's API documentation; this is not a key problem.`,
      details,
    ),
  };
}

/**
 * Decides what one HTTP answer means. HTTP status first, then SC's `error_code` (SC 5.20 sends
 * auth failures as 403 with error_code 0, reference §1.2). `scrub` cleans SC's `error_msg` after
 * JSON decoding, before any message quotes it: a key SC echoes with JSON escapes (`\u0061…`) is
 * invisible to a scrub of the raw body.
 */
export function classifyResponse(
  status: number,
  body: string,
  request: string,
  retryAfterMs: number | undefined,
  scrub: (text: string) => string = (text) => text,
): Outcome {
  const parsed = parseEnvelope(body);
  const envelope = parsed.ok
    ? { ...parsed.envelope, errorMessage: scrub(parsed.envelope.errorMessage) }
    : undefined;
  const locked = /database is locked/i.test(envelope?.errorMessage ?? body.slice(0, 2000));
  if (RETRYABLE_STATUS.has(status) || locked) {
    const what = locked ? 'SC reported "database is locked"' : `SC answered HTTP ${status}`;
    return {
      kind: 'retry',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      error: new ScError(
        ErrorCode.ScTransient,
        `${what} on ${request} and kept doing so until the retries ran out. SC is overloaded, restarting or busy importing scans. Fix: nothing to change; the next scheduled run retries. If it persists, check SC's health and the load of large queries.`,
        detailsOf(status, request, envelope),
      ),
    };
  }
  if (status >= 400) return refusal(status, request, envelope);
  if (!parsed.ok) {
    const cutOff = parsed.problem === 'truncated' || parsed.problem === 'empty';
    const error = new ScError(
      ErrorCode.ScProtocol,
      `SC's answer to ${request} was ${PROBLEM_TEXT[parsed.problem]} (HTTP ${status}). ${
        cutOff
          ? 'The connection or a proxy cut the response short. Fix: nothing to change if it is rare; otherwise check proxies and SC timeouts.'
          : "The URL probably points at something other than SC's REST API (a portal, proxy login or load balancer page). Fix: use SC's base address, e.g. https://sc.example.com."
      }`,
      { status, request },
    );
    return cutOff ? { kind: 'retry', error } : { kind: 'fail', error };
  }
  if (parsed.envelope.errorCode !== 0) return refusal(status, request, envelope);
  return { kind: 'ok', envelope: parsed.envelope };
}

function errorCodeOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The error for a call its caller stopped (deadline, abort signal). */
export function abortedError(request: string): ScError {
  return new ScError(
    ErrorCode.ScAborted,
    `${request} was stopped before SC answered because the caller's time ran out. Fix: none needed; the work resumes on the next run.`,
    { request },
  );
}

/** Decides what a failed exchange (no usable answer) means. */
export function classifyNetworkError(err: unknown, request: string, host: string): Outcome {
  const code = errorCodeOf(err) ?? 'UNKNOWN';
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || code === UndiciCode.Aborted || code === NodeCode.Aborted) {
    return { kind: 'fail', error: abortedError(request) };
  }
  if (isTlsFailureCode(code)) {
    return {
      kind: 'fail',
      error: new ScError(
        ErrorCode.ScTls,
        `TLS check of ${host} failed (${code}): the certificate is not trusted for this host. SC often runs on a self-signed or private-CA certificate. Fix: give SC's CA certificate as a PEM bundle (--ca-file, or SC_CA_BUNDLE in Lambda); check the URL's host name matches the certificate.`,
        { request },
        { cause: err },
      ),
    };
  }
  if (code === UndiciCode.HeadersTimeout || code === UndiciCode.BodyTimeout) {
    return {
      kind: 'retry',
      error: new ScError(
        ErrorCode.ScTimeout,
        `SC did not answer ${request} in time (${code === UndiciCode.HeadersTimeout ? 'no response headers' : 'the body stalled'}) on every attempt. SC may be overloaded by a large query. Fix: narrow the query (severity floor, smaller pages) or raise the timeouts.`,
        { request },
        { cause: err },
      ),
    };
  }
  if (code === NodeCode.HostNotFound) {
    return {
      kind: 'fail',
      error: new ScError(
        ErrorCode.ScUnreachable,
        `The SC host ${host} does not resolve (ENOTFOUND). Fix: check the URL; in Lambda, check the VPC's DNS settings.`,
        { request },
        { cause: err },
      ),
    };
  }
  if (CONNECT_FAILURE_CODES.has(code)) {
    return {
      kind: 'retry',
      error: new ScError(
        ErrorCode.ScUnreachable,
        `Could not connect to SC at ${host} (${code}). Fix: check that SC is up and that this network reaches it (in Lambda: VPC subnets, security groups, VPN or Direct Connect route).`,
        { request },
        { cause: err },
      ),
    };
  }
  return {
    kind: 'retry',
    error: new ScError(
      ErrorCode.ScTransient,
      `The connection to SC broke during ${request} (${code}) on every attempt. Fix: nothing to change if it is rare; otherwise check proxies, load balancers and SC's logs.`,
      { request },
      { cause: err },
    ),
  };
}
