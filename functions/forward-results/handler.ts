import { existsSync } from 'node:fs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { loadForwardResultsConfig } from '#lib/config';
import {
  createPartRunner,
  type DeliveryOutcome,
  deliverRun,
  deliveryRequestOf,
  deliveryThreads,
  ocsfTargetOf,
  type PartRunner,
  securityHubDeliveryOf,
} from '#lib/delivery';
import { createEventPublisher } from '#lib/events';
import { createLambdaLogger } from '#lib/logging';
import { createLambdaMetrics } from '#lib/metrics';
import { consolePrefix } from '#lib/product';
import { createS3Store, legacyLayoutCheck } from '#lib/sink';

// Cold start: configuration is parsed once; a bad value fails the init with one readable line.
const logger = createLambdaLogger('forward-results');
const config = loadForwardResultsConfig(process.env);
const s3 = new S3Client({});
const eventBridge = new EventBridgeClient({});
// What the consoles share (the Security Hub sender lease) lives under the data prefix; each console's
// runs and state under its own `console=<id>/` folder, with events that name it.
const deploymentStore = createS3Store({ client: s3, ...config.output });
// A prefix from before consoles is refused until moved (lib/sink/console-layout.ts).
const layoutChecked = legacyLayoutCheck(deploymentStore);
const consoles = new Map(
  config.consoleIds.map((consoleId) => [
    consoleId,
    {
      store: createS3Store({
        client: s3,
        ...config.output,
        prefix: consolePrefix(config.output.prefix, consoleId),
      }),
      events: createEventPublisher({ client: eventBridge, busName: config.eventBusName, consoleId }),
    },
  ]),
);
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
  const request = deliveryRequestOf(event, config.output.bucket, config.output.prefix, config.consoleIds);
  const { store, events } = consoles.get(request.consoleId) as NonNullable<ReturnType<typeof consoles.get>>;
  logger.appendKeys({ consoleId: request.consoleId });
  await layoutChecked();
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
        deploymentStore,
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
      request.manifestKey,
    );
  } finally {
    metrics.publish();
  }
}
