import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { loadValidateKeysConfigs, type ValidateKeysConfig } from '#lib/config';
import { createEventPublisher } from '#lib/events';
import { createLambdaLogger } from '#lib/logging';
import { createLambdaMetrics } from '#lib/metrics';
import {
  type ChangeDeps,
  consoleOfKeysEvent,
  handleValidateKeysEvent,
  type ValidateKeysResponse,
} from '#lib/rotation';
import { createScClient } from '#lib/tenable';

// Cold start: configuration is parsed once; a bad value (of any console) fails the init with one
// readable line.
const logger = createLambdaLogger('validate-keys');
const configs = loadValidateKeysConfigs(process.env);
const metrics = createLambdaMetrics('validate-keys');
const secrets = new SecretsManagerClient({});
const eventBridge = new EventBridgeClient({});

/** One console's secret, SC and events (each Key Validation event names the console). */
function consoleDeps(config: ValidateKeysConfig): Omit<ChangeDeps, 'scClientFor'> {
  return {
    secrets,
    secretArn: config.sc.secretArn,
    scUrl: config.sc.url,
    ...(config.expectedUsername === undefined ? {} : { expectedUsername: config.expectedUsername }),
    events: createEventPublisher({
      client: eventBridge,
      busName: config.eventBusName,
      consoleId: config.consoleId,
    }),
    metrics,
    logger,
  };
}
const consoles = configs.map((config) => ({ config, deps: consoleDeps(config) }));
const keysConsoles = configs.map((c) => ({ consoleId: c.consoleId, secretArn: c.sc.secretArn }));

/** Rotation steps, "Secret Label Updated" events and direct validation requests, for every console. */
export async function handler(event: unknown, context: Context): Promise<ValidateKeysResponse> {
  logger.addContext(context);
  // The console whose secret the event names; an event of no console goes to the first, which
  // ignores a label change of another secret and refuses what it does not handle.
  const named = consoleOfKeysEvent(event, keysConsoles)?.consoleId;
  const { config, deps } =
    consoles.find((c) => c.config.consoleId === named) ?? (consoles[0] as (typeof consoles)[0]);
  logger.appendKeys({ consoleId: config.consoleId });
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
