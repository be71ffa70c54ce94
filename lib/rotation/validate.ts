import { ErrorCode, Sc2awsError } from '#lib/errors';
import type { EventPublisher, KeyValidationDetail, ValidationTrigger } from '#lib/events';
import { DetailType } from '#lib/events';
import type { LogSink } from '#lib/logging';
import type { Metrics } from '#lib/metrics';
import type { ScApiKeys } from '#lib/secrets';
import { ADMINISTRATOR_ROLE_ID, type ScClient } from '#lib/tenable';
import { RotationError } from './errors';

export const MetricName = {
  Succeeded: 'KeyValidationSucceeded',
  Failed: 'KeyValidationFailed',
  AdministratorKeys: 'KeyValidationAdministratorKeys',
} as const;

export interface ValidationDeps {
  /** Builds an SC client that authenticates with exactly these keys. */
  scClientFor(keys: ScApiKeys): ScClient;
  events: EventPublisher;
  metrics: Metrics;
  logger: LogSink;
  scUrl: string;
  expectedUsername?: string;
  clock?: () => Date;
}

export interface ValidationSubject {
  keys: ScApiKeys;
  secretArn: string;
  versionId: string;
  versionStage: string;
  trigger: ValidationTrigger;
  step?: string;
}

export type ValidationResult =
  | { valid: true; detail: KeyValidationDetail }
  | { valid: false; detail: KeyValidationDetail; error: Sc2awsError };

/**
 * Proves keys against `GET /rest/currentUser`, checks whose they are, and reports the outcome as
 * exactly one EventBridge event and one metric. Never throws for a failed validation: the caller
 * decides (a rotation step throws, a change event reports and ends).
 *
 * @example
 * ```ts
 * const result = await validateKeys(deps, { keys, secretArn, versionId, versionStage: 'AWSPENDING', trigger: 'rotation' });
 * if (!result.valid) throw result.error;
 * ```
 */
export async function validateKeys(
  deps: ValidationDeps,
  subject: ValidationSubject,
): Promise<ValidationResult> {
  const base = baseDetail(deps, subject);
  const client = deps.scClientFor(subject.keys);
  let result: ValidationResult;
  try {
    const user = await client.currentUser();
    const administrator = user.role.id === ADMINISTRATOR_ROLE_ID;
    const detail: KeyValidationDetail = {
      ...base,
      keyLabel: subject.keys.accessKeyId,
      user: { id: user.id, username: user.username, role: user.role, organization: user.organization },
      administrator,
    };
    if (deps.expectedUsername !== undefined && user.username !== deps.expectedUsername) {
      const error = new RotationError(
        ErrorCode.KeysWrongUser,
        `The keys are valid but belong to SC user "${user.username}", not "${deps.expectedUsername}" (SC_EXPECTED_USERNAME). Fix: generate keys while logged in as (or for) "${deps.expectedUsername}", or change SC_EXPECTED_USERNAME.`,
      );
      result = { valid: false, error, detail: { ...detail, errorCode: error.code, reason: error.message } };
    } else {
      if (administrator) {
        deps.logger.warn(
          'The keys belong to an SC Administrator. A dedicated service user with the Vulnerability Analyst role is safer.',
          { username: user.username },
        );
        deps.metrics.addMetric(MetricName.AdministratorKeys, 'Count', 1);
      }
      result = { valid: true, detail };
    }
  } catch (err) {
    if (!(err instanceof Sc2awsError)) throw err;
    result = failed({ ...base, keyLabel: subject.keys.accessKeyId }, err);
  } finally {
    await client.close();
  }
  await report(deps, result);
  return result;
}

/**
 * Reports keys that could not even be read (missing version, bad secret format, access denied) as
 * a failed validation, so every validation attempt ends in exactly one event.
 */
export async function reportUnreadableKeys(
  deps: ValidationDeps,
  subject: Omit<ValidationSubject, 'keys'>,
  error: Sc2awsError,
): Promise<ValidationResult> {
  const result = failed(baseDetail(deps, subject), error);
  await report(deps, result);
  return result;
}

function baseDetail(deps: ValidationDeps, subject: Omit<ValidationSubject, 'keys'>): KeyValidationDetail {
  return {
    secretArn: subject.secretArn,
    versionId: subject.versionId,
    versionStage: subject.versionStage,
    trigger: subject.trigger,
    ...(subject.step === undefined ? {} : { step: subject.step }),
    scUrl: deps.scUrl,
    checkedAt: (deps.clock?.() ?? new Date()).toISOString(),
  };
}

function failed(detail: KeyValidationDetail, error: Sc2awsError): ValidationResult {
  return { valid: false, error, detail: { ...detail, errorCode: error.code, reason: error.message } };
}

async function report(deps: ValidationDeps, result: ValidationResult): Promise<void> {
  const { detail } = result;
  deps.metrics.addMetric(result.valid ? MetricName.Succeeded : MetricName.Failed, 'Count', 1);
  if (result.valid) {
    deps.logger.info('SC API keys validated.', {
      versionId: detail.versionId,
      username: detail.user?.username,
    });
  } else {
    deps.logger.error('SC API key validation failed.', {
      versionId: detail.versionId,
      code: result.error.code,
      reason: result.error.message,
    });
  }
  await deps.events.publish(
    { detailType: result.valid ? DetailType.KeyValidationSucceeded : DetailType.KeyValidationFailed, detail },
    [detail.secretArn],
  );
}
