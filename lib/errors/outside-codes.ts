/**
 * Codes other software puts on its errors: Node (sockets, DNS, files, aborts), undici and
 * OpenSSL. They are not ours (see `ErrorCode`): they are matched only to classify an outside error
 * once, where it enters (the SC client, the Secrets Manager read, the local store), and the result
 * is always one of our codes. Kept here so each outside spelling exists once.
 */

/** undici's codes (undici lib/core/errors.js) that the SC client reacts to. */
export const UndiciCode = {
  Aborted: 'UND_ERR_ABORTED',
  ConnectTimeout: 'UND_ERR_CONNECT_TIMEOUT',
  HeadersTimeout: 'UND_ERR_HEADERS_TIMEOUT',
  BodyTimeout: 'UND_ERR_BODY_TIMEOUT',
} as const;

/** Node's codes that are matched one by one. */
export const NodeCode = {
  /** An AbortSignal ended the operation. */
  Aborted: 'ABORT_ERR',
  /** DNS: the host name does not exist. */
  HostNotFound: 'ENOTFOUND',
  /** fs: no such file or directory. */
  NoSuchFile: 'ENOENT',
} as const;

/** Socket and DNS codes of a connection that could not be made; both callers retry them. */
const CONNECT_FAILURES = ['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'];

/** A connection to SC could not be made, through undici (the SC client retries these). */
export const CONNECT_FAILURE_CODES: ReadonlySet<string> = new Set([
  ...CONNECT_FAILURES,
  UndiciCode.ConnectTimeout,
]);

/** Socket and DNS failures as they come out of the AWS SDK's HTTP handler: the network, transient. */
export const NETWORK_FAILURE_CODES: ReadonlySet<string> = new Set([
  ...CONNECT_FAILURES,
  NodeCode.HostNotFound,
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
]);

/** OpenSSL's and Node's certificate verification failures: the certificate is not trusted for the host. */
const TLS_FAILURE_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** True for a TLS handshake failure: the listed codes, and Node's `ERR_SSL_*` / `ERR_TLS_*` families. */
export function isTlsFailureCode(code: string): boolean {
  return TLS_FAILURE_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS');
}
