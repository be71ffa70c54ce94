import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { loadPullAnalysisConfig } from '#lib/config';
import { createEventPublisher } from '#lib/events';
import { datasetsForEvent, type ExportSummary, exportDatasets, exportSettings } from '#lib/export';
import { createLambdaLogger } from '#lib/logging';
import { createApiKeySource } from '#lib/secrets';
import { createS3Store } from '#lib/sink';
import { ScClient } from '#lib/tenable';

// Cold start: configuration is parsed once; a bad value fails the init with one readable line.
const logger = createLambdaLogger('pull-analysis');
const config = loadPullAnalysisConfig(process.env);
const metrics = new Metrics({ namespace: 'sc2aws', serviceName: 'pull-analysis' });
const keys = createApiKeySource({
  client: new SecretsManagerClient({}),
  secretId: config.sc.secretArn,
  ttlMs: config.sc.keyCacheTtlMs,
});
const store = createS3Store({ client: new S3Client({}), ...config.output });
const events = createEventPublisher({ client: new EventBridgeClient({}), busName: config.eventBusName });
const settings = exportSettings(config);
const record = (
  dataset: string,
  name: string,
  unit: 'Count' | 'Bytes' | 'Seconds' | 'Milliseconds',
  value: number,
) => {
  const single = metrics.singleMetric();
  single.addDimension('dataset', dataset);
  single.addMetric(name, MetricUnit[unit], value);
};

/** The schedule, continuation events, and direct `{"datasets":[…]}` invocations. */
export async function handler(event: unknown, context: Context): Promise<ExportSummary> {
  logger.addContext(context);
  const sc = new ScClient({
    url: config.sc.url,
    keys: {
      current: async () => (await keys.get()).keys,
      refresh: async () => (await keys.get({ forceRefresh: true })).keys,
    },
    ...(config.sc.caBundle === undefined ? {} : { ca: config.sc.caBundle }),
    insecureSkipTlsVerify: config.sc.insecureSkipTlsVerify,
    logger,
    onAttempt: (a) => {
      metrics.addMetric('ScRequestLatency', MetricUnit.Milliseconds, a.durationMs);
      if (a.outcome === 'retry') metrics.addMetric('ScRetries', MetricUnit.Count, 1);
      if (a.code !== undefined) {
        const single = metrics.singleMetric();
        single.addDimension('code', a.code);
        single.addMetric('ScErrors', MetricUnit.Count, 1);
      }
    },
  });
  try {
    return await exportDatasets(
      {
        sc,
        store,
        events,
        logger,
        metrics: { record },
        clock: Date.now,
        remainingMs: () => context.getRemainingTimeInMillis(),
        owner: context.awsRequestId,
        bucket: config.output.bucket,
      },
      settings,
      datasetsForEvent(event, config.datasets),
    );
  } finally {
    await sc.close();
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
