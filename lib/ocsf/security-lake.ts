import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_CONSOLE_ID } from '#lib/product';
import { describeCause } from '#lib/sink';
import type { OcsfClass } from './constants';
import { SecurityLakeWriteError } from './errors';
import { PARQUET_CONTENT_TYPE } from './part-file';

/** One Security Lake custom source: one per OCSF class, each with its provider role. */
export interface SecurityLakeSource {
  /**
   * The source's folder under `ext/`, as its `provider.location` names it: `<name>/<version>` when
   * the location has a version folder (create-custom-log-source with a source version), else `<name>`.
   */
  sourceName: string;
  /** `arn:aws:iam::<account>:role/AmazonSecurityLake-Provider-<source>-<region>`. */
  roleArn: string;
}

export interface SecurityLakeOptions {
  /** The Security Lake bucket (`aws-security-data-lake-<region>-<id>`). */
  bucket: string;
  /** The `region=` partition and the bucket's region. */
  region: string;
  /** The `accountId=` partition: the account the data is about (`external` for data from outside AWS). */
  accountId: string;
  /** The external id both sources were registered with (their provider roles' trust condition). */
  externalId: string;
  /** Sources by OCSF class folder name (`vulnerability_finding`, `device_inventory_info`). */
  sources: Record<string, SecurityLakeSource>;
  sts: STSClient;
  /** An S3 client acting with the provider role's credentials (tests point it at a local S3). */
  s3For?: (credentials: () => Promise<AssumedCredentials>) => S3Client;
  /** Epoch ms; credentials are renewed 5 minutes before they expire. */
  now?: () => number;
}

export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Writes OCSF files into Security Lake, through each source's provider role. */
export interface SecurityLakeWriter {
  readonly bucket: string;
  /**
   * `ext/<source>/region=<region>/accountId=<id>/eventDay=<YYYYMMDD>/<dataset>-<runId>-<file name>`:
   * `eventDay` is the UTC day of the file's records' `time` (each file holds one day); the name is
   * fixed per run, part and day, so a retried commit overwrites the same objects. A console other
   * than `default` starts the name with `<console>-`: run ids come from the window, so two consoles
   * on one schedule have the same ones, and the sources are shared.
   */
  keyFor(
    ocsfClass: OcsfClass,
    run: { dataset: string; runId: string; consoleId?: string },
    fileKey: string,
    eventDay: string,
  ): string;
  put(ocsfClass: OcsfClass, key: string, body: Uint8Array): Promise<void>;
}

const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * A {@link SecurityLakeWriter}: STS AssumeRole on the source's provider role with the external id
 * Security Lake set as its trust condition (credentials cached per role until 5 minutes before
 * they expire), then PutObject into the Security Lake bucket. No encryption header is sent: the
 * bucket's default encryption (Security Lake's own KMS key or SSE-S3) applies.
 *
 * @example
 * ```ts
 * const { findings, assets, ...lake } = config.ocsf.securityLake; // loadForwardResultsConfig
 * const writer = createSecurityLakeWriter({
 *   ...lake,
 *   sources: { [OCSF_CLASSES.vulnerabilityFinding.name]: findings, [OCSF_CLASSES.deviceInventoryInfo.name]: assets },
 *   sts: new STSClient({}),
 * });
 * ```
 */
export function createSecurityLakeWriter(options: SecurityLakeOptions): SecurityLakeWriter {
  const now = options.now ?? Date.now;
  const s3For = options.s3For ?? ((credentials) => new S3Client({ region: options.region, credentials }));
  const clients = new Map<string, S3Client>();

  const sourceOf = (ocsfClass: OcsfClass): SecurityLakeSource => {
    const source = options.sources[ocsfClass.name];
    if (source === undefined) throw new Error(`no Security Lake source for OCSF class ${ocsfClass.name}`);
    return source;
  };

  const clientFor = (source: SecurityLakeSource): S3Client => {
    let client = clients.get(source.roleArn);
    if (client === undefined) {
      let cached: AssumedCredentials | undefined;
      const credentials = async (): Promise<AssumedCredentials> => {
        if (cached !== undefined && cached.expiration.getTime() - RENEW_BEFORE_MS > now()) return cached;
        cached = await assumeRole(options.sts, source.roleArn, options.externalId);
        return cached;
      };
      client = s3For(credentials);
      clients.set(source.roleArn, client);
    }
    return client;
  };

  return {
    bucket: options.bucket,
    keyFor(ocsfClass, run, fileKey, eventDay) {
      const name = fileKey.slice(fileKey.lastIndexOf('/') + 1);
      const consolePart =
        run.consoleId === undefined || run.consoleId === DEFAULT_CONSOLE_ID ? '' : `${run.consoleId}-`;
      return `ext/${sourceOf(ocsfClass).sourceName}/region=${options.region}/accountId=${options.accountId}/eventDay=${eventDay}/${consolePart}${run.dataset}-${run.runId}-${name}`;
    },
    async put(ocsfClass, key, body) {
      const client = clientFor(sourceOf(ocsfClass));
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: options.bucket,
            Key: key,
            Body: body,
            ContentType: PARQUET_CONTENT_TYPE,
          }),
        );
      } catch (err) {
        if (err instanceof SecurityLakeWriteError) throw err;
        throw new SecurityLakeWriteError(`s3://${options.bucket}/${key}`, describeCause(err), { cause: err });
      }
    },
  };
}

async function assumeRole(sts: STSClient, roleArn: string, externalId: string): Promise<AssumedCredentials> {
  try {
    const answer = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, ExternalId: externalId, RoleSessionName: 'sc2aws-ocsf' }),
    );
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration)
      throw new Error('AssumeRole answered without credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  } catch (err) {
    throw new SecurityLakeWriteError(`the provider role ${roleArn}`, describeCause(err), { cause: err });
  }
}
