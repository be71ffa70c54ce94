import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:sc2aws/sc-keys-AbCdEf';

interface Version {
  value?: string;
  stages: string[];
}

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: {} });
}

/**
 * A stateful Secrets Manager for one secret, behind aws-sdk-client-mock: versions, staging labels
 * that move the way the service moves them (a label lives on one version; moving AWSCURRENT moves
 * AWSPREVIOUS), DescribeSecret's VersionIdsToStages, and RotateSecret recorded.
 */
export function fakeSecretsManager(options: { rotationEnabled?: boolean } = {}) {
  const mock = mockClient(SecretsManagerClient);
  const versions = new Map<string, Version>();
  const state = { rotationEnabled: options.rotationEnabled ?? true, rotations: 0 };

  const holder = (label: string) => [...versions.entries()].find(([, v]) => v.stages.includes(label))?.[0];
  const attach = (id: string, label: string) => {
    if (label === 'AWSCURRENT') {
      const previous = holder('AWSCURRENT');
      if (previous !== undefined && previous !== id) attach(previous, 'AWSPREVIOUS');
    }
    for (const v of versions.values()) v.stages = v.stages.filter((s) => s !== label);
    const version = versions.get(id) ?? { stages: [] };
    version.stages.push(label);
    versions.set(id, version);
  };

  mock.on(DescribeSecretCommand).callsFake(() => ({
    ARN: SECRET_ARN,
    Name: 'sc2aws/sc-keys',
    RotationEnabled: state.rotationEnabled,
    VersionIdsToStages: Object.fromEntries(
      [...versions.entries()].filter(([, v]) => v.stages.length > 0).map(([id, v]) => [id, [...v.stages]]),
    ),
  }));
  mock.on(GetSecretValueCommand).callsFake((input: { VersionId?: string; VersionStage?: string }) => {
    const id = input.VersionId ?? holder(input.VersionStage ?? 'AWSCURRENT');
    const version = id === undefined ? undefined : versions.get(id);
    if (id === undefined || version?.value === undefined) {
      throw notFound(
        "Secrets Manager can't find the specified secret value for the requested version or staging label.",
      );
    }
    if (input.VersionStage !== undefined && !version.stages.includes(input.VersionStage)) {
      throw notFound(
        `Secrets Manager can't find the specified secret value for staging label: ${input.VersionStage}`,
      );
    }
    return {
      ARN: SECRET_ARN,
      Name: 'sc2aws/sc-keys',
      VersionId: id,
      SecretString: version.value,
      VersionStages: [...version.stages],
    };
  });
  mock
    .on(PutSecretValueCommand)
    .callsFake((input: { ClientRequestToken?: string; SecretString?: string; VersionStages?: string[] }) => {
      const id = input.ClientRequestToken ?? `v-${versions.size + 1}`;
      const existing = versions.get(id);
      if (existing?.value !== undefined && existing.value !== input.SecretString) {
        throw new Error(
          'ResourceExistsException: a version with this ClientRequestToken already has another value',
        );
      }
      versions.set(id, { value: input.SecretString, stages: existing?.stages ?? [] });
      for (const label of input.VersionStages ?? ['AWSCURRENT']) attach(id, label);
      return { ARN: SECRET_ARN, VersionId: id, VersionStages: versions.get(id)?.stages };
    });
  mock
    .on(UpdateSecretVersionStageCommand)
    .callsFake((input: { VersionStage: string; MoveToVersionId?: string; RemoveFromVersionId?: string }) => {
      const current = holder(input.VersionStage);
      if (
        input.MoveToVersionId !== undefined &&
        current !== undefined &&
        current !== input.RemoveFromVersionId &&
        current !== input.MoveToVersionId
      ) {
        throw new Error(
          'InvalidParameterException: the label is attached to another version than RemoveFromVersionId',
        );
      }
      if (input.MoveToVersionId !== undefined) attach(input.MoveToVersionId, input.VersionStage);
      else if (input.RemoveFromVersionId !== undefined) {
        const v = versions.get(input.RemoveFromVersionId);
        if (v) v.stages = v.stages.filter((s) => s !== input.VersionStage);
      }
      return { ARN: SECRET_ARN };
    });
  mock.on(RotateSecretCommand).callsFake(() => {
    if (!state.rotationEnabled) {
      throw Object.assign(new Error('No Lambda rotation function ARN is associated with this secret.'), {
        name: 'InvalidRequestException',
      });
    }
    state.rotations += 1;
    return { ARN: SECRET_ARN };
  });

  return {
    mock,
    state,
    versions,
    /** Adds a version directly (what an earlier rotation or an operator left behind). */
    put(id: string, value: string | undefined, stages: string[]) {
      versions.set(id, { ...(value === undefined ? {} : { value }), stages: [] });
      for (const label of stages) attach(id, label);
    },
    holder,
    client: () =>
      new SecretsManagerClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      }),
  };
}
