import { describe, expect, it } from 'vitest';
import { ConfigError, loadForwardResultsConfig } from '#lib/config';
import { securityHubDeliveryOf, targetOfFunctionArn } from '#lib/delivery';
import { noMetrics } from '#lib/metrics';

const BASE = { DATA_BUCKET: 'my-sc2aws-data', EVENT_BUS_NAME: 'sc2aws-prod' };
const FUNCTION_ARN = 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:sc2aws-prod-forward-results';

describe('forward-results Security Hub settings', () => {
  it('sends nothing to Security Hub unless asked', async () => {
    const config = loadForwardResultsConfig(BASE);

    expect(config.securityHub).toEqual({ output: 'off' });
    expect(await securityHubDeliveryOf(config.securityHub, FUNCTION_ARN, noMetrics)).toBeUndefined();
  });

  it('reads the floor and the refresh with their defaults when on (Low, 30 days)', () => {
    expect(loadForwardResultsConfig({ ...BASE, SECURITY_HUB_OUTPUT: 'on' }).securityHub).toEqual({
      output: 'on',
      severityFloor: 1,
      refreshDays: 30,
    });
    expect(
      loadForwardResultsConfig({
        ...BASE,
        SECURITY_HUB_OUTPUT: 'on',
        SECURITY_HUB_SEVERITY_FLOOR: '3',
        SECURITY_HUB_REFRESH_DAYS: '60',
      }).securityHub,
    ).toEqual({ output: 'on', severityFloor: 3, refreshDays: 60 });
  });

  it('refuses a refresh period Security Hub would outlast (90 days) with one line naming the variable', () => {
    expect(() =>
      loadForwardResultsConfig({ ...BASE, SECURITY_HUB_OUTPUT: 'on', SECURITY_HUB_REFRESH_DAYS: '90' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadForwardResultsConfig({ ...BASE, SECURITY_HUB_OUTPUT: 'on', SECURITY_HUB_REFRESH_DAYS: '90' }),
    ).toThrow(/SECURITY_HUB_REFRESH_DAYS/);
  });

  it("sends to the function's own account, Region and partition", async () => {
    const config = loadForwardResultsConfig({ ...BASE, SECURITY_HUB_OUTPUT: 'on' });

    const delivery = await securityHubDeliveryOf(config.securityHub, FUNCTION_ARN, noMetrics);

    expect(targetOfFunctionArn(FUNCTION_ARN)).toEqual({
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      accountId: '123456789012',
    });
    expect(delivery).toMatchObject({
      target: { partition: 'aws-us-gov', region: 'us-gov-west-1', accountId: '123456789012' },
      severityFloor: 1,
      refreshDays: 30,
    });
    expect(typeof delivery?.call).toBe('function');
  });
});
