import { mkdir } from 'node:fs/promises';
import { GetObjectCommand, ListObjectsCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver';
import { makeS3rverHonourConditionalWrites, makeS3rverReadAfterWriteConsistent } from './s3rver-consistency';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  client: S3Client;
  /** Every object of the bucket: key and bytes. */
  objects(): Promise<{ key: string; body: Buffer }[]>;
  close(): Promise<void>;
}

/**
 * S3 client settings for s3rver: path style, its fixed credentials, and WHEN_REQUIRED checksums —
 * with the default, the SDK streams aws-chunked framing that s3rver stores verbatim (aws-notes §3).
 */
export function localS3ClientConfig(endpoint: string): S3ClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/**
 * Takes out s3rver's request log. Even with `silent`, s3rver formats a coloured line for every
 * request (koa-logger, then winston's format chain) before its muted transport drops it: about 4% of
 * the CPU of a test that talks to S3, for lines nobody sees. Koa builds its chain when the server
 * starts, so removing the middleware before that is enough; errors still reach s3rver's logger.
 */
function withoutRequestLog(server: { middleware: { name: string }[] }): void {
  server.middleware = server.middleware.filter((middleware) => middleware.name !== 'logger');
}

/**
 * s3rver on 127.0.0.1 (random port), keeping its files in `directory`, read-after-write consistent
 * and honouring conditional writes like S3.
 */
export async function startLocalS3(directory: string, bucket: string): Promise<LocalS3> {
  makeS3rverReadAfterWriteConsistent();
  makeS3rverHonourConditionalWrites();
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  withoutRequestLog(server);
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client(localS3ClientConfig(endpoint));
  return {
    endpoint,
    bucket,
    client,
    async objects() {
      const out: { key: string; body: Buffer }[] = [];
      // ListObjects (v1) with Marker, not v2: s3rver makes v2's continuation token with DES, which
      // Node's OpenSSL 3 refuses, so a v2 listing of more than 1,000 keys fails with InternalError.
      let marker: string | undefined;
      for (;;) {
        const page = await client.send(
          new ListObjectsCommand({ Bucket: bucket, ...(marker !== undefined ? { Marker: marker } : {}) }),
        );
        for (const item of page.Contents ?? []) {
          const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: item.Key }));
          out.push({
            key: item.Key ?? '',
            body: Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array())),
          });
        }
        marker = page.Contents?.at(-1)?.Key;
        if (page.IsTruncated !== true || marker === undefined) break;
      }
      return out;
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
