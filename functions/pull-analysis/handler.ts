import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { loadPullAnalysisConfigs, type PullAnalysisConfig } from '#lib/config';
import { createEventPublisher } from '#lib/events';
import { type ExportSummary, exportDatasets, exportRequestOf, exportSettings } from '#lib/export';
import { createLambdaLogger } from '#lib/logging';
import { createLambdaMetrics } from '#lib/metrics';
import { consolePrefix } from '#lib/product';
import { createApiKeySource, keyProviderOf } from '#lib/secrets';
import { createS3Store, legacyLayoutCheck } from '#lib/sink';
import { createScClient } from '#lib/tenable';

// Cold start: configuration is parsed once; a bad value (of any console) fails the init with one
// readable line.
const logger = createLambdaLogger('pull-analysis');
const configs = loadPullAnalysisConfigs(process.env);
const metrics = createLambdaMetrics('pull-analysis');
const s3 = new S3Client({});
const secrets = new SecretsManagerClient({});
const eventBridge = new EventBridgeClient({});

/** One console's keys, store (under its `console=<id>` folder), events and settings. */
function consoleContext(config: PullAnalysisConfig) {
  const keys = keyProviderOf(
    createApiKeySource({ client: secrets, secretId: config.sc.secretArn, ttlMs: config.sc.keyCacheTtlMs }),
  );
  const prefix = consolePrefix(config.output.prefix, config.consoleId);
  return {
    config,
    keys,
    store: createS3Store({ client: s3, ...config.output, prefix }),
    events: createEventPublisher({
      client: eventBridge,
      busName: config.eventBusName,
      consoleId: config.consoleId,
    }),
    settings: exportSettings(config),
  };
}
const consoles = new Map(configs.map((config) => [config.consoleId, consoleContext(config)]));
// A prefix from before consoles is refused until moved (lib/sink/console-layout.ts).
const layoutChecked = legacyLayoutCheck(
  createS3Store({ client: s3, ...(configs[0] as PullAnalysisConfig).output }),
);

/** Each console's schedule (`{"console":"<id>"}`), continuation events, and direct invocations. */
export async function handler(event: unknown, context: Context): Promise<ExportSummary> {
  logger.addContext(context);
  const request = exportRequestOf(event, configs);
  const { config, keys, store, events, settings } = consoles.get(request.consoleId) as ReturnType<
    typeof consoleContext
  >;
  logger.appendKeys({ consoleId: request.consoleId });
  await layoutChecked();
  const remainingMs = () => context.getRemainingTimeInMillis();
  const sc = createScClient(config.sc, { keys, logger, metrics, remainingMs });
  try {
    return await exportDatasets(
      {
        store,
        events,
        logger,
        metrics,
        clock: Date.now,
        sc,
        consoleId: config.consoleId,
        remainingMs,
        owner: context.awsRequestId,
      },
      settings,
      request.datasets,
    );
  } finally {
    await sc.close();
    metrics.publish();
  }
}
