import { existsSync } from 'node:fs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { loadForwardResultsConfig } from '#lib/config';
import {
  createPartRunner,
  type DeliveryOutcome,
  deliverRun,
  deliveryThreads,
  manifestKeyForEvent,
  ocsfTargetOf,
  type PartRunner,
  securityHubDeliveryOf,
} from '#lib/delivery';
import { createEventPublisher } from '#lib/events';
import { createLambdaLogger } from '#lib/logging';
import { createLambdaMetrics } from '#lib/metrics';
import { createS3Store } from '#lib/sink';

// Cold start: configuration is parsed once; a bad value fails the init with one readable line.
const logger = createLambdaLogger('forward-results');
const config = loadForwardResultsConfig(process.env);
const store = createS3Store({ client: new S3Client({}), ...config.output });
const events = createEventPublisher({ client: new EventBridgeClient({}), busName: config.eventBusName });
// OCSF (the Parquet writer, STS) is loaded only when it is on: with it off, a cold start never pays for it.
const ocsf = await ocsfTargetOf(config.ocsf);
const metrics = createLambdaMetrics('forward-results');
// The bundle ships part-worker.mjs beside this file; from source (tests) parts run inline.
const workerUrl = new URL('./part-worker.mjs', import.meta.url);
// Threads start on the first delivery, not at init, and stay for the warm invocations after it.
let runner: PartRunner | undefined;

/**
 * `Export Completed` events, `Delivery Continuation Requested` (a delivery that ran out of time)
 * and direct `{"manifest":"s3://…/_manifest.json"}` redeliveries.
 */
export async function handler(event: unknown, context: Context): Promise<DeliveryOutcome> {
  logger.addContext(context);
  const key = manifestKeyForEvent(event, config.output.bucket, config.output.prefix);
  runner ??= createPartRunner(
    deliveryThreads(config.deliveryThreads),
    existsSync(workerUrl) ? workerUrl : undefined,
  );
  // Security Hub (its client) is loaded only when it is on; its account and Region are the function's.
  const securityHub = await securityHubDeliveryOf(config.securityHub, context.invokedFunctionArn, metrics);
  try {
    return await deliverRun(
      {
        store,
        events,
        logger,
        runner,
        ...(ocsf === undefined ? {} : { ocsf }),
        ...(securityHub === undefined ? {} : { securityHub }),
        remainingMs: () => context.getRemainingTimeInMillis(),
        owner: context.awsRequestId,
      },
      {
        pluginOutputMaxBytes: config.pluginOutputMaxBytes,
        timeGuardMs: config.timeGuardMs,
        maxInvocations: config.maxInvocations,
      },
      key,
    );
  } finally {
    metrics.publish();
  }
}
