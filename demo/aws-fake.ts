import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the Secrets Manager and EventBridge HTTP APIs on 127.0.0.1, for the demo:
 * both are JSON-over-HTTP (awsJson1_1) with the operation in `X-Amz-Target`, so the real AWS SDK
 * talks to it through `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL_EVENTBRIDGE`.
 * One secret with a rotation Lambda, labels that move as the service moves them, RotateSecret refused
 * while AWSPENDING sits on a version that is not current, and every PutEvents entry recorded.
 */
export interface FakeEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  resources: string[];
  time: string;
}

export interface AwsFake {
  endpoint: string;
  secretArn: string;
  /** Every event put on the bus, and every native Secrets Manager event, in order. */
  events: FakeEvent[];
  /** Every BatchImportFindings call's findings, in order (Security Hub's restJson API, `--securityhub`). */
  securityHubImports: Record<string, unknown>[][];
  /** Called for each new event (the demo routes them like EventBridge rules would). */
  onEvent: (event: FakeEvent) => void;
  /** Called when RotateSecret starts a rotation; the demo then runs the rotation steps. */
  onRotate: (token: string) => void;
  put(value: string, stages: string[]): string;
  holder(label: string): string | undefined;
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

export async function startAwsFake(name = 'sc2aws/demo/sc-keys'): Promise<AwsFake> {
  const secretArn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-Dm0AbC`;
  const versions = new Map<string, Version>();
  let rotationEnabled = true;
  const rotationLambdaArn = 'arn:aws:lambda:us-east-1:123456789012:function:sc2aws-demo-validate-keys';

  const fake: AwsFake = {
    endpoint: '',
    secretArn,
    events: [],
    securityHubImports: [],
    onEvent: () => {},
    onRotate: () => {},
    put: (value, stages) => {
      const id = randomUUID();
      versions.set(id, { value, stages: [], created: Date.now() / 1000 });
      for (const label of stages) attach(id, label);
      return id;
    },
    holder: (label) => [...versions.entries()].find(([, v]) => v.stages.includes(label))?.[0],
    close: async () => {},
  };

  const emit = (event: Omit<FakeEvent, 'time'>) => {
    const full = { ...event, time: new Date().toISOString() };
    fake.events.push(full);
    fake.onEvent(full);
  };

  function attach(id: string, label: string): void {
    const previous = fake.holder(label);
    if (label === 'AWSCURRENT' && previous !== undefined && previous !== id) attach(previous, 'AWSPREVIOUS');
    for (const v of versions.values()) v.stages = v.stages.filter((s) => s !== label);
    const version = versions.get(id) ?? { stages: [], created: Date.now() / 1000 };
    version.stages.push(label);
    versions.set(id, version);
    // The native "Secret Label Updated" event fires for every label but AWSPENDING and AWSPREVIOUS.
    if (label !== 'AWSPENDING' && label !== 'AWSPREVIOUS' && previous !== id) {
      emit({
        source: 'aws.secretsmanager',
        'detail-type': 'Secret Label Updated',
        detail: { name, labelUpdated: label, versionId: id },
        resources: [secretArn],
      });
    }
  }

  const secretsManager: Record<string, (input: Record<string, unknown>) => unknown> = {
    DescribeSecret: () => ({
      ARN: secretArn,
      Name: name,
      RotationEnabled: rotationEnabled,
      ...(rotationEnabled ? { RotationLambdaARN: rotationLambdaArn } : {}),
      VersionIdsToStages: Object.fromEntries(
        [...versions.entries()].filter(([, v]) => v.stages.length > 0).map(([id, v]) => [id, v.stages]),
      ),
    }),
    GetSecretValue: (input) => {
      const id =
        (input.VersionId as string | undefined) ??
        fake.holder((input.VersionStage as string | undefined) ?? 'AWSCURRENT');
      const version = id === undefined ? undefined : versions.get(id);
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
        ARN: secretArn,
        Name: name,
        VersionId: id,
        SecretString: version.value,
        VersionStages: version.stages,
        CreatedDate: version.created,
      };
    },
    PutSecretValue: (input) => {
      const id = (input.ClientRequestToken as string | undefined) ?? randomUUID();
      const existing = versions.get(id);
      versions.set(id, {
        value: input.SecretString as string,
        stages: existing?.stages ?? [],
        created: Date.now() / 1000,
      });
      for (const label of (input.VersionStages as string[] | undefined) ?? ['AWSCURRENT']) attach(id, label);
      return { ARN: secretArn, Name: name, VersionId: id, VersionStages: versions.get(id)?.stages };
    },
    UpdateSecretVersionStage: (input) => {
      const label = input.VersionStage as string;
      if (input.MoveToVersionId !== undefined) attach(input.MoveToVersionId as string, label);
      else if (input.RemoveFromVersionId !== undefined) {
        const v = versions.get(input.RemoveFromVersionId as string);
        if (v) v.stages = v.stages.filter((s) => s !== label);
      }
      return { ARN: secretArn, Name: name };
    },
    RotateSecret: () => {
      if (!rotationEnabled)
        throw new AwsError(
          'InvalidRequestException',
          'No Lambda rotation function ARN is associated with this secret.',
        );
      const pending = fake.holder('AWSPENDING');
      if (pending !== undefined && !versions.get(pending)?.stages.includes('AWSCURRENT')) {
        throw new AwsError(
          'InvalidRequestException',
          "A previous rotation isn't complete. That rotation will be reattempted.",
        );
      }
      const token = randomUUID();
      versions.set(token, { stages: [], created: Date.now() / 1000 });
      attach(token, 'AWSPENDING');
      setImmediate(() => fake.onRotate(token));
      return { ARN: secretArn, Name: name, VersionId: token };
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
  return Object.assign(fake, {
    setRotationEnabled(enabled: boolean) {
      rotationEnabled = enabled;
    },
  });
}
