import { UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { ErrorCode } from '#lib/errors';
import { DetailType } from '#lib/events';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '#lib/secrets';
import { RotationError } from './errors';
import { holderOf, removeLabel, TESTED_LABEL } from './labels';
import { labelTarget, type StepContext, tokenKeys, unstage } from './step-context';
import { reportUnreadableKeys } from './validate';

/**
 * finishSecret: moves AWSCURRENT to the token version, but only when testSecret proved it
 * ({@link TESTED_LABEL}); a direct invoke cannot promote untested keys. A rotation with nothing
 * staged ends here by taking AWSPENDING off the empty token version: Secrets Manager wants
 * AWSPENDING either on the AWSCURRENT version or on none when a rotation ends (RotateSecret API
 * reference), and anything else blocks the next RotateSecret.
 */
export async function finishSecret(ctx: StepContext): Promise<void> {
  const { deps, token, secretArn, stages } = ctx;
  if (!(stages[token] ?? []).includes(TESTED_LABEL)) {
    if ((await tokenKeys(ctx)) === undefined) {
      await removeLabel(labelTarget(ctx), AWSPENDING, token);
      deps.logger.info('finishSecret: nothing was staged; AWSPENDING removed, AWSCURRENT unchanged.', {
        versionId: token,
      });
      return;
    }
    const error = new RotationError(
      ErrorCode.RotationUntested,
      `finishSecret refused to promote version ${token} of secret ${secretArn}: testSecret has not proven its keys (no ${TESTED_LABEL} label). AWSCURRENT stays where it is. Fix: let Secrets Manager run the whole rotation (sc2aws keys stage --rotate, or aws secretsmanager rotate-secret) instead of invoking finishSecret directly.`,
    );
    const subject = {
      secretArn,
      versionId: token,
      versionStage: AWSPENDING,
      trigger: 'rotation',
      step: 'finishSecret',
    } as const;
    await reportUnreadableKeys(deps, subject, error);
    throw error;
  }
  const previous = holderOf(stages, AWSCURRENT);
  await deps.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretArn,
      VersionStage: AWSCURRENT,
      MoveToVersionId: token,
      ...(previous === undefined ? {} : { RemoveFromVersionId: previous }),
    }),
  );
  deps.logger.info('finishSecret: AWSCURRENT moved to the new keys.', {
    versionId: token,
    previousVersionId: previous,
  });
  await completeFinish(ctx, previous);
}

/**
 * finishSecret after a retry: AWSCURRENT already moved to the token version, yet {@link TESTED_LABEL}
 * is still on it, so the cleanup of the earlier attempt did not finish (Secrets Manager retries a
 * failed step). It runs the cleanup again; the previous version is now AWSPREVIOUS.
 */
export function resumeFinish(ctx: StepContext): Promise<void> {
  ctx.deps.logger.info('finishSecret: AWSCURRENT already moved; finishing the cleanup.', {
    versionId: ctx.token,
  });
  return completeFinish(ctx, holderOf(ctx.stages, AWSPREVIOUS));
}

/**
 * Everything after the move, each part idempotent: the staged copy of the promoted keys loses its
 * label (a later scheduled rotation must not promote them again), `Key Rotation Completed` is
 * published, and only then {@link TESTED_LABEL} comes off: a failure before that leaves the label as
 * the sign that a retry still has work to do. The event can thus repeat if the last call fails,
 * never go missing.
 */
async function completeFinish(ctx: StepContext, previousVersionId: string | undefined): Promise<void> {
  const { deps, token, secretArn } = ctx;
  const promoted = await tokenKeys(ctx);
  if (promoted !== undefined) await unstage(ctx, promoted);
  await deps.events.publish(
    {
      detailType: DetailType.KeyRotationCompleted,
      detail: {
        secretArn,
        versionId: token,
        ...(previousVersionId === undefined ? {} : { previousVersionId }),
        completedAt: (deps.clock?.() ?? new Date()).toISOString(),
      },
    },
    [secretArn],
  );
  await removeLabel(labelTarget(ctx), TESTED_LABEL, token);
}
