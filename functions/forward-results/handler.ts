import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { loadForwardResultsConfig } from '#lib/config';
import { type DeliveryResult, deliverRun, manifestKeyForEvent } from '#lib/delivery';
import { createEventPublisher } from '#lib/events';
import { createLambdaLogger } from '#lib/logging';
import { createS3Store } from '#lib/sink';

// Cold start: configuration is parsed once; a bad value fails the init with one readable line.
const logger = createLambdaLogger('forward-results');
const config = loadForwardResultsConfig(process.env);
const store = createS3Store({ client: new S3Client({}), ...config.output });
const events = createEventPublisher({ client: new EventBridgeClient({}), busName: config.eventBusName });

/** `Export Completed` events and direct `{"manifest":"s3://…/_manifest.json"}` redeliveries. */
export async function handler(event: unknown, context: Context): Promise<DeliveryResult> {
  logger.addContext(context);
  const key = manifestKeyForEvent(event, config.output.bucket, config.output.prefix);
  return deliverRun(
    { store, events, logger, bucket: config.output.bucket },
    { pluginOutputMaxBytes: config.pluginOutputMaxBytes, partSizeBytes: config.partSizeBytes },
    key,
  );
}
