import { ErrorCode } from '#lib/errors';
import { AWSPENDING, type ScApiKeys } from '#lib/secrets';
import { RotationError, stagingHelp } from './errors';
import { moveLabel, REJECTED_LABEL, removeLabel } from './labels';
import { labelTarget, type StepContext, tokenKeys, unstage } from './step-context';

/**
 * Failures that are a verdict on the keys themselves: testing them again cannot change the answer.
 * Transient failures (SC unreachable, timeouts, SC_TRANSIENT, a throttled read) are not verdicts:
 * Secrets Manager's retries of the rotation are exactly what they need, so they keep AWSPENDING.
 */
const FINAL_VERDICTS: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.ScKeysRejected,
  ErrorCode.KeysWrongUser,
  ErrorCode.SecretFormat,
]);

export function isFinalVerdict(code: ErrorCode): boolean {
  return FINAL_VERDICTS.has(code);
}

/**
 * Records that SC refused the token version's keys for good, and clears the way for the next
 * rotation. Idempotent: run by testSecret right after the verdict, and again by any retried step.
 *
 * Why a label on the version rather than remembering nothing: Secrets Manager retries a failed
 * rotation with the same token, and these keys are dead exactly when the old pair is dead too (SC
 * kills a user's old pair when new keys are generated). Without a memory each retry would call SC
 * again, publish another `Key Validation Failed` and fail again, with AWSPENDING stuck on the token
 * version so that every `RotateSecret` is refused. The label lives in the secret itself (no table to
 * deploy), sits on one version at most (a newer verdict moves it), and lets the retried steps end
 * at once with an error that says what to do. AWSPENDING comes off the version here, so the secret
 * is ready for the next rotation, and the same keys are un-staged so a scheduled rotation does not
 * pick them up again.
 */
export async function settleRejected(ctx: StepContext, keys: ScApiKeys | undefined): Promise<void> {
  const target = labelTarget(ctx);
  await moveLabel(target, REJECTED_LABEL, ctx.token);
  await removeLabel(target, AWSPENDING, ctx.token);
  if (keys !== undefined) await unstage(ctx, keys);
}

/**
 * A step of a rotation whose keys were already refused (label {@link REJECTED_LABEL}): finishes any
 * cleanup an interrupted testSecret left, and fails the step without contacting SC.
 */
export async function refuseRejectedRetry(ctx: StepContext, step: string): Promise<never> {
  const keys = await tokenKeys(ctx).catch(() => undefined);
  await settleRejected(ctx, keys);
  ctx.deps.logger.warn(`${step}: SC already refused this version's keys; not testing them again.`, {
    versionId: ctx.token,
  });
  throw new RotationError(
    ErrorCode.RotationKeysAlreadyRejected,
    `Secrets Manager retried a rotation of secret ${ctx.secretArn} whose keys SC already refused (version ${ctx.token}, label ${REJECTED_LABEL}); they are not tested again and AWSCURRENT stays where it is. ${stagingHelp(ctx.secretArn)}`,
  );
}
