import { randomUUID } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

export const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:sc2aws/sc-keys-AbCdEf';
export const ROTATION_LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:sc2aws-prod-validateKeys';

interface Version {
  value?: string | undefined;
  stages: string[];
}

function notFound(message: string): ResourceNotFoundException {
  return new ResourceNotFoundException({ message, $metadata: {} });
}

/** A failure to inject into the next call of a command whose input matches. */
interface InjectedFailure {
  command: string;
  matches: (input: Record<string, unknown>) => boolean;
  error: Error;
}

/**
 * A stateful Secrets Manager for one secret, behind aws-sdk-client-mock: versions, staging labels
 * that move the way the service moves them (a label lives on one version; moving AWSCURRENT moves
 * AWSPREVIOUS; a move must name the label's current holder in RemoveFromVersionId),
 * DescribeSecret's VersionIdsToStages (labelled versions only) and rotation configuration, and
 * RotateSecret as the service does it: refused without a rotation Lambda, refused while AWSPENDING
 * sits on a version that is not AWSCURRENT ("a previous rotation isn't complete"; that rotation's
 * token is recorded as reattempted), otherwise an empty version labelled AWSPENDING whose id is the
 * token Secrets Manager would invoke the rotation Lambda with.
 */
export function fakeSecretsManager(options: { rotationEnabled?: boolean } = {}) {
  const mock = mockClient(SecretsManagerClient);
  const versions = new Map<string, Version>();
  const rotationEnabled = options.rotationEnabled ?? true;
  const state: {
    rotationEnabled: boolean;
    rotationLambdaArn: string | undefined;
    rotations: number;
    /** The token of each rotation RotateSecret started, oldest first. */
    tokens: string[];
    /** Tokens of unfinished rotations a refused RotateSecret said it would reattempt. */
    reattempted: string[];
  } = {
    rotationEnabled,
    rotationLambdaArn: rotationEnabled ? ROTATION_LAMBDA_ARN : undefined,
    rotations: 0,
    tokens: [],
    reattempted: [],
  };
  const failures: InjectedFailure[] = [];
  const failIfInjected = (command: string, input: Record<string, unknown>) => {
    const at = failures.findIndex((f) => f.command === command && f.matches(input));
    const failure = failures[at];
    if (failure === undefined) return;
    failures.splice(at, 1);
    throw failure.error;
  };

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
    ...(state.rotationLambdaArn === undefined ? {} : { RotationLambdaARN: state.rotationLambdaArn }),
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
      failIfInjected('UpdateSecretVersionStage', input);
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
  mock.on(RotateSecretCommand).callsFake((input: { ClientRequestToken?: string }) => {
    if (state.rotationLambdaArn === undefined) {
      throw new InvalidRequestException({
        message: 'No Lambda rotation function ARN is associated with this secret.',
        $metadata: {},
      });
    }
    const pending = holder('AWSPENDING');
    if (pending !== undefined && !versions.get(pending)?.stages.includes('AWSCURRENT')) {
      state.reattempted.push(pending);
      throw new InvalidRequestException({
        message: "A previous rotation isn't complete. That rotation will be reattempted.",
        $metadata: {},
      });
    }
    const token = input.ClientRequestToken ?? randomUUID();
    versions.set(token, { stages: [] });
    attach(token, 'AWSPENDING');
    state.rotationEnabled = true;
    state.rotations += 1;
    state.tokens.push(token);
    return { ARN: SECRET_ARN, VersionId: token };
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
    /** Makes the next `command` call whose input matches fail with `error` (once). */
    failNext(
      command: 'UpdateSecretVersionStage',
      matches: (input: Record<string, unknown>) => boolean,
      error: Error,
    ) {
      failures.push({ command, matches, error });
    },
    client: () =>
      new SecretsManagerClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      }),
  };
}
