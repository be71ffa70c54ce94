import { ErrorCode } from './codes';

/**
 * The one error hierarchy of sc2aws.
 *
 * Every error the product raises is an {@link Sc2awsError} with a stable `code` from
 * {@link ErrorCode} that callers branch on (never on message text), a message that names what
 * happened, the likely cause and the fix, and an optional `cause`. Outside errors (HTTP, SDK) are
 * wrapped once where they enter; our own errors pass through untouched.
 *
 * Messages and causes must never carry key material: wrap outside errors with
 * {@link Sc2awsError} only after scrubbing anything that could echo a request header.
 *
 * @example
 * ```ts
 * try { await client.currentUser(); }
 * catch (err) {
 *   if (isSc2awsError(err) && err.code === ErrorCode.ScKeysRejected) { ... }
 * }
 * ```
 */
export class Sc2awsError extends Error {
  /** Stable, machine-readable identifier, e.g. `SC_KEYS_REJECTED`. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }

  /** A plain, log-safe view: no stack, no cause chain beyond codes and messages. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** True when `err` is one of ours (it carries a stable `code`). */
export function isSc2awsError(err: unknown): err is Sc2awsError {
  return err instanceof Sc2awsError;
}

/**
 * The code to report for any thrown value: ours as it is, anything else as `INTERNAL`.
 *
 * @example
 * ```ts
 * logger.error('Export failed.', { code: codeOf(err) });
 * ```
 */
export function codeOf(err: unknown): ErrorCode {
  return err instanceof Sc2awsError ? err.code : ErrorCode.Internal;
}
