import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { localS3ClientConfig, startLocalS3 } from '../../demo/s3';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /**
   * A new client for s3rver (path style, its credentials, WHEN_REQUIRED checksums; aws-notes §3),
   * with `config` on top (a retry strategy).
   */
  client(config?: Partial<S3ClientConfig>): S3Client;
  /**
   * What a process (a Lambda handler loaded in the test, the CLI) needs in its environment to use
   * this s3rver as S3: the region, s3rver's credentials, the endpoint, WHEN_REQUIRED checksums.
   */
  environment(): Record<string, string>;
  close(): Promise<void>;
}

/** s3rver on 127.0.0.1 (random port) with one bucket, in a temp directory removed on close. */
export async function startS3(bucket = 'sc2aws-test'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'sc2aws-s3rver-'));
  const s3 = await startLocalS3(directory, bucket);
  return {
    endpoint: s3.endpoint,
    bucket,
    client: (config = {}) => new S3Client({ ...localS3ClientConfig(s3.endpoint), ...config }),
    environment: () => ({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    }),
    close: async () => {
      await s3.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
