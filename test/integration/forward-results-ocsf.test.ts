// @module-tag runtime
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { exportDataset } from '#lib/export';
import { listKeys } from '#support/athena-table';
import { type ExportHarness, exportHarness } from '#support/export-harness';
import { withDuckDb } from '#support/ocsf-files';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const context = {
  functionName: 'forward-results',
  awsRequestId: 'r-ocsf',
  getRemainingTimeInMillis: () => 900_000,
} as Context;
const LAKE_BUCKET = 'aws-security-data-lake-eu-west-1-abc123';
const FINDINGS_ROLE = 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsVulns-eu-west-1';
const ASSETS_ROLE = 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsHosts-eu-west-1';

/** The forward-results handler as Lambda loads it with OCSF_OUTPUT=security-lake, over s3rver. */
describe('functions/forward-results handler, OCSF to Security Lake', () => {
  let h: ExportHarness;
  const eb = mockClient(EventBridgeClient);
  const sts = mockClient(STSClient);
  const saved = { ...process.env };

  beforeAll(async () => {
    h = await exportHarness({ store: 's3' });
    await h.s3?.client().send(new CreateBucketCommand({ Bucket: LAKE_BUCKET }));
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'S3RVER',
        SecretAccessKey: 'S3RVER',
        SessionToken: 'session',
        Expiration: new Date(Date.now() + 3600_000),
      },
    });
    vi.resetModules();
    process.env = {
      ...saved,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: h.s3?.endpoint,
      AWS_S3_FORCE_PATH_STYLE: 'true',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      DATA_BUCKET: h.s3?.bucket,
      DATA_PREFIX: 'sc2aws',
      EVENT_BUS_NAME: 'sc2aws-test',
      OCSF_OUTPUT: 'security-lake',
      SECURITY_LAKE_BUCKET: LAKE_BUCKET,
      SECURITY_LAKE_REGION: 'eu-west-1',
      SECURITY_LAKE_ACCOUNT_ID: '123456789012',
      SECURITY_LAKE_EXTERNAL_ID: 'sc2aws-external-id',
      // provider.location as create-custom-log-source returns it, version folder included.
      SECURITY_LAKE_FINDINGS_SOURCE: `s3://${LAKE_BUCKET}/ext/sc2awsVulns/1.0/`,
      SECURITY_LAKE_FINDINGS_ROLE_ARN: FINDINGS_ROLE,
      SECURITY_LAKE_ASSETS_SOURCE: 'sc2awsHosts',
      SECURITY_LAKE_ASSETS_ROLE_ARN: ASSETS_ROLE,
    };
  });
  afterAll(async () => {
    process.env = saved;
    await h.close();
  });

  it('delivers a run, then copies its OCSF files into the custom source through the provider role', async () => {
    await exportDataset(h.deps(), h.settings(), 'vulns');
    const completed = h.events.find((e) => e.detailType === 'Export Completed');
    const { handler } = await import('../../functions/forward-results/handler');
    const result = await handler(
      { source: 'sc2aws', 'detail-type': 'Export Completed', detail: completed?.detail },
      context,
    );
    if (result.status !== 'delivered') throw new Error(`not delivered: ${result.status}`);
    expect(result.ocsf).toMatchObject({ rows: result.rows });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: FINDINGS_ROLE,
      ExternalId: 'sc2aws-external-id',
    });
    expect(sts).not.toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: ASSETS_ROLE });
    const client = h.s3?.client();
    if (client === undefined) throw new Error('no s3rver');
    const lakeKeys = await listKeys({ client, bucket: LAKE_BUCKET });
    expect(lakeKeys.length).toBe(result.ocsf?.files);
    for (const key of lakeKeys) {
      expect(key).toMatch(
        /^ext\/sc2awsVulns\/1\.0\/region=eu-west-1\/accountId=123456789012\/eventDay=(\d{8})\/vulns-[\w-]+-part-\d{5}-\1\.parquet$/,
      );
    }
    // OCSF_VERSION unset: Security Lake gets OCSF 1.1.0.
    const first = await client.send(
      new GetObjectCommand({ Bucket: LAKE_BUCKET, Key: lakeKeys[0] as string }),
    );
    const bytes = await first.Body?.transformToByteArray();
    await withDuckDb(bytes as Uint8Array, async (query) => {
      const versions = await query('SELECT DISTINCT metadata.version AS v FROM read_parquet($file)');
      expect(versions.map((row) => row.v)).toEqual(['1.1.0']);
      const columns = (await query('DESCRIBE SELECT * FROM read_parquet($file)')).map((c) => c.column_name);
      expect(columns).toContain('resource');
      expect(columns).not.toContain('resources');
    });
    const dataKeys = await listKeys({ client, bucket: h.s3?.bucket as string });
    expect(
      dataKeys.some((k) =>
        k.startsWith('sc2aws/console=default/ocsf/committed/class=vulnerability_finding/'),
      ),
    ).toBe(true);
  });
});
