import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type ApiKeySource, type ScApiKeys, SecretNotFoundError } from '#lib/secrets';
import { holderOf, type LabelTarget, removeLabel, STAGED_LABEL, type Stages } from './labels';
import type { ValidationDeps } from './validate';

export interface RotationDeps extends ValidationDeps {
  secrets: Pick<SecretsManagerClient, 'send'>;
}

/** What every rotation step works with: the secret as DescribeSecret showed it at the step's start. */
export interface StepContext {
  deps: RotationDeps;
  /** Reads keys by version or stage, uncached: a step must see what is stored now. */
  source: ApiKeySource;
  secretArn: string;
  /** The rotation's ClientRequestToken: the id of the version being rotated in. */
  token: string;
  stages: Stages;
}

export function labelTarget(ctx: StepContext): LabelTarget {
  return { secrets: ctx.deps.secrets, secretArn: ctx.secretArn, stages: ctx.stages };
}

/** GetSecretValue's answer for a version that exists but has no value yet (ResourceNotFoundException). */
export function isEmptyVersion(err: unknown): boolean {
  return err instanceof SecretNotFoundError && err.reason === 'missing';
}

/** The token version's keys, or undefined while it has no value (nothing was staged). */
export async function tokenKeys(ctx: StepContext): Promise<ScApiKeys | undefined> {
  try {
    return (await ctx.source.get({ versionId: ctx.token })).keys;
  } catch (err) {
    if (isEmptyVersion(err)) return undefined;
    throw err;
  }
}

/**
 * Takes {@link STAGED_LABEL} off the staged version when it holds `keys` (the pair this rotation
 * copied, now promoted or refused), so no later rotation handles them again. Keys an operator staged
 * since then are different and stay staged.
 */
export async function unstage(ctx: StepContext, keys: ScApiKeys): Promise<void> {
  const staged = holderOf(ctx.stages, STAGED_LABEL);
  if (staged === undefined || staged === ctx.token) return;
  const stagedKeys = await ctx.source.get({ versionId: staged }).then(
    (resolved) => resolved.keys,
    () => undefined, // unreadable staged keys are not ours to clean up
  );
  if (stagedKeys?.equals(keys)) await removeLabel(labelTarget(ctx), STAGED_LABEL, staged);
}
