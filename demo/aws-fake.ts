import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the Secrets Manager and EventBridge HTTP APIs on 127.0.0.1, for the demo:
 * both are JSON-over-HTTP (awsJson1_1) with the operation in `X-Amz-Target`, so the real AWS SDK
 * talks to it through `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL_EVENTBRIDGE`.
 * One secret per console, each with a rotation Lambda, labels that move as the service moves them,
 * RotateSecret refused while AWSPENDING sits on a version that is not current, and every PutEvents
 * entry recorded.
 */
export interface FakeEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  resources: string[];
  time: string;
}

/** One secret of the fake: its versions and labels. */
export interface FakeSecret {
  arn: string;
  name: string;
  put(value: string, stages: string[]): string;
  holder(label: string): string | undefined;
}

export interface AwsFake {
  endpoint: string;
  /** Every event put on the bus, and every native Secrets Manager event, in order. */
  events: FakeEvent[];
  /** Every BatchImportFindings call's findings, in order (Security Hub's restJson API, `--securityhub`). */
  securityHubImports: Record<string, unknown>[][];
  /** Called for each new event (the demo routes them like EventBridge rules would). */
  onEvent: (event: FakeEvent) => void;
  /** Called when RotateSecret starts a rotation of a secret; the demo then runs the rotation steps. */
  onRotate: (secretArn: string, token: string) => void;
  /** Creates a secret (empty, rotation enabled) named `name`. */
  addSecret(name: string): FakeSecret;
  close(): Promise<void>;
}

interface Version {
  value?: string;
  stages: string[];
  created: number;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface SecretState extends FakeSecret {
  versions: Map<string, Version>;
  attach(id: string, label: string): void;
}

export async function startAwsFake(): Promise<AwsFake> {
  const secrets = new Map<string, SecretState>();
  const rotationLambdaArn = 'arn:aws:lambda:us-east-1:123456789012:function:sc2aws-demo-validate-keys';

  const fake: AwsFake = {
    endpoint: '',
    events: [],
    securityHubImports: [],
    onEvent: () => {},
    onRotate: () => {},
    addSecret: (name) => {
      const secret = newSecret(name);
      secrets.set(secret.arn, secret);
      return secret;
    },
    close: async () => {},
  };

  const emit = (event: Omit<FakeEvent, 'time'>) => {
    const full = { ...event, time: new Date().toISOString() };
    fake.events.push(full);
    fake.onEvent(full);
  };

  function newSecret(name: string): SecretState {
    const secret: SecretState = {
      arn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-Dm0AbC`,
      name,
      versions: new Map(),
      put: (value, stages) => {
        const id = randomUUID();
        secret.versions.set(id, { value, stages: [], created: Date.now() / 1000 });
        for (const label of stages) secret.attach(id, label);
        return id;
      },
      holder: (label) => [...secret.versions.entries()].find(([, v]) => v.stages.includes(label))?.[0],
      attach: (id, label) => {
        const previous = secret.holder(label);
        if (label === 'AWSCURRENT' && previous !== undefined && previous !== id)
          secret.attach(previous, 'AWSPREVIOUS');
        for (const v of secret.versions.values()) v.stages = v.stages.filter((s) => s !== label);
        const version = secret.versions.get(id) ?? { stages: [], created: Date.now() / 1000 };
        version.stages.push(label);
        secret.versions.set(id, version);
        // The native "Secret Label Updated" event fires for every label but AWSPENDING and AWSPREVIOUS.
        if (label !== 'AWSPENDING' && label !== 'AWSPREVIOUS' && previous !== id) {
          emit({
            source: 'aws.secretsmanager',
            'detail-type': 'Secret Label Updated',
            detail: { name, labelUpdated: label, versionId: id },
            resources: [secret.arn],
          });
        }
      },
    };
    return secret;
  }

  /** The secret a call names by ARN or by name, as Secrets Manager accepts either. */
  const secretOf = (input: Record<string, unknown>): SecretState => {
    const id = String(input.SecretId ?? '');
    const found = secrets.get(id) ?? [...secrets.values()].find((s) => s.name === id);
    if (found === undefined)
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return found;
  };

  const secretsManager: Record<string, (input: Record<string, unknown>) => unknown> = {
    DescribeSecret: (input) => {
      const { arn: ARN, name: Name, versions } = secretOf(input);
      return {
        ARN,
        Name,
        RotationEnabled: true,
        RotationLambdaARN: rotationLambdaArn,
        VersionIdsToStages: Object.fromEntries(
          [...versions.entries()].filter(([, v]) => v.stages.length > 0).map(([id, v]) => [id, v.stages]),
        ),
      };
    },
    GetSecretValue: (input) => {
      const secret = secretOf(input);
      const id =
        (input.VersionId as string | undefined) ??
        secret.holder((input.VersionStage as string | undefined) ?? 'AWSCURRENT');
      const version = id === undefined ? undefined : secret.versions.get(id);
      const stage = input.VersionStage as string | undefined;
      if (
        id === undefined ||
        version?.value === undefined ||
        (stage !== undefined && !version.stages.includes(stage))
      ) {
        throw new AwsError(
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret value for the requested version or staging label.",
        );
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: id,
        SecretString: version.value,
        VersionStages: version.stages,
        CreatedDate: version.created,
      };
    },
    PutSecretValue: (input) => {
      const secret = secretOf(input);
      const id = (input.ClientRequestToken as string | undefined) ?? randomUUID();
      const existing = secret.versions.get(id);
      secret.versions.set(id, {
        value: input.SecretString as string,
        stages: existing?.stages ?? [],
        created: Date.now() / 1000,
      });
      for (const label of (input.VersionStages as string[] | undefined) ?? ['AWSCURRENT'])
        secret.attach(id, label);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: id,
        VersionStages: secret.versions.get(id)?.stages,
      };
    },
    UpdateSecretVersionStage: (input) => {
      const secret = secretOf(input);
      const label = input.VersionStage as string;
      if (input.MoveToVersionId !== undefined) secret.attach(input.MoveToVersionId as string, label);
      else if (input.RemoveFromVersionId !== undefined) {
        const v = secret.versions.get(input.RemoveFromVersionId as string);
        if (v) v.stages = v.stages.filter((s) => s !== label);
      }
      return { ARN: secret.arn, Name: secret.name };
    },
    RotateSecret: (input) => {
      const secret = secretOf(input);
      const pending = secret.holder('AWSPENDING');
      if (pending !== undefined && !secret.versions.get(pending)?.stages.includes('AWSCURRENT')) {
        throw new AwsError(
          'InvalidRequestException',
          "A previous rotation isn't complete. That rotation will be reattempted.",
        );
      }
      const token = randomUUID();
      secret.versions.set(token, { stages: [], created: Date.now() / 1000 });
      secret.attach(token, 'AWSPENDING');
      setImmediate(() => fake.onRotate(secret.arn, token));
      return { ARN: secret.arn, Name: secret.name, VersionId: token };
    },
  };

  const eventBridge: Record<string, (input: Record<string, unknown>) => unknown> = {
    PutEvents: (input) => {
      const entries =
        (input.Entries as { Source: string; DetailType: string; Detail: string; Resources?: string[] }[]) ??
        [];
      for (const e of entries) {
        emit({
          source: e.Source,
          'detail-type': e.DetailType,
          detail: JSON.parse(e.Detail),
          resources: e.Resources ?? [],
        });
      }
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) };
    },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // Security Hub speaks restJson: BatchImportFindings is POST /findings/import; it takes them all.
      if (req.method === 'POST' && req.url === '/findings/import') {
        const { Findings = [] } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          Findings?: Record<string, unknown>[];
        };
        fake.securityHubImports.push(Findings);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ FailedCount: 0, SuccessCount: Findings.length, FailedFindings: [] }));
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const [service, operation = ''] = target.split('.');
      const handlers =
        service === 'secretsmanager' ? secretsManager : service === 'AWSEvents' ? eventBridge : {};
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      try {
        const handler = handlers[operation];
        if (handler === undefined)
          throw new AwsError('UnknownOperationException', `The demo fake does not implement ${target}.`);
        const body = Buffer.concat(chunks).toString('utf8');
        res.end(JSON.stringify(handler(body === '' ? {} : (JSON.parse(body) as Record<string, unknown>))));
      } catch (err) {
        const e =
          err instanceof AwsError ? err : new AwsError('InternalServiceError', (err as Error).message);
        res.statusCode = 400;
        res.setHeader('x-amzn-errortype', e.type);
        res.end(JSON.stringify({ __type: e.type, message: e.message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
