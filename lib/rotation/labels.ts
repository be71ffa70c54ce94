import { type SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';

/**
 * The staging label `sc2aws keys stage` puts on new keys. Not AWSPENDING: Secrets Manager attaches
 * AWSPENDING to the rotation's own token version, and RotateSecret refuses to start while
 * AWSPENDING sits on a version other than AWSCURRENT (RotateSecret API reference). createSecret
 * copies the staged keys into the token version; finishSecret removes this label again.
 */
export const STAGED_LABEL = 'SC2AWS_STAGED';

/**
 * testSecret's proof: the version whose keys `/rest/currentUser` accepted in this rotation.
 * finishSecret promotes only a version that carries it (a direct invoke of finishSecret cannot
 * promote untested keys), and removes it as its very last act, so a retried finishSecret that finds
 * the token already AWSCURRENT still holding it knows its cleanup did not finish. A version's value
 * never changes, so the label vouches for exactly the keys that were tested.
 */
export const TESTED_LABEL = 'SC2AWS_TESTED';

/**
 * testSecret's negative verdict: the version whose keys SC refused for good (rejected keys, another
 * user, an unreadable value). AWSPENDING is taken off that version at once, so the secret is never
 * stuck; when Secrets Manager retries that rotation with the same token, every step finds this label
 * and ends without calling SC again (see rejected.ts).
 */
export const REJECTED_LABEL = 'SC2AWS_REJECTED';

/** DescribeSecret's `VersionIdsToStages`: version id → its staging labels. */
export type Stages = Record<string, string[]>;

/** The version a label is on, if any (a label sits on one version at most). */
export function holderOf(stages: Stages, label: string): string | undefined {
  return Object.entries(stages).find(([, labels]) => labels.includes(label))?.[0];
}

export interface LabelTarget {
  secrets: Pick<SecretsManagerClient, 'send'>;
  secretArn: string;
  stages: Stages;
}

/**
 * Puts `label` on `versionId`. Secrets Manager wants the version that holds a label now named in
 * `RemoveFromVersionId` when the label moves, so it is looked up in `stages`. No call when the label
 * is already there (steps are retried).
 */
export async function moveLabel(target: LabelTarget, label: string, versionId: string): Promise<void> {
  const holder = holderOf(target.stages, label);
  if (holder === versionId) return;
  await target.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: target.secretArn,
      VersionStage: label,
      MoveToVersionId: versionId,
      ...(holder === undefined ? {} : { RemoveFromVersionId: holder }),
    }),
  );
}

/** Takes `label` off `versionId`; no call when it is not there. */
export async function removeLabel(target: LabelTarget, label: string, versionId: string): Promise<void> {
  if (!(target.stages[versionId] ?? []).includes(label)) return;
  await target.secrets.send(
    new UpdateSecretVersionStageCommand({
      SecretId: target.secretArn,
      VersionStage: label,
      RemoveFromVersionId: versionId,
    }),
  );
}
