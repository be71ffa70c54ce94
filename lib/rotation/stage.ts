import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '#lib/errors';
import type { LogSink } from '#lib/logging';
import { AWSCURRENT, AWSPENDING, type ScApiKeys } from '#lib/secrets';
import type { ScClient, ScUser } from '#lib/tenable';
import { RotationError } from './errors';
import { holderOf, removeLabel, STAGED_LABEL, type Stages, TESTED_LABEL } from './labels';

export interface StageKeysDeps {
  secrets: Pick<SecretsManagerClient, 'send'>;
  scClientFor(keys: ScApiKeys): ScClient;
  logger: LogSink;
}

export interface StageKeysResult {
  versionId: string;
  user: ScUser;
  /** True when a rotation was started; validate-keys then tests and promotes the version. */
  rotationStarted: boolean;
  /** The version an unfinished earlier rotation left AWSPENDING on, cleared before this rotation. */
  clearedPendingVersionId?: string;
}

/**
 * For the operator who just generated keys in SC: proves them against `/rest/currentUser` first
 * (on failure nothing in AWS changes), then puts them as a new version of the secret labelled
 * {@link STAGED_LABEL}, and with `rotate` starts the secret's rotation: validate-keys copies them
 * into the rotation's AWSPENDING version, tests them again and promotes them. An unfinished
 * earlier rotation is cleared first (see {@link startRotation}).
 *
 * @example
 * ```ts
 * const { versionId } = await stageKeys(deps, { secretId, keys, rotate: true });
 * ```
 */
export async function stageKeys(
  deps: StageKeysDeps,
  input: { secretId: string; keys: ScApiKeys; rotate: boolean },
): Promise<StageKeysResult> {
  const client = deps.scClientFor(input.keys);
  let user: ScUser;
  try {
    user = await client.currentUser();
  } finally {
    await client.close();
  }
  const versionId = randomUUID();
  try {
    await deps.secrets.send(
      new PutSecretValueCommand({
        SecretId: input.secretId,
        ClientRequestToken: versionId,
        SecretString: input.keys.headerValue(),
        VersionStages: [STAGED_LABEL],
      }),
    );
  } catch (err) {
    throw writeFailed('PutSecretValue', input.secretId, err);
  }
  deps.logger.info(`Keys staged with label ${STAGED_LABEL}.`, { versionId });
  if (!input.rotate) return { versionId, user, rotationStarted: false };
  const cleared = await startRotation(deps, input.secretId, versionId);
  return {
    versionId,
    user,
    rotationStarted: true,
    ...(cleared === undefined ? {} : { clearedPendingVersionId: cleared }),
  };
}

/**
 * Starts the rotation that promotes the keys just staged, after DescribeSecret: whether the secret
 * has a rotation Lambda is read from its configuration, never guessed from a RotateSecret error.
 *
 * A stale AWSPENDING (on a version that is not AWSCURRENT) is left by a rotation that failed or
 * never finished: RotateSecret refuses to start while it is there ("a previous rotation isn't
 * complete"), and this happens exactly when the operator needs the new keys in, because the old SC
 * pair is already dead. It is cleared rather than resumed: the stale version holds keys that failed
 * their test, were never tested, or nothing at all, never the keys staged now; the new rotation
 * copies those. Its {@link TESTED_LABEL} goes too, so nothing can promote it later. Should that
 * rotation still be running, its next step finds its token no longer pending and fails without
 * touching AWSCURRENT.
 *
 * @returns the version whose AWSPENDING was cleared, if any.
 */
async function startRotation(
  deps: StageKeysDeps,
  secretId: string,
  stagedVersionId: string,
): Promise<string | undefined> {
  let described: DescribeSecretCommandOutput;
  try {
    described = await deps.secrets.send(new DescribeSecretCommand({ SecretId: secretId }));
  } catch (err) {
    throw writeFailed('DescribeSecret', secretId, err);
  }
  const staged = `The keys are staged (label ${STAGED_LABEL}, version ${stagedVersionId}) but rotation could not start`;
  if (described.RotationLambdaARN === undefined || described.RotationLambdaARN === '') {
    throw new RotationError(
      ErrorCode.RotationNotEnabled,
      `${staged}: the secret has no rotation Lambda. Fix: deploy again with --param="rotationLambdaAttached=true", or attach validate-keys: aws secretsmanager rotate-secret --secret-id ${secretId} --rotation-lambda-arn <validate-keys ARN>.`,
    );
  }
  if (described.RotationEnabled !== true) {
    throw new RotationError(
      ErrorCode.RotationNotEnabled,
      `${staged}: rotation is turned off for this secret (its rotation Lambda is ${described.RotationLambdaARN}). Fix: turn it on and rotate in one step: aws secretsmanager rotate-secret --secret-id ${secretId}.`,
    );
  }
  const stages: Stages = described.VersionIdsToStages ?? {};
  const target = { secrets: deps.secrets, secretArn: described.ARN ?? secretId, stages };
  const stale = holderOf(stages, AWSPENDING);
  const clear = stale !== undefined && !(stages[stale] ?? []).includes(AWSCURRENT) ? stale : undefined;
  if (clear !== undefined) {
    try {
      await removeLabel(target, AWSPENDING, clear);
      await removeLabel(target, TESTED_LABEL, clear);
    } catch (err) {
      throw writeFailed('UpdateSecretVersionStage', secretId, err);
    }
    deps.logger.warn('Cleared AWSPENDING left by an unfinished rotation.', { versionId: clear });
  }
  try {
    await deps.secrets.send(new RotateSecretCommand({ SecretId: secretId, RotateImmediately: true }));
  } catch (err) {
    throw writeFailed('RotateSecret', secretId, err);
  }
  return clear;
}

/** SDK errors never carry the SecretString; the service's message is kept only for RotateSecret. */
function writeFailed(operation: string, secretId: string, err: unknown): RotationError {
  const name = (err as Error | undefined)?.name ?? 'Error';
  const said =
    operation === 'RotateSecret' && err instanceof Error && err.message !== ''
      ? `: "${err.message.slice(0, 200)}"`
      : '';
  const fix =
    name === 'AccessDeniedException'
      ? `allow secretsmanager:${operation} on the secret (and kms:GenerateDataKey/kms:Decrypt on its KMS key) to the caller`
      : name === 'ResourceNotFoundException'
        ? 'check the --secret-id (name or ARN) and the region'
        : name === 'InvalidRequestException' && operation === 'RotateSecret'
          ? 'another rotation started meanwhile; wait until it ends (Secrets Manager console, or the "Key Rotation Completed" event), then run this command again'
          : 'retry; if it persists, check the secret in the Secrets Manager console';
  return new RotationError(
    ErrorCode.SecretWriteFailed,
    `Secrets Manager refused ${operation} on secret ${secretId} (${name}${said}). Fix: ${fix}.`,
  );
}
