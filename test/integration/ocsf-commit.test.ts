import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadForwardResultsConfig } from '#lib/config';
import { ErrorCode } from '#lib/errors';
import {
  commitOcsfRun,
  createSecurityLakeWriter,
  OCSF_CLASSES,
  type OcsfFileInfo,
  type OcsfRun,
  ocsfFilesForPart,
  ocsfRunManifestSchema,
  type SecurityLakeWriter,
  storeOcsfFile,
} from '#lib/ocsf';
import { createS3Store, type ObjectStore } from '#lib/sink';
import { listKeys } from '#support/athena-table';
import { deliveredPart } from '#support/ocsf-files';
import { type LocalS3, startS3 } from '#support/s3';
import { localS3ClientConfig } from '../../demo/s3';
import { assetCases, findingCases } from '../unit/ocsf/rows';

const RUN: OcsfRun = {
  dataset: 'vulns',
  runId: '20240404T060000Z-0a1b2c3d',
  dt: '2024-04-04',
  source: 'sc2aws/findings/dataset=vulns/dt=2024-04-04/run=20240404T060000Z-0a1b2c3d/_manifest.json',
  createdAt: '2024-04-04T06:00:00.000Z',
};
const FINDINGS_ROLE = 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsVulns-eu-west-1';
const ASSETS_ROLE = 'arn:aws:iam::123456789012:role/AmazonSecurityLake-Provider-sc2awsHosts-eu-west-1';
const EXTERNAL_ID = 'sc2aws-7f3a9c';
const sts = mockClient(STSClient);

/**
 * Two delivered findings parts of a run, made into OCSF files and stored: what commit expects.
 * `seen`: findings last seen (or fixed) on these times in turn, as in a backfill.
 */
async function storedRun(
  store: ObjectStore,
  dataset: 'vulns' | 'assets' = 'vulns',
  seen: string[] = [],
): Promise<OcsfFileInfo[]> {
  const cases: object[] = Object.values(dataset === 'vulns' ? findingCases : assetCases);
  const rows = cases.map((row, i) => {
    const at = seen[i % Math.max(1, seen.length)];
    const finding = row as { last_mitigated: string | null };
    return at === undefined ? row : { ...row, last_seen: at, last_mitigated: finding.last_mitigated && at };
  });
  const parts: OcsfFileInfo[] = [];
  for (const index of [0, 1]) {
    const part = await deliveredPart(store, dataset, rows.slice(index * 2), RUN.runId, index);
    for (const file of await ocsfFilesForPart(store, dataset, part, { ...RUN, index }))
      parts.push(await storeOcsfFile(store, file));
  }
  return parts;
}

async function body(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array()));
}

describe('committing OCSF runs', () => {
  let data: LocalS3;
  let lakeS3: LocalS3;
  let store: ObjectStore;
  beforeEach(async () => {
    data = await startS3('sc2aws-data');
    lakeS3 = await startS3('aws-security-data-lake-eu-west-1-abc123');
    store = createS3Store({ client: data.client(), bucket: data.bucket, prefix: 'sc2aws' });
    sts.reset();
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'S3RVER',
        SecretAccessKey: 'S3RVER',
        SessionToken: 'session',
        Expiration: new Date(Date.now() + 3600_000),
      },
    });
  });
  afterEach(async () => {
    await data.close();
    await lakeS3.close();
  });

  /** A writer made as forward-results makes it: from its loaded settings. */
  function lake(): SecurityLakeWriter {
    const config = loadForwardResultsConfig({
      DATA_BUCKET: data.bucket,
      EVENT_BUS_NAME: 'sc2aws-test',
      OCSF_OUTPUT: 'security-lake',
      SECURITY_LAKE_BUCKET: lakeS3.bucket,
      SECURITY_LAKE_REGION: 'eu-west-1',
      SECURITY_LAKE_ACCOUNT_ID: '123456789012',
      SECURITY_LAKE_EXTERNAL_ID: EXTERNAL_ID,
      SECURITY_LAKE_FINDINGS_SOURCE: 'sc2awsVulns',
      SECURITY_LAKE_FINDINGS_ROLE_ARN: FINDINGS_ROLE,
      SECURITY_LAKE_ASSETS_SOURCE: 'sc2awsHosts/1.0',
      SECURITY_LAKE_ASSETS_ROLE_ARN: ASSETS_ROLE,
    }).ocsf;
    if (config.output !== 'security-lake') throw new Error('not in security-lake mode');
    const { findings, assets, ...settings } = config.securityLake;
    return createSecurityLakeWriter({
      ...settings,
      sources: {
        [OCSF_CLASSES.vulnerabilityFinding.name]: findings,
        [OCSF_CLASSES.deviceInventoryInfo.name]: assets,
      },
      sts: new STSClient({ region: 'eu-west-1' }),
      s3For: (credentials) => new S3Client({ ...localS3ClientConfig(lakeS3.endpoint), credentials }),
    });
  }

  it('makes a bucket run visible only by its manifest and committed list, naming its Parquet files in order', async () => {
    // Prepare
    const parts = await storedRun(store);
    const listPath =
      'sc2aws/ocsf/committed/class=vulnerability_finding/dataset=vulns/dt=2024-04-04/20240404T060000Z-0a1b2c3d.txt';
    expect(await listKeys({ client: data.client(), bucket: data.bucket })).not.toContain(listPath);

    // Act
    const commit = await commitOcsfRun(store, { kind: 'bucket' }, RUN, parts);

    // Assert
    const list = (await body(data.client(), data.bucket, listPath)).toString();
    expect(parts.map((p) => p.key)).toEqual(
      parts.map(
        (p, i) =>
          `ocsf/class=vulnerability_finding/dataset=vulns/dt=2024-04-04/run=20240404T060000Z-0a1b2c3d/part-0000${i < parts.length / 2 ? 0 : 1}-${p.eventDay}.parquet`,
      ),
    );
    expect(list).toBe(parts.map((p) => `s3://sc2aws-data/sc2aws/${p.key}\n`).join(''));
    const manifest = ocsfRunManifestSchema.parse(
      JSON.parse((await store.getText(commit.manifestKey))?.body ?? ''),
    );
    expect(manifest).toMatchObject({
      manifestVersion: 2,
      kind: 'ocsf',
      classUid: 2002,
      ocsfVersion: '1.3.0',
      bucket: data.bucket,
      // Each part by its key in the bucket, the prefix included.
      parts: parts.map((part) => ({ ...part, key: `sc2aws/${part.key}` })),
      source: RUN.source,
    });
    expect(manifest.totals.rows).toBe(commit.rows);
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  it('copies a run into Security Lake only at commit, through the provider role with its external id, under eventDay keys', async () => {
    // Prepare: a run of 2024-04-04 holding findings of two earlier days (a backfill).
    const parts = await storedRun(store, 'vulns', ['2024-03-30T10:00:00.000Z', '2024-04-01T23:00:00.000Z']);
    expect(await listKeys({ client: lakeS3.client(), bucket: lakeS3.bucket })).toEqual([]);

    // Act
    const commit = await commitOcsfRun(store, { kind: 'security-lake', lake: lake() }, RUN, parts);

    // Assert
    // Each file under the day of its records' time, not the run's day.
    const keys = parts.map(
      (p) =>
        `ext/sc2awsVulns/region=eu-west-1/accountId=123456789012/eventDay=${p.eventDay}/vulns-20240404T060000Z-0a1b2c3d-${p.key.split('/').at(-1)}`,
    );
    expect(parts.map((p) => p.eventDay)).toEqual(['20240330', '20240401', '20240330', '20240401']);
    expect(commit.securityLakeKeys).toEqual(keys);
    expect(await listKeys({ client: lakeS3.client(), bucket: lakeS3.bucket })).toEqual([...keys].sort());
    for (const [i, key] of keys.entries()) {
      const copied = await body(lakeS3.client(), lakeS3.bucket, key);
      expect(copied.equals(await body(data.client(), data.bucket, `sc2aws/${parts[i]?.key}`))).toBe(true);
    }
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: FINDINGS_ROLE,
      ExternalId: EXTERNAL_ID,
    });
    const manifest = JSON.parse((await store.getText(commit.manifestKey))?.body ?? '');
    expect(manifest.securityLake).toEqual({ bucket: lakeS3.bucket, keys });
    expect((await store.getText(commit.committedKey))?.body).toContain('part-00001-20240401.parquet');
  });

  it("files an OCSF file stored before files were split by day (no eventDay, a whole part) under the run's day", async () => {
    // Prepare: what a delivery state saved by an earlier version holds for a part's file.
    const parts = (await storedRun(store)).map(({ eventDay: _day, ...part }) => part);

    // Act
    const commit = await commitOcsfRun(store, { kind: 'security-lake', lake: lake() }, RUN, parts);

    // Assert
    expect(commit.securityLakeKeys).toHaveLength(parts.length);
    for (const key of commit.securityLakeKeys) expect(key).toContain('/eventDay=20240404/vulns-');
  });

  it('sends hosts to their own source and role, and rewrites the same objects when a commit is retried', async () => {
    const run = { ...RUN, dataset: 'assets' as const };
    const parts = await storedRun(store, 'assets');
    const target = { kind: 'security-lake' as const, lake: lake() };

    const first = await commitOcsfRun(store, target, run, parts);
    const second = await commitOcsfRun(store, target, run, parts);

    expect(second).toEqual(first);
    expect(await listKeys({ client: lakeS3.client(), bucket: lakeS3.bucket })).toEqual(
      first.securityLakeKeys,
    );
    expect(first.securityLakeKeys[0]).toMatch(
      /^ext\/sc2awsHosts\/1\.0\/region=eu-west-1\/accountId=123456789012\/eventDay=\d{8}\/assets-/,
    );
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: ASSETS_ROLE,
      ExternalId: EXTERNAL_ID,
    });
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('assumes the provider role again only when its credentials are 5 minutes from expiring', async () => {
    // Prepare
    let now = Date.parse('2026-11-23T10:00:00Z');
    sts.on(AssumeRoleCommand).callsFake(async () => ({
      Credentials: {
        AccessKeyId: 'S3RVER',
        SecretAccessKey: 'S3RVER',
        SessionToken: 'session',
        Expiration: new Date(now + 15 * 60_000),
      },
    }));
    const writer = createSecurityLakeWriter({
      bucket: lakeS3.bucket,
      region: 'eu-west-1',
      accountId: 'external',
      externalId: EXTERNAL_ID,
      sources: { vulnerability_finding: { sourceName: 'sc2awsVulns', roleArn: FINDINGS_ROLE } },
      sts: new STSClient({ region: 'eu-west-1' }),
      s3For: (credentials) => new S3Client({ ...localS3ClientConfig(lakeS3.endpoint), credentials }),
      now: () => now,
    });
    const ocsfClass = OCSF_CLASSES.vulnerabilityFinding;

    // Act
    await writer.put(ocsfClass, 'ext/a.parquet', new Uint8Array([1]));
    now += 9 * 60_000;
    await writer.put(ocsfClass, 'ext/b.parquet', new Uint8Array([2]));
    now += 2 * 60_000;
    await writer.put(ocsfClass, 'ext/c.parquet', new Uint8Array([3]));

    // Assert: 9 minutes in, 6 were left (kept); 11 minutes in, 4 were left (renewed).
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
    expect(await listKeys({ client: lakeS3.client(), bucket: lakeS3.bucket })).toEqual([
      'ext/a.parquet',
      'ext/b.parquet',
      'ext/c.parquet',
    ]);
  });

  it('commits nothing when the Security Lake bucket refuses a file, naming the object', async () => {
    const parts = await storedRun(store);
    const writer = createSecurityLakeWriter({
      bucket: 'no-such-lake-bucket',
      region: 'eu-west-1',
      accountId: '123456789012',
      externalId: EXTERNAL_ID,
      sources: { vulnerability_finding: { sourceName: 'sc2awsVulns', roleArn: FINDINGS_ROLE } },
      sts: new STSClient({ region: 'eu-west-1' }),
      s3For: (credentials) => new S3Client({ ...localS3ClientConfig(lakeS3.endpoint), credentials }),
    });

    const result = commitOcsfRun(store, { kind: 'security-lake', lake: writer }, RUN, parts);

    await expect(result).rejects.toMatchObject({ code: ErrorCode.SecurityLakeWriteFailed });
    await expect(result).rejects.toThrow(/s3:\/\/no-such-lake-bucket\/ext\/sc2awsVulns\/.*NoSuchBucket/);
    const keys = await listKeys({ client: data.client(), bucket: data.bucket });
    expect(keys.some((key) => key.includes('ocsf/committed/'))).toBe(false);
  });

  it('commits nothing when the provider role cannot be assumed, and says which role and what to check', async () => {
    // Prepare
    const parts = await storedRun(store);
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    // Act
    const result = commitOcsfRun(store, { kind: 'security-lake', lake: lake() }, RUN, parts);

    // Assert
    await expect(result).rejects.toMatchObject({ code: ErrorCode.SecurityLakeWriteFailed });
    await expect(result).rejects.toThrow(
      /provider role arn:aws:iam::123456789012:role\/AmazonSecurityLake-Provider-sc2awsVulns.*AccessDenied.*SECURITY_LAKE_EXTERNAL_ID/,
    );
    const keys = await listKeys({ client: data.client(), bucket: data.bucket });
    expect(keys.some((key) => key.includes('ocsf/committed/'))).toBe(false);
    expect(await listKeys({ client: lakeS3.client(), bucket: lakeS3.bucket })).toEqual([]);
  });
});
