import { randomUUID } from 'node:crypto';
import {
  PutSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '#lib/errors';
import type { LogSink } from '#lib/logging';
import type { ScApiKeys } from '#lib/secrets';
import type { ScClient, ScUser } from '#lib/tenable';
import { RotationError, STAGED_LABEL } from './errors';

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
}

/**
 * For the operator who just generated keys in SC: proves them against `/rest/currentUser` first
 * (on failure nothing in AWS changes), then puts them as a new version of the secret labelled
 * {@link STAGED_LABEL}, and with `rotate` starts the secret's rotation: validate-keys copies them
 * into the rotation's AWSPENDING version, tests them again and promotes them.
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
  try {
    await deps.secrets.send(new RotateSecretCommand({ SecretId: input.secretId, RotateImmediately: true }));
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'InvalidRequestException' || name === 'InvalidParameterException') {
      throw new RotationError(
        ErrorCode.RotationNotEnabled,
        `The keys are staged (label ${STAGED_LABEL}, version ${versionId}) but rotation could not start: the secret has no rotation Lambda (${name}). Fix: deploy again with --param="rotationLambdaAttached=true", or attach validate-keys: aws secretsmanager rotate-secret --secret-id ${input.secretId} --rotation-lambda-arn <validate-keys ARN>.`,
      );
    }
    throw writeFailed('RotateSecret', input.secretId, err);
  }
  return { versionId, user, rotationStarted: true };
}

/** SDK errors never carry the SecretString, but only the name is kept: nothing else is needed. */
function writeFailed(operation: string, secretId: string, err: unknown): RotationError {
  const name = (err as Error | undefined)?.name ?? 'Error';
  const fix =
    name === 'AccessDeniedException'
      ? `allow secretsmanager:${operation} on the secret (and kms:GenerateDataKey/kms:Decrypt on its KMS key) to the caller`
      : name === 'ResourceNotFoundException'
        ? 'check the --secret-id (name or ARN) and the region'
        : 'retry; if it persists, check the secret in the Secrets Manager console';
  return new RotationError(
    ErrorCode.SecretWriteFailed,
    `Secrets Manager refused ${operation} on secret ${secretId} (${name}). Fix: ${fix}.`,
  );
}
