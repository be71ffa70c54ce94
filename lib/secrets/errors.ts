import { ErrorCode, Sc2awsError } from '#lib/errors';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, DEFAULT_VERSION_STAGE, SECRET_FORMAT_FIX } from './constants';

/** Which secret value a read was about: the secret and the stage or version id asked for. */
export interface SecretLocation {
  secretId: string;
  versionStage?: string;
  versionId?: string;
}

/** `secret "<id>" (stage AWSCURRENT)` or `secret "<id>" (version "<id>")`, for messages. */
function describeLocation(location: SecretLocation): string {
  const which =
    location.versionId !== undefined
      ? `version "${location.versionId}"`
      : `stage ${location.versionStage ?? DEFAULT_VERSION_STAGE}`;
  return `secret "${location.secretId}" (${which})`;
}

/**
 * The secret's value is not a pair of SC API keys we can use. `problem` says what is wrong in
 * words that never quote key material; the message adds which secret (when known) and the fix.
 */
export class SecretFormatError extends Sc2awsError {
  declare readonly code: typeof ErrorCode.SecretFormat;
  /** What is wrong, log-safe, without the secret's name or the fix. */
  readonly problem: string;
  readonly location: SecretLocation | undefined;
  readonly fix: string;

  constructor(problem: string, options: { location?: SecretLocation; fix?: string } = {}) {
    const fix = options.fix ?? SECRET_FORMAT_FIX;
    const subject = options.location
      ? `The value of ${describeLocation(options.location)} is not a pair of Tenable SC API keys`
      : 'The Tenable SC API keys are not valid';
    super(ErrorCode.SecretFormat, `${subject}: ${problem}. Fix: ${fix}`);
    this.problem = problem;
    this.location = options.location;
    this.fix = fix;
  }

  /** The same problem, told about the secret it was found in. */
  at(location: SecretLocation): SecretFormatError {
    return new SecretFormatError(this.problem, { location, fix: this.fix });
  }
}

/** Why a read found nothing usable. */
export type NotFoundReason = 'missing' | 'invalid-request' | 'invalid-parameter';

/** The secret, or the stage or version asked for, does not exist or cannot be read in its current state. */
export class SecretNotFoundError extends Sc2awsError {
  declare readonly code: typeof ErrorCode.SecretNotFound;
  readonly location: SecretLocation;
  readonly reason: NotFoundReason;

  constructor(
    location: SecretLocation,
    reason: NotFoundReason,
    options: { sdkErrorName: string; cause?: unknown },
  ) {
    super(ErrorCode.SecretNotFound, notFoundMessage(location, reason, options.sdkErrorName), options);
    this.location = location;
    this.reason = reason;
  }
}

function notFoundMessage(location: SecretLocation, reason: NotFoundReason, sdkName: string): string {
  const { secretId, versionId } = location;
  const stage = location.versionStage ?? DEFAULT_VERSION_STAGE;
  if (reason === 'invalid-request') {
    return `Secret "${secretId}" cannot be read (${sdkName}): Secrets Manager refused the request in the secret's current state, most often because it is scheduled for deletion. Fix: Restore it with "aws secretsmanager restore-secret --secret-id ${secretId}", or point the function to a live secret.`;
  }
  if (reason === 'invalid-parameter') {
    return `Secret "${secretId}" cannot be read (${sdkName}): the secret id, stage or version id is malformed. Fix: Use the secret's full ARN or name; a version id is a 32-64 character token such as a UUID.`;
  }
  if (versionId !== undefined) {
    return `Secret "${secretId}" has no version "${versionId}", or the secret does not exist (${sdkName}). Fix: Check the version id with "aws secretsmanager list-secret-version-ids --secret-id ${secretId}"; versions without a stage label are removed by Secrets Manager over time.`;
  }
  if (stage === AWSCURRENT) {
    return `Secret "${secretId}" was not found (${sdkName}): it does not exist in this account and region, or has no ${AWSCURRENT} version. Fix: Check the secret ARN configured for the function and its region, or create the secret with the SC API keys (see README, "API keys").`;
  }
  if (stage === AWSPENDING) {
    return `Secret "${secretId}" has no version labelled ${AWSPENDING}, or the secret does not exist (${sdkName}). Fix: Stage keys first ("sc2aws keys stage"), or let a rotation create the pending version, then retry.`;
  }
  if (stage === AWSPREVIOUS) {
    return `Secret "${secretId}" has no version labelled ${AWSPREVIOUS}, or the secret does not exist (${sdkName}). ${AWSPREVIOUS} exists only after the first rotation or key change. Fix: Read ${AWSCURRENT} instead.`;
  }
  return `Secret "${secretId}" has no version labelled "${stage}", or the secret does not exist (${sdkName}). Fix: Check the stage label, or attach it to a version with "aws secretsmanager update-secret-version-stage".`;
}

/** Why a read was refused. */
export type AccessDeniedReason = 'denied' | 'kms' | 'credentials';

/** IAM, the secret's resource policy, KMS or missing AWS credentials stopped the read. */
export class SecretAccessDeniedError extends Sc2awsError {
  declare readonly code: typeof ErrorCode.SecretAccessDenied;
  readonly location: SecretLocation;
  readonly reason: AccessDeniedReason;

  constructor(
    location: SecretLocation,
    reason: AccessDeniedReason,
    options: { sdkErrorName: string; cause?: unknown },
  ) {
    const where = describeLocation(location);
    const name = options.sdkErrorName;
    const message = {
      denied: `Reading ${where} was denied (${name}). Fix: Allow secretsmanager:GetSecretValue on this secret to the function's role (check the secret's resource policy too: the secret an sc2aws stack creates lets only its functions and the principals of the secretReaderArns deployment parameter read it), and kms:Decrypt on the secret's KMS key if it uses a customer-managed key.`,
      kms: `Reading ${where} failed because KMS could not decrypt it (${name}). Fix: Allow kms:Decrypt on the secret's KMS key to the function's role (key policy or IAM), and check that the key is enabled and not pending deletion.`,
      credentials: `Reading ${where} failed: the AWS credentials are missing, expired or invalid (${name}). Fix: Run with an IAM role, or set AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the secret's account.`,
    }[reason];
    super(ErrorCode.SecretAccessDenied, message, options);
    this.location = location;
    this.reason = reason;
  }
}

/** Why Secrets Manager could not answer. All of these are worth a later retry. */
export type UnavailableReason = 'throttled' | 'service' | 'network' | 'unexpected';

/** Throttling, a service fault or the network, after the SDK's own retries. Transient: retry later. */
export class SecretUnavailableError extends Sc2awsError {
  declare readonly code: typeof ErrorCode.SecretUnavailable;
  readonly location: SecretLocation;
  readonly reason: UnavailableReason;

  constructor(
    location: SecretLocation,
    reason: UnavailableReason,
    options: { sdkErrorName: string; cause?: unknown },
  ) {
    const where = describeLocation(location);
    const name = options.sdkErrorName;
    const message = {
      throttled: `Secrets Manager throttled the read of ${where} (${name}), even after the SDK's retries. Fix: none needed, this is transient: retry later, and spread out callers that read the secret at the same moment.`,
      service: `Secrets Manager failed while reading ${where} (${name}), even after the SDK's retries. Fix: none needed, this is transient: retry later; if it persists, check the AWS Health Dashboard.`,
      network: `Secrets Manager could not be reached while reading ${where} (${name}), even after the SDK's retries. Fix: usually none, it is transient: retry later; if it persists, check the function's network path to Secrets Manager (VPC endpoint or NAT gateway).`,
      unexpected: `Reading ${where} failed with an unexpected error (${name}). Fix: treated as transient, retry later; if it persists, report it with this message.`,
    }[reason];
    super(ErrorCode.SecretUnavailable, message, options);
    this.location = location;
    this.reason = reason;
  }
}

/** `createApiKeySource` got an option it cannot work with. */
export class SecretSourceConfigError extends Sc2awsError {
  declare readonly code: typeof ErrorCode.SecretSourceConfig;

  constructor(message: string) {
    super(ErrorCode.SecretSourceConfig, message);
  }
}
