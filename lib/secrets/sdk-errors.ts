import { NETWORK_FAILURE_CODES, Sc2awsError } from '#lib/errors';
import {
  SecretAccessDeniedError,
  type SecretLocation,
  SecretNotFoundError,
  SecretUnavailableError,
} from './errors';

/**
 * Turns whatever GetSecretValue threw into one of our typed errors, once, where it enters.
 *
 * The mapping goes by the error's `name` (Secrets Manager's error codes, the SDK's own names) and,
 * for socket errors, Node's `code`. The SDK error is kept as `cause` only as a sanitized copy:
 * SDK errors can carry the raw HTTP response (`$response`, whose body would be the secret on a
 * deserialization failure) and unmodeled members copied from the response, so neither is kept.
 */

const NOT_FOUND: Record<string, SecretNotFoundError['reason']> = {
  ResourceNotFoundException: 'missing',
  InvalidRequestException: 'invalid-request',
  InvalidParameterException: 'invalid-parameter',
};

const ACCESS_DENIED: Record<string, SecretAccessDeniedError['reason']> = {
  AccessDeniedException: 'denied',
  AccessDenied: 'denied',
  DecryptionFailure: 'kms',
  CredentialsProviderError: 'credentials',
  UnrecognizedClientException: 'credentials',
  InvalidClientTokenId: 'credentials',
  InvalidSignatureException: 'credentials',
  IncompleteSignature: 'credentials',
  MissingAuthenticationToken: 'credentials',
  ExpiredToken: 'credentials',
  ExpiredTokenException: 'credentials',
};

const UNAVAILABLE: Record<string, SecretUnavailableError['reason']> = {
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  TooManyRequestsException: 'throttled',
  RequestLimitExceeded: 'throttled',
  InternalServiceError: 'service',
  InternalFailure: 'service',
  ServiceUnavailable: 'service',
  ServiceUnavailableException: 'service',
  TimeoutError: 'network',
  RequestTimeout: 'network',
  RequestTimeoutException: 'network',
  NetworkingError: 'network',
};

/**
 * The typed error for a failed GetSecretValue of `location`. Our own errors pass through untouched.
 */
export function toSecretReadError(err: unknown, location: SecretLocation): Sc2awsError {
  if (err instanceof Sc2awsError) return err;
  const sdkErrorName = errorName(err);
  const options = { sdkErrorName, cause: sanitizedCause(err, sdkErrorName) };
  const notFound = NOT_FOUND[sdkErrorName];
  if (notFound) return new SecretNotFoundError(location, notFound, options);
  const denied = ACCESS_DENIED[sdkErrorName];
  if (denied) return new SecretAccessDeniedError(location, denied, options);
  const code = isRecord(err) && typeof err.code === 'string' ? err.code : '';
  const fault = isRecord(err) ? err.$fault : undefined;
  const reason =
    UNAVAILABLE[sdkErrorName] ??
    (NETWORK_FAILURE_CODES.has(code) ? 'network' : fault === 'server' ? 'service' : 'unexpected');
  return new SecretUnavailableError(location, reason, options);
}

/**
 * A plain Error with the SDK error's name, scrubbed message, stack frames, `code`, `$fault` and
 * request metadata (request id, status, attempts) — what support needs, nothing from the response.
 */
function sanitizedCause(err: unknown, name: string): Error {
  const raw = isRecord(err) && typeof err.message === 'string' ? err.message : String(err);
  const cause = new Error(scrubMessage(raw));
  cause.name = name;
  if (!isRecord(err)) return cause;
  if (typeof err.stack === 'string') {
    const frames = err.stack.split('\n').filter((line) => /^\s+at /.test(line));
    cause.stack = [`${name}: ${cause.message}`, ...frames].join('\n');
  }
  const extra: Record<string, unknown> = {};
  if (typeof err.code === 'string') extra.code = err.code;
  if (err.$fault === 'client' || err.$fault === 'server') extra.$fault = err.$fault;
  if (isRecord(err.$metadata)) {
    const { httpStatusCode, requestId, extendedRequestId, cfId, attempts, totalRetryDelay } = err.$metadata;
    extra.$metadata = Object.fromEntries(
      Object.entries({
        httpStatusCode,
        requestId,
        extendedRequestId,
        cfId,
        attempts,
        totalRetryDelay,
      }).filter(([, value]) => typeof value === 'string' || typeof value === 'number'),
    );
  }
  return Object.assign(cause, extra);
}

/**
 * Service messages never include the secret value, but an unknown error might echo anything:
 * cut it short and blank out what looks like a key or an x-apikey header.
 */
function scrubMessage(message: string): string {
  return message
    .slice(0, 500)
    .replace(/(accesskey|secretkey)\s*[=:]\s*[^\s;,"']*/gi, '$1=[redacted]')
    .replace(/[0-9a-f]{32,}/gi, '[redacted]');
}

function errorName(err: unknown): string {
  const name = isRecord(err) && typeof err.name === 'string' ? err.name : '';
  // Names are ours to print: keep them short and plain.
  const plain = name.replace(/[^A-Za-z0-9_.:-]/g, '').slice(0, 64);
  return plain === '' ? 'UnknownError' : plain;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
