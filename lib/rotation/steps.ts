import { DescribeSecretCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '#lib/errors';
import { AWSCURRENT, AWSPENDING, createApiKeySource } from '#lib/secrets';
import { RotationError, stagingHelp } from './errors';
import { finishSecret, resumeFinish } from './finish-secret';
import { REJECTED_LABEL, STAGED_LABEL, type Stages, TESTED_LABEL } from './labels';
import { refuseRejectedRetry } from './rejected';
import { type RotationDeps, type StepContext, tokenKeys } from './step-context';
import { testSecret } from './test-secret';

export type { RotationDeps } from './step-context';

/** The rotation event Secrets Manager sends (aws-notes §2). `RotationToken` is never logged. */
export interface RotationEvent {
  Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
  SecretId: string;
  ClientRequestToken: string;
  RotationToken?: string | undefined;
}

/**
 * Runs one step of a Secrets Manager rotation, following AWS's rotation template contract:
 * rotation must be enabled, the token must be a version of the secret, a token that is already
 * AWSCURRENT ends the step early, and anything else must be AWSPENDING. Every step is idempotent
 * (Secrets Manager retries steps).
 *
 * SC has no verified key-generation endpoint and generating keys kills the old pair at once
 * (reference §6), so this rotation never creates keys: it promotes keys an operator staged, and only
 * after `/rest/currentUser` proved them. With nothing staged it re-validates AWSCURRENT and ends
 * without leaving AWSPENDING behind.
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
  const source = createApiKeySource({ client: deps.secrets, secretId: secretArn, ttlMs: 0 });
  const ctx: StepContext = { deps, source, secretArn, token, stages };
  if (tokenStages.includes(AWSCURRENT)) {
    if (event.Step === 'finishSecret' && tokenStages.includes(TESTED_LABEL)) return resumeFinish(ctx);
    deps.logger.info(`Version ${token} is already AWSCURRENT; nothing to do in ${event.Step}.`);
    return;
  }
  if (tokenStages.includes(REJECTED_LABEL)) return refuseRejectedRetry(ctx, event.Step);
  if (!tokenStages.includes(AWSPENDING)) {
    throw new RotationError(
      ErrorCode.RotationTokenNotPending,
      `Version ${token} of secret ${secretArn} is not AWSPENDING, so it cannot be rotated in. Fix: start the rotation again.`,
    );
  }
  switch (event.Step) {
    case 'createSecret':
      return createSecret(ctx);
    case 'setSecret':
      // The keys already exist in SC (an operator generated them there): nothing to push.
      deps.logger.debug('setSecret: nothing to do, SC already holds the keys.', { versionId: token });
      return;
    case 'testSecret':
      return testSecret(ctx);
    case 'finishSecret':
      return finishSecret(ctx);
    default:
      throw new RotationError(
        ErrorCode.EventUnsupported,
        `Unknown rotation step "${String((event as { Step: unknown }).Step).slice(0, 40)}".`,
      );
  }
}

/**
 * createSecret: copies the keys an operator staged (`sc2aws keys stage`) into the token version.
 * With nothing staged (the schedule fired, or someone ran rotate-secret) the token version stays
 * empty: testSecret then re-validates AWSCURRENT and finishSecret takes AWSPENDING off again.
 * Failing here instead would leave AWSPENDING stuck on the empty version, and Secrets Manager
 * refuses every later RotateSecret until it is removed.
 */
async function createSecret(ctx: StepContext): Promise<void> {
  const { deps, token, secretArn, stages } = ctx;
  if ((await tokenKeys(ctx)) !== undefined) {
    deps.logger.info('createSecret: the token version already holds keys.', { versionId: token });
    return;
  }
  const staged = Object.entries(stages).find(([id, labels]) => id !== token && labels.includes(STAGED_LABEL));
  if (staged === undefined) {
    deps.logger.warn(
      `createSecret: no SC API keys are staged, so this rotation only re-validates AWSCURRENT. sc2aws does not generate SC keys. ${stagingHelp(secretArn)}`,
      { versionId: token },
    );
    return;
  }
  const keys = (await ctx.source.get({ versionId: staged[0] })).keys;
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
