import { ErrorCode, Sc2awsError } from '#lib/errors';

/**
 * The codes an {@link ScError} carries: the SC client's part of {@link ErrorCode}. Callers branch
 * on these, never on message text. The CLI and the Lambdas group them as bad input, rejected keys,
 * or a reachability problem worth retrying later (cli/exit-codes.ts).
 */
export const SC_ERROR_CODES = [
  ErrorCode.ScConfig,
  ErrorCode.ScKeysRejected,
  ErrorCode.ScApiKeysDisabled,
  ErrorCode.ScTokenAndKeys,
  ErrorCode.ScPermissionDenied,
  ErrorCode.ScInvalidQuery,
  ErrorCode.ScRequestRejected,
  ErrorCode.ScTransient,
  ErrorCode.ScUnreachable,
  ErrorCode.ScTimeout,
  ErrorCode.ScTls,
  ErrorCode.ScProtocol,
  ErrorCode.ScPagingStalled,
  ErrorCode.ScPagingShort,
  ErrorCode.ScAborted,
  ErrorCode.ScDeadline,
] as const;
export type ScErrorCode = (typeof SC_ERROR_CODES)[number];

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

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...this.details };
  }
}

/** True when `err` is an {@link ScError}, optionally with one of the given codes. */
export function isScError(err: unknown, ...codes: ScErrorCode[]): err is ScError {
  return err instanceof ScError && (codes.length === 0 || codes.includes(err.code));
}
