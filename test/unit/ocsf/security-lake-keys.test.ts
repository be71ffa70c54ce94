import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { createSecurityLakeWriter, OCSF_CLASSES } from '#lib/ocsf';

describe('Security Lake object keys', () => {
  const writer = createSecurityLakeWriter({
    bucket: 'aws-security-data-lake-eu-west-1-abc',
    region: 'eu-west-1',
    accountId: '123456789012',
    externalId: 'sc2aws-7f3a9c',
    sources: { vulnerability_finding: { sourceName: 'sc2awsVulns/1.0', roleArn: 'arn:aws:iam::1:role/x' } },
    sts: new STSClient({ region: 'eu-west-1' }),
  });
  const key = (consoleId?: string) =>
    writer.keyFor(
      OCSF_CLASSES.vulnerabilityFinding,
      {
        dataset: 'vulns',
        runId: '20261207T100000Z-0a1b2c3d',
        ...(consoleId === undefined ? {} : { consoleId }),
      },
      'ocsf/class=vulnerability_finding/dataset=vulns/dt=2026-12-07/run=20261207T100000Z-0a1b2c3d/part-00000-20261206.parquet',
      '20261206',
    );

  it("keep the default console's names, and give another console's runs of the same window their own", () => {
    const folder = 'ext/sc2awsVulns/1.0/region=eu-west-1/accountId=123456789012/eventDay=20261206/';

    expect(key()).toBe(`${folder}vulns-20261207T100000Z-0a1b2c3d-part-00000-20261206.parquet`);
    expect(key('default')).toBe(key());
    expect(key('emea')).toBe(`${folder}emea-vulns-20261207T100000Z-0a1b2c3d-part-00000-20261206.parquet`);
  });
});
