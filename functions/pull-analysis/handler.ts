import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { loadPullAnalysisConfig } from '#lib/config';
import { createEventPublisher } from '#lib/events';
import { datasetsForEvent, type ExportSummary, exportDatasets, exportSettings } from '#lib/export';
import { createLambdaLogger } from '#lib/logging';
import { createLambdaMetrics } from '#lib/metrics';
import { createApiKeySource, keyProviderOf } from '#lib/secrets';
import { createS3Store } from '#lib/sink';
import { createScClient } from '#lib/tenable';

// Cold start: configuration is parsed once; a bad value fails the init with one readable line.
const logger = createLambdaLogger('pull-analysis');
const config = loadPullAnalysisConfig(process.env);
const metrics = createLambdaMetrics('pull-analysis');
const keys = keyProviderOf(
  createApiKeySource({
    client: new SecretsManagerClient({}),
    secretId: config.sc.secretArn,
    ttlMs: config.sc.keyCacheTtlMs,
  }),
);
const store = createS3Store({ client: new S3Client({}), ...config.output });
const events = createEventPublisher({ client: new EventBridgeClient({}), busName: config.eventBusName });
const settings = exportSettings(config);
const shared = { store, events, logger, metrics, clock: Date.now };

/** The schedule, continuation events, and direct `{"datasets":[…]}` invocations. */
export async function handler(event: unknown, context: Context): Promise<ExportSummary> {
  logger.addContext(context);
  const remainingMs = () => context.getRemainingTimeInMillis();
  const sc = createScClient(config.sc, { keys, logger, metrics, remainingMs });
  try {
    return await exportDatasets(
      {
        ...shared,
        sc,
        remainingMs,
        owner: context.awsRequestId,
      },
      settings,
      datasetsForEvent(event, config.datasets),
    );
  } finally {
    await sc.close();
    metrics.publish();
  }
}
