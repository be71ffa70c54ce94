import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import { DetailType } from '#lib/events';
import {
  AWSCURRENT,
  AWSPENDING,
  createApiKeySource,
  type ResolvedApiKeys,
  SecretNotFoundError,
} from '#lib/secrets';
import { RotationError, STAGED_LABEL, stagingHelp } from './errors';
import { reportUnreadableKeys, type ValidationDeps, validateKeys } from './validate';

/** The rotation event Secrets Manager sends (aws-notes §2). `RotationToken` is never logged. */
export interface RotationEvent {
  Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
  SecretId: string;
  ClientRequestToken: string;
  RotationToken?: string;
}

export interface RotationDeps extends ValidationDeps {
  secrets: Pick<SecretsManagerClient, 'send'>;
}

type Stages = Record<string, string[]>;

/**
 * Runs one step of a Secrets Manager rotation, following AWS's rotation template contract:
 * rotation must be enabled, the token must be a version of the secret, a token that is already
 * AWSCURRENT ends the step early, and anything else must be AWSPENDING. Every step is idempotent
 * (Secrets Manager retries steps).
 *
 * SC has no verified key-generation endpoint and generating keys kills the old pair at once
 * (reference §6), so this rotation never creates keys: it promotes keys an operator staged, and only
 * after `/rest/currentUser` proved them.
 *
 * @example
 * ```ts
 * await runRotationStep(deps, event); // throws to fail the step; Secrets Manager retries or gives up
 * ```
 */
export async function runRotationStep(deps: RotationDeps, event: RotationEvent): Promise<void> {
  const token = event.ClientRequestToken;
  const described = await deps.secrets.send(new DescribeSecretCommand({ SecretId: event.SecretId }));
  const secretArn = described.ARN ?? event.SecretId;
  if (described.RotationEnabled !== true) {
    throw new RotationError(
      ErrorCode.RotationNotEnabled,
      `Secret ${secretArn} does not have rotation enabled, so the ${event.Step} step was refused. Fix: enable rotation with this function as the rotation Lambda (see README, "API key rotation").`,
    );
  }
  const stages: Stages = described.VersionIdsToStages ?? {};
  const tokenStages = stages[token];
  if (tokenStages === undefined) {
    throw new RotationError(
      ErrorCode.RotationTokenUnknown,
      `Rotation token ${token} is not a version of secret ${secretArn}. Fix: start the rotation again (sc2aws keys stage --rotate, or aws secretsmanager rotate-secret).`,
    );
  }
  if (tokenStages.includes(AWSCURRENT)) {
    deps.logger.info(`Version ${token} is already AWSCURRENT; nothing to do in ${event.Step}.`);
    return;
  }
  if (!tokenStages.includes(AWSPENDING)) {
    throw new RotationError(
      ErrorCode.RotationTokenNotPending,
      `Version ${token} of secret ${secretArn} is not AWSPENDING, so it cannot be rotated in. Fix: start the rotation again.`,
    );
  }
  const source = createApiKeySource({ client: deps.secrets, secretId: secretArn, ttlMs: 0 });
  switch (event.Step) {
    case 'createSecret':
      return createSecret(deps, source, secretArn, token, stages);
    case 'setSecret':
      // The keys already exist in SC (an operator generated them there): nothing to push.
      deps.logger.debug('setSecret: nothing to do, SC already holds the keys.', { versionId: token });
      return;
    case 'testSecret':
      return testSecret(deps, source, secretArn, token);
    case 'finishSecret':
      return finishSecret(deps, secretArn, token, stages);
    default:
      throw new RotationError(
        ErrorCode.EventUnsupported,
        `Unknown rotation step "${String((event as { Step: unknown }).Step).slice(0, 40)}".`,
      );
  }
}

async function createSecret(
  deps: RotationDeps,
  source: ReturnType<typeof createApiKeySource>,
  secretArn: string,
  token: string,
  stages: Stages,
): Promise<void> {
  try {
    await source.get({ versionId: token });
    deps.logger.info('createSecret: the token version already holds keys.', { versionId: token });
    return;
  } catch (err) {
    if (!(err instanceof SecretNotFoundError)) throw err;
  }
  // The token's version has no value yet: take the keys an operator staged (`sc2aws keys stage`).
  const staged = Object.entries(stages).find(([id, labels]) => id !== token && labels.includes(STAGED_LABEL));
  if (staged === undefined) {
    throw new RotationError(
      ErrorCode.RotationNothingStaged,
      `No SC API keys are staged for rotation of secret ${secretArn}. sc2aws does not generate SC keys. ${stagingHelp(secretArn)}`,
    );
  }
  const keys = (await source.get({ versionId: staged[0] })).keys;
  await deps.secrets.send(
    new PutSecretValueCommand({
      SecretId: secretArn,
      ClientRequestToken: token,
      SecretString: keys.headerValue(),
      VersionStages: [AWSPENDING],
    }),
  );
  deps.logger.info('createSecret: staged keys copied into the token version.', {
    versionId: token,
    stagedVersionId: staged[0],
  });
}

async function testSecret(
  deps: RotationDeps,
  source: ReturnType<typeof createApiKeySource>,
  secretArn: string,
  token: string,
): Promise<void> {
  let pending: ResolvedApiKeys;
  try {
    pending = await source.get({ versionId: token });
  } catch (err) {
    if (err instanceof Sc2awsError) {
      const subject = {
        secretArn,
        versionId: token,
        versionStage: AWSPENDING,
        trigger: 'rotation' as const,
        step: 'testSecret',
      };
      await reportUnreadableKeys(deps, subject, err);
    }
    throw err;
  }
  const result = await validateKeys(deps, {
    keys: pending.keys,
    secretArn: pending.secretArn,
    versionId: token,
    versionStage: AWSPENDING,
    trigger: 'rotation',
    step: 'testSecret',
  });
  // Failing the step keeps AWSCURRENT where it is: the pullers keep using the keys they have.
  if (!result.valid) throw result.error;
}

async function finishSecret(
  deps: RotationDeps,
  secretArn: string,
  token: string,
  stages: Stages,
): Promise<void> {
  const current = Object.entries(stages).find(([, labels]) => labels.includes(AWSCURRENT))?.[0];
  await deps.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretArn,
      VersionStage: AWSCURRENT,
      MoveToVersionId: token,
      ...(current === undefined ? {} : { RemoveFromVersionId: current }),
    }),
  );
  deps.logger.info('finishSecret: AWSCURRENT moved to the new keys.', {
    versionId: token,
    previousVersionId: current,
  });
  // The staged keys are now current: drop the staging label so a later scheduled rotation cannot
  // promote them again.
  const staged = Object.entries(stages).find(([, labels]) => labels.includes(STAGED_LABEL))?.[0];
  if (staged !== undefined) {
    await deps.secrets.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretArn,
        VersionStage: STAGED_LABEL,
        RemoveFromVersionId: staged,
      }),
    );
  }
  await deps.events.publish(
    {
      detailType: DetailType.KeyRotationCompleted,
      detail: {
        secretArn,
        versionId: token,
        ...(current === undefined ? {} : { previousVersionId: current }),
        completedAt: (deps.clock?.() ?? new Date()).toISOString(),
      },
    },
    [secretArn],
  );
}
