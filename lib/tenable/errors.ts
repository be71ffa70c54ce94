import { Sc2awsError } from '#lib/errors';

/**
 * Stable codes of the SC client's errors. Callers branch on these, never on message text.
 * `exitClass` groups them the way the CLI and the Lambdas react: bad input, rejected keys,
 * or a reachability problem worth retrying later.
 */
export const ScErrorCode = {
  /** The base URL or an option is invalid; nothing was sent. */
  Config: 'SC_CONFIG',
  /** SC refused the API keys (regenerated, deleted, locked user, wrong pair). */
  KeysRejected: 'SC_KEYS_REJECTED',
  /** API-key authentication is switched off on the SC server. */
  ApiKeysDisabled: 'SC_API_KEYS_DISABLED',
  /** The request carried a session token and API keys together (documented 400). */
  TokenAndKeys: 'SC_TOKEN_AND_KEYS',
  /** The keys work but the user may not see what was asked for (error 146 on a repository). */
  PermissionDenied: 'SC_PERMISSION_DENIED',
  /** SC refused the query itself (unknown filter, bad filter value, bad tool). */
  InvalidQuery: 'SC_INVALID_QUERY',
  /** Any other refusal from SC, with SC's own message. */
  RequestRejected: 'SC_REQUEST_REJECTED',
  /** 429/5xx/"database is locked"/resets kept happening until the attempts ran out. */
  Transient: 'SC_TRANSIENT',
  /** No connection could be made (DNS, refused, connect timeout). */
  Unreachable: 'SC_UNREACHABLE',
  /** SC did not answer (headers or body) within the timeout. */
  Timeout: 'SC_TIMEOUT',
  /** The TLS handshake failed: unknown CA, wrong host name, expired certificate. */
  Tls: 'SC_TLS',
  /** The answer was not SC's JSON envelope: HTML page, truncated or non-JSON body. */
  Protocol: 'SC_PROTOCOL',
  /** The caller's deadline or abort signal ended the request. */
  Aborted: 'SC_ABORTED',
} as const;
export type ScErrorCode = (typeof ScErrorCode)[keyof typeof ScErrorCode];

/** What SC said, for diagnostics. Never holds key material (bodies are scrubbed first). */
export interface ScErrorDetails {
  /** HTTP status, when a response arrived. */
  status?: number;
  /** SC's `error_code` from the envelope, when there was one. */
  scErrorCode?: number;
  /** SC's `error_msg`, trimmed and scrubbed. */
  scErrorMessage?: string;
  /** `METHOD /rest/path` of the request. */
  request?: string;
  /** Attempts made, including the first. */
  attempts?: number;
}

/** Base class of every error the SC client raises. */
export class ScError extends Sc2awsError {
  override readonly code: ScErrorCode;
  readonly details: ScErrorDetails;

  constructor(
    code: ScErrorCode,
    message: string,
    details: ScErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.code = code;
    this.details = details;
  }

  /** True for errors that may go away by themselves (retry the run later). */
  get transient(): boolean {
    return (
      this.code === ScErrorCode.Transient ||
      this.code === ScErrorCode.Unreachable ||
      this.code === ScErrorCode.Timeout
    );
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...this.details };
  }
}

/** True when `err` is an {@link ScError}, optionally with one of the given codes. */
export function isScError(err: unknown, ...codes: ScErrorCode[]): err is ScError {
  return err instanceof ScError && (codes.length === 0 || codes.includes(err.code));
}
