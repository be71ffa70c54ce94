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

/** A console as validate-keys sees it: its id and the secret holding its keys. */
export interface KeysConsole {
  consoleId: string;
  secretArn: string;
}

const consoleCall = z.object({ action: z.literal('validate'), console: z.optional(z.string()) });

/**
 * The console an invocation is about (README "Several SC consoles"): the one whose secret a
 * rotation step or a label change names (Secrets Manager and EventBridge give the secret's full
 * ARN), or the one `{"action":"validate","console":"<id>"}` names. Never a guess: a rotation of a
 * secret no console has, or a direct call without a console in a deployment of several, is
 * refused. Undefined where {@link handleValidateKeysEvent} decides alone (a label change of another
 * secret is ignored there; an unknown event is refused there).
 */
export function consoleOfKeysEvent(
  event: unknown,
  consoles: readonly KeysConsole[],
): KeysConsole | undefined {
  const bySecret = (arn: string | undefined) => consoles.find((c) => c.secretArn === arn);
  const rotation = rotationEvent.safeParse(event);
  if (rotation.success) {
    const found = bySecret(rotation.data.SecretId);
    if (found !== undefined) return found;
    throw new RotationError(
      ErrorCode.EventUnsupported,
      `This function rotates the secrets of its consoles (${consoles.map((c) => `${c.consoleId}: ${c.secretArn}`).join(', ')}), not ${rotation.data.SecretId.slice(0, 200)}. Fix: attach the sc2aws deployment whose console uses that secret.`,
    );
  }
  const label = labelUpdatedEvent.safeParse(event);
  if (label.success) return bySecret(label.data.resources?.[0]);
  const call = consoleCall.safeParse(event);
  if (!call.success) return undefined;
  const named = call.data.console;
  const found =
    named === undefined && consoles.length === 1 ? consoles[0] : consoles.find((c) => c.consoleId === named);
  if (found !== undefined) return found;
  throw new RotationError(
    ErrorCode.EventUnsupported,
    `validate-keys was asked to validate ${named === undefined ? 'without naming a console' : `the console "${named.slice(0, 40)}"`}; this deployment's consoles are ${consoles.map((c) => c.consoleId).join(', ')}. Fix: send {"action":"validate","console":"<id>"} with one of them.`,
  );
}

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
    'validate-keys received an event it does not handle. It takes Secrets Manager rotation steps, EventBridge "Secret Label Updated" events, and {"action":"validate","console":"<id>","versionStage":"AWSCURRENT"|"AWSPENDING"|"SC2AWS_STAGED"}.',
  );
}
