import { Sc2awsError } from '#lib/errors';

/** Stable codes of key validation and rotation. */
export const RotationErrorCode = {
  /** The secret has no rotation configured, yet a rotation step was invoked. */
  NotEnabled: 'ROTATION_NOT_ENABLED',
  /** The ClientRequestToken is not a version of the secret. */
  UnknownToken: 'ROTATION_TOKEN_UNKNOWN',
  /** The token's version is neither AWSCURRENT nor AWSPENDING. */
  NotPending: 'ROTATION_TOKEN_NOT_PENDING',
  /** createSecret found no keys staged for the rotation. */
  NothingStaged: 'ROTATION_NOTHING_STAGED',
  /** The keys work but belong to another SC user than the one configured. */
  WrongUser: 'KEYS_WRONG_USER',
  /** Secrets Manager refused a write (PutSecretValue, RotateSecret). */
  WriteFailed: 'SECRET_WRITE_FAILED',
  /** An event the function does not handle. */
  UnknownEvent: 'EVENT_UNSUPPORTED',
} as const;
export type RotationErrorCode = (typeof RotationErrorCode)[keyof typeof RotationErrorCode];

export class RotationError extends Sc2awsError {
  override readonly code: RotationErrorCode;
  constructor(code: RotationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.code = code;
  }
}

/**
 * The staging label `sc2aws keys stage` puts on new keys. Not AWSPENDING: Secrets Manager attaches
 * AWSPENDING to the rotation's own token version, and RotateSecret refuses to start while
 * AWSPENDING sits on a version other than AWSCURRENT (RotateSecret API reference). createSecret
 * copies the staged keys into the token version; finishSecret removes this label again.
 */
export const STAGED_LABEL = 'SC2AWS_STAGED';

/** The operator's next step when nothing is staged: SC has no key-generation API (reference §6). */
export function stagingHelp(secretId: string): string {
  return `Generate new API keys for the service user in SC (Users > Edit User > API Keys > Generate), then run: sc2aws keys stage --secret-id ${secretId} --url https://<your SC> --keys-file <file with the new keys> --rotate`;
}
