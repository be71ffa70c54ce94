import { createHash } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import type { SimulatorHandle } from '#sim';
import type { LocalS3 } from '#support/s3';

/** One console of the deployment under test: its id, its SC and the keys its secret holds. */
export interface TestConsole {
  id: string;
  sim: SimulatorHandle;
  /** What the console's secret holds; default the simulator's own keys. */
  secretValue?: string;
}

export interface PublishedEvent {
  type: string;
  detail: Record<string, unknown>;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const secretArnOf = (id: string) =>
  `arn:aws:secretsmanager:us-east-1:123456789012:secret:sc2aws/${id}/sc-keys-${createHash('sha256').update(id).digest('hex').slice(0, 6)}`;

/** A Lambda context with `ms` left, counting down. */
export function contextWith(ms: number, id = 'r-1'): Context {
  const end = performance.now() + ms;
  return {
    functionName: 'sc2aws',
    awsRequestId: id,
    getRemainingTimeInMillis: () => end - performance.now(),
  } as unknown as Context;
}

/**
 * One deployment of several consoles as Lambda runs it: the three handler modules loaded with SC_CONSOLES, s3rver as the bucket, one Secrets Manager secret per
 * console (matched by ARN, as the functions ask for it), EventBridge recorded.
 */
export function consolesDeployment(s3: LocalS3) {
  const eventBridge = mockClient(EventBridgeClient);
  const secrets = mockClient(SecretsManagerClient);
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  const saved = { ...process.env };

  const published = (): PublishedEvent[] =>
    eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => ({ type: e.DetailType ?? '', detail: JSON.parse(e.Detail ?? '{}') }));

  return {
    published,
    secretsRead: () => secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId),
    secretWrites: () => secrets.calls().filter((c) => !(c.args[0] instanceof GetSecretValueCommand)).length,

    /** Loads both functions as a cold start with these consoles configured. */
    async load(consoles: readonly TestConsole[], extra: Record<string, string> = {}) {
      for (const c of consoles) {
        secrets.on(GetSecretValueCommand, { SecretId: secretArnOf(c.id) }).resolves({
          ARN: secretArnOf(c.id),
          VersionId: `v-${c.id}`,
          VersionStages: ['AWSCURRENT'],
          SecretString:
            c.secretValue ?? `accesskey=${c.sim.keys.accessKey}; secretkey=${c.sim.keys.secretKey};`,
        });
      }
      vi.resetModules();
      process.env = {
        ...saved,
        ...s3.environment(),
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        EVENT_BUS_NAME: 'sc2aws',
        DATA_BUCKET: s3.bucket,
        DATA_PREFIX: 'sc2aws',
        SC_CONSOLES: JSON.stringify(
          consoles.map((c) => ({
            id: c.id,
            url: c.sim.url,
            secretArn: secretArnOf(c.id),
            caBundle: c.sim.caPem,
            datasets: ['vulns', 'assets'],
          })),
        ),
        ...extra,
      };
      const pull = (await import('../../functions/pull-analysis/handler')).handler as Handler;
      const forward = (await import('../../functions/forward-results/handler')).handler as Handler;
      const validate = (await import('../../functions/validate-keys/handler')).handler as Handler;
      return { pull, forward, validate };
    },

    /** Every object of the bucket under `prefix`, by key, as a digest of its bytes. */
    async objects(prefix: string): Promise<Map<string, string>> {
      const client = s3.client();
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
      const out = new Map<string, string>();
      for (const { Key } of listed.Contents ?? []) {
        const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key }));
        const bytes = await got.Body?.transformToByteArray();
        out.set(
          Key ?? '',
          createHash('sha256')
            .update(bytes ?? new Uint8Array())
            .digest('hex'),
        );
      }
      return out;
    },

    async text(key: string): Promise<string> {
      const got = await s3.client().send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
      return (await got.Body?.transformToString('utf8')) ?? '';
    },

    restore() {
      process.env = saved;
      eventBridge.restore();
      secrets.restore();
    },
  };
}
