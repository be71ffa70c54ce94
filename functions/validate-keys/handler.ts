import { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { loadValidateKeysConfig } from '#lib/config';
import { createEventPublisher } from '#lib/events';
import { createLambdaLogger } from '#lib/logging';
import { type ChangeDeps, handleValidateKeysEvent, type ValidateKeysResponse } from '#lib/rotation';
import { ScClient } from '#lib/tenable';

// Cold start: configuration is parsed once; a bad value fails the init with one readable line.
const logger = createLambdaLogger('validate-keys');
const config = loadValidateKeysConfig(process.env);
const metrics = new Metrics({ namespace: 'sc2aws', serviceName: 'validate-keys' });
const secrets = new SecretsManagerClient({});

const deps: ChangeDeps = {
  secrets,
  secretArn: config.sc.secretArn,
  scUrl: config.sc.url,
  ...(config.expectedUsername === undefined ? {} : { expectedUsername: config.expectedUsername }),
  events: createEventPublisher({ client: new EventBridgeClient({}), busName: config.eventBusName }),
  metrics,
  logger,
  scClientFor: (keys) =>
    new ScClient({
      url: config.sc.url,
      keys,
      ...(config.sc.caBundle === undefined ? {} : { ca: config.sc.caBundle }),
      insecureSkipTlsVerify: config.sc.insecureSkipTlsVerify,
      logger,
    }),
};

/** Rotation steps, "Secret Label Updated" events and direct validation requests. */
export async function handler(event: unknown, context: Context): Promise<ValidateKeysResponse> {
  logger.addContext(context);
  try {
    return await handleValidateKeysEvent(deps, event);
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
