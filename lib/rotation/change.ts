import { Sc2awsError } from '#lib/errors';
import { AWSCURRENT, createApiKeySource, type ResolvedApiKeys } from '#lib/secrets';
import type { RotationDeps } from './steps';
import { reportUnreadableKeys, type ValidationResult, validateKeys } from './validate';

/** EventBridge's native Secrets Manager event (no CloudTrail needed; aws-notes §2). */
export interface SecretLabelUpdatedEvent {
  source: 'aws.secretsmanager';
  'detail-type': 'Secret Label Updated';
  resources?: string[] | undefined;
  detail: { name?: string | undefined; labelUpdated?: string | undefined; versionId?: string | undefined };
}

export interface ChangeDeps extends RotationDeps {
  /** The one secret this deployment watches. */
  secretArn: string;
}

export type ChangeOutcome = ValidationResult | { ignored: string };

/**
 * Validates the keys AWSCURRENT now points at, after a rotation or a manual `put-secret-value`.
 * A failure is reported (event, metric, error log) and the invocation ends normally: retrying a
 * change event cannot fix keys, and throwing would only loop.
 */
export async function validateOnLabelUpdate(
  deps: ChangeDeps,
  event: SecretLabelUpdatedEvent,
): Promise<ChangeOutcome> {
  const arn = event.resources?.[0];
  if (arn !== deps.secretArn) {
    deps.logger.warn('Ignored a label change of another secret.', { secret: arn });
    return { ignored: 'another secret' };
  }
  if (event.detail.labelUpdated !== AWSCURRENT) {
    deps.logger.debug('Ignored a label change that is not AWSCURRENT.', { label: event.detail.labelUpdated });
    return { ignored: `label ${event.detail.labelUpdated ?? '(none)'}` };
  }
  return validateVersion(deps, 'label-updated', {
    versionId: event.detail.versionId,
    versionStage: AWSCURRENT,
  });
}

/** `{"action":"validate","versionStage":…}`: an operator asks for a check of one stage. */
export function validateStage(deps: ChangeDeps, versionStage: string): Promise<ValidationResult> {
  return validateVersion(deps, 'direct', { versionStage });
}

async function validateVersion(
  deps: ChangeDeps,
  trigger: 'label-updated' | 'direct',
  which: { versionId?: string | undefined; versionStage: string },
): Promise<ValidationResult> {
  const source = createApiKeySource({ client: deps.secrets, secretId: deps.secretArn, ttlMs: 0 });
  let resolved: ResolvedApiKeys;
  try {
    resolved = await source.get(
      which.versionId ? { versionId: which.versionId } : { versionStage: which.versionStage },
    );
  } catch (err) {
    if (!(err instanceof Sc2awsError)) throw err;
    const subject = {
      secretArn: deps.secretArn,
      versionId: which.versionId ?? '',
      versionStage: which.versionStage,
      trigger,
    };
    return reportUnreadableKeys(deps, subject, err);
  }
  return validateKeys(deps, {
    keys: resolved.keys,
    secretArn: resolved.secretArn,
    versionId: resolved.versionId,
    versionStage: which.versionStage,
    trigger,
  });
}
