import { Sc2awsError } from '#lib/errors';
import { AWSCURRENT, AWSPENDING, type ResolvedApiKeys } from '#lib/secrets';
import { moveLabel, TESTED_LABEL } from './labels';
import { isFinalVerdict, settleRejected } from './rejected';
import { isEmptyVersion, labelTarget, type StepContext } from './step-context';
import { reportUnreadableKeys, validateKeys } from './validate';

/**
 * testSecret: proves the token version's keys against `/rest/currentUser`. A pass is recorded as
 * {@link TESTED_LABEL} on that version (finishSecret promotes nothing else); a final verdict
 * against the keys is recorded too (see rejected.ts); either way the step fails on a failed test,
 * which keeps AWSCURRENT where it is: the pullers keep using the keys they have.
 */
export async function testSecret(ctx: StepContext): Promise<void> {
  const { deps, token, secretArn } = ctx;
  const subject = {
    secretArn,
    versionId: token,
    versionStage: AWSPENDING,
    trigger: 'rotation',
    step: 'testSecret',
  } as const;
  let pending: ResolvedApiKeys;
  try {
    pending = await ctx.source.get({ versionId: token });
  } catch (err) {
    if (isEmptyVersion(err)) return revalidateCurrent(ctx);
    if (err instanceof Sc2awsError) {
      await reportUnreadableKeys(deps, subject, err);
      if (isFinalVerdict(err.code)) await settleRejected(ctx, undefined);
    }
    throw err;
  }
  const result = await validateKeys(deps, { ...subject, keys: pending.keys, secretArn: pending.secretArn });
  if (result.valid) {
    await moveLabel(labelTarget(ctx), TESTED_LABEL, token);
    return;
  }
  if (isFinalVerdict(result.error.code)) await settleRejected(ctx, pending.keys);
  throw result.error;
}

/**
 * Nothing was staged (createSecret left the token version empty; also Secrets Manager's own test of
 * a newly attached rotation function, which runs testSecret on a fresh AWSPENDING version): the
 * rotation only re-checks the keys in use. SC's verdict is reported (event, metric, so the alarm
 * sees dead keys) but does not fail the step: there is nothing to promote or roll back, and a failed
 * rotation would only leave AWSPENDING behind. A secret whose AWSCURRENT cannot even be read (empty,
 * malformed, access denied) fails the step: that is a configuration to fix, not a key verdict.
 */
async function revalidateCurrent(ctx: StepContext): Promise<void> {
  const { deps, secretArn } = ctx;
  ctx.deps.logger.info('testSecret: nothing staged; re-validating AWSCURRENT.', { versionId: ctx.token });
  let current: ResolvedApiKeys;
  try {
    current = await ctx.source.get({ versionStage: AWSCURRENT });
  } catch (err) {
    if (!(err instanceof Sc2awsError)) throw err;
    const subject = {
      secretArn,
      versionId: '',
      versionStage: AWSCURRENT,
      trigger: 'rotation',
      step: 'testSecret',
    } as const;
    await reportUnreadableKeys(deps, subject, err);
    throw err;
  }
  await validateKeys(deps, {
    keys: current.keys,
    secretArn: current.secretArn,
    versionId: current.versionId,
    versionStage: AWSCURRENT,
    trigger: 'rotation',
    step: 'testSecret',
  });
}
