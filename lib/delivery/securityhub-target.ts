import type { SecurityHubOutputConfig } from '#lib/config';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import type { Metrics } from '#lib/metrics';
import type { SecurityHubDelivery } from './securityhub-phase';

/** The account, Region and partition of a Lambda function's ARN: where its findings belong. */
export function targetOfFunctionArn(arn: string): { accountId: string; region: string; partition: string } {
  const match = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:/.exec(arn);
  if (match === null)
    throw new Sc2awsError(
      ErrorCode.Internal,
      `The function ARN "${arn.slice(0, 120)}" does not name an account and Region; Security Hub output needs both.`,
    );
  return { partition: match[1] as string, region: match[2] as string, accountId: match[3] as string };
}

let client: unknown;

/**
 * SECURITY_HUB_OUTPUT as a delivery's Security Hub target: undefined when off. The Security Hub
 * client is loaded only when it is on (one per container, `maxAttempts: 1`: lib/securityhub
 * retries itself, within the token bucket).
 *
 * @example
 * ```ts
 * const securityHub = await securityHubDeliveryOf(config.securityHub, context.invokedFunctionArn, metrics);
 * ```
 */
export async function securityHubDeliveryOf(
  config: SecurityHubOutputConfig,
  functionArn: string,
  metrics: Metrics,
): Promise<SecurityHubDelivery | undefined> {
  if (config.output !== 'on') return undefined;
  const [{ SecurityHubClient }, { securityHubImportCall }] = await Promise.all([
    import('@aws-sdk/client-securityhub'),
    import('#lib/securityhub'),
  ]);
  client ??= new SecurityHubClient({ maxAttempts: 1 });
  return {
    call: securityHubImportCall(client as InstanceType<typeof SecurityHubClient>),
    target: targetOfFunctionArn(functionArn),
    severityFloor: config.severityFloor,
    refreshDays: config.refreshDays,
    metrics,
  };
}
