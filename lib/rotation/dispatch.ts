import * as z from 'zod/mini';
import { ErrorCode } from '#lib/errors';
import type { KeyValidationDetail } from '#lib/events';
import { AWSCURRENT, AWSPENDING } from '#lib/secrets';
import { type ChangeDeps, validateOnLabelUpdate, validateStage } from './change';
import { RotationError } from './errors';
import { STAGED_LABEL } from './labels';
import { runRotationStep } from './steps';

const rotationEvent = z.object({
  Step: z.enum(['createSecret', 'setSecret', 'testSecret', 'finishSecret']),
  SecretId: z.string().check(z.minLength(1)),
  ClientRequestToken: z.string().check(z.minLength(1)),
  RotationToken: z.optional(z.string()),
});

const labelUpdatedEvent = z.object({
  source: z.literal('aws.secretsmanager'),
  'detail-type': z.literal('Secret Label Updated'),
  resources: z.optional(z.array(z.string())),
  detail: z.object({
    name: z.optional(z.string()),
    labelUpdated: z.optional(z.string()),
    versionId: z.optional(z.string()),
  }),
});

const directEvent = z.object({
  action: z.literal('validate'),
  versionStage: z.optional(z.enum([AWSCURRENT, AWSPENDING, STAGED_LABEL])),
});

/** What validate-keys returns: nothing for rotation steps, a summary otherwise. */
export type ValidateKeysResponse =
  | undefined
  | { ignored: string }
  | {
      valid: boolean;
      versionId: string;
      versionStage: string;
      user?: KeyValidationDetail['user'];
      errorCode?: ErrorCode;
      reason?: string;
    };

function summary(detail: KeyValidationDetail, valid: boolean): ValidateKeysResponse {
  return {
    valid,
    versionId: detail.versionId,
    versionStage: detail.versionStage,
    ...(detail.user === undefined ? {} : { user: detail.user }),
    ...(detail.errorCode === undefined ? {} : { errorCode: detail.errorCode, reason: detail.reason ?? '' }),
  };
}

/**
 * Routes one validate-keys invocation: a Secrets Manager rotation step, the EventBridge
 * "Secret Label Updated" event, or an operator's `{"action":"validate","versionStage":…}`.
 * Rotation steps throw on failure (Secrets Manager must see the step fail); the other two report
 * the result and return.
 */
export async function handleValidateKeysEvent(
  deps: ChangeDeps,
  event: unknown,
): Promise<ValidateKeysResponse> {
  const rotation = rotationEvent.safeParse(event);
  if (rotation.success) {
    if (rotation.data.SecretId !== deps.secretArn) {
      throw new RotationError(
        ErrorCode.EventUnsupported,
        `This function rotates ${deps.secretArn} only, not ${rotation.data.SecretId.slice(0, 200)}. Fix: attach another sc2aws deployment to that secret.`,
      );
    }
    await runRotationStep(deps, rotation.data);
    return undefined;
  }
  const label = labelUpdatedEvent.safeParse(event);
  if (label.success) {
    const outcome = await validateOnLabelUpdate(deps, label.data);
    return 'ignored' in outcome ? outcome : summary(outcome.detail, outcome.valid);
  }
  const direct = directEvent.safeParse(event);
  if (direct.success) {
    const result = await validateStage(deps, direct.data.versionStage ?? AWSCURRENT);
    return summary(result.detail, result.valid);
  }
  throw new RotationError(
    ErrorCode.EventUnsupported,
    'validate-keys received an event it does not handle. It takes Secrets Manager rotation steps, EventBridge "Secret Label Updated" events, and {"action":"validate","versionStage":"AWSCURRENT"|"AWSPENDING"|"SC2AWS_STAGED"}.',
  );
}
