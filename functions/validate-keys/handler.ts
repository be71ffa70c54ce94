import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { loadValidateKeysConfig } from '#lib/config';
import { createEventPublisher } from '#lib/events';
import { createLambdaLogger } from '#lib/logging';
import { createLambdaMetrics } from '#lib/metrics';
import { type ChangeDeps, handleValidateKeysEvent, type ValidateKeysResponse } from '#lib/rotation';
import { createScClient } from '#lib/tenable';

// Cold start: configuration is parsed once; a bad value fails the init with one readable line.
const logger = createLambdaLogger('validate-keys');
const config = loadValidateKeysConfig(process.env);
const metrics = createLambdaMetrics('validate-keys');

const deps: Omit<ChangeDeps, 'scClientFor'> = {
  secrets: new SecretsManagerClient({}),
  secretArn: config.sc.secretArn,
  scUrl: config.sc.url,
  ...(config.expectedUsername === undefined ? {} : { expectedUsername: config.expectedUsername }),
  events: createEventPublisher({ client: new EventBridgeClient({}), busName: config.eventBusName }),
  metrics,
  logger,
};

/** Rotation steps, "Secret Label Updated" events and direct validation requests. */
export async function handler(event: unknown, context: Context): Promise<ValidateKeysResponse> {
  logger.addContext(context);
  // SC calls end before the invocation does, so a hung SC still ends in a Key Validation event.
  const remainingMs = () => context.getRemainingTimeInMillis();
  try {
    return await handleValidateKeysEvent(
      { ...deps, scClientFor: (keys) => createScClient(config.sc, { keys, logger, remainingMs }) },
      event,
    );
  } finally {
    metrics.publish();
  }
}
