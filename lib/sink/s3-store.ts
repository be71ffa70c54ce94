import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ErrorCode } from '#lib/errors';
import { describeCause, SinkError, StoreConflictError } from './errors';
import type { ObjectStore, ObjectUpload, PutTextOptions, StoredText } from './object-store';

export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix without a trailing slash, e.g. `sc2aws`; '' for the bucket root. */
  prefix?: string;
  /** Encrypt with this KMS key; S3-managed keys (SSE-S3) otherwise. */
  kmsKeyArn?: string;
  /** Multipart part size (≥ 5 MiB); with `queueSize` it bounds the upload buffer. */
  partSizeBytes?: number;
  queueSize?: number;
}

const MiB = 1024 * 1024;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** `key` without the store's prefix, or undefined when it is not under it. */
function keyUnder(prefix: string, key: string): string | undefined {
  if (prefix === '') return key;
  return key.startsWith(`${prefix}/`) ? key.slice(prefix.length + 1) : undefined;
}

function isConflict(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'PreconditionFailed' ||
    e?.name === 'ConditionalRequestConflict' ||
    e?.$metadata?.httpStatusCode === 412
  );
}

/**
 * S3 as the output store. Large objects stream through lib-storage's multipart Upload, so memory is
 * bounded by `partSizeBytes × queueSize` whatever the object size; small JSON objects use PutObject
 * with S3's conditional writes (If-Match / If-None-Match) for the state object.
 *
 * @example
 * ```ts
 * const store = createS3Store({ client: new S3Client({}), bucket: 'my-bucket', prefix: 'sc2aws' });
 * ```
 */
export function createS3Store(options: S3StoreOptions): ObjectStore {
  const { client, bucket } = options;
  const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const full = (key: string) => (prefix === '' ? key : `${prefix}/${key}`);
  const encryption: Partial<PutObjectCommandInput> =
    options.kmsKeyArn === undefined
      ? { ServerSideEncryption: 'AES256' }
      : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: options.kmsKeyArn };
  const where = (key: string) => `s3://${bucket}/${full(key)}`;
  const writeFailed = (key: string, err: unknown) =>
    new SinkError(
      ErrorCode.SinkWriteFailed,
      `Writing ${where(key)} failed (${describeCause(err)}). Fix: check the bucket exists, the function's role may s3:PutObject there${options.kmsKeyArn ? ' and use the KMS key' : ''}; transient S3 errors are retried by the next run.`,
    );

  return {
    location: `s3://${bucket}${prefix === '' ? '' : `/${prefix}`}`,
    uri: (key) => where(key),
    bucket,
    bucketKey: (key) => full(key),
    keyOf: (bucketKey) => keyUnder(prefix, bucketKey),
    async getText(key): Promise<StoredText | undefined> {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
        return { body: (await out.Body?.transformToString('utf8')) ?? '', etag: out.ETag ?? '' };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        const denied = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403;
        throw new SinkError(
          ErrorCode.SinkReadFailed,
          denied
            ? `Reading ${where(key)} was refused (${describeCause(err)}): either the object does not exist (without s3:ListBucket S3 answers 403 for a missing key) or the role may not read it. Fix: check the key, and that the function's role may s3:GetObject there.`
            : `Reading ${where(key)} failed (${describeCause(err)}). Fix: check the function's role may s3:GetObject there.`,
        );
      }
    },
    async putText(key, body, opts: PutTextOptions = {}) {
      try {
        const out = await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: full(key),
            Body: body,
            ContentType: opts.contentType ?? 'application/json',
            ...encryption,
            ...(opts.ifMatch === undefined ? {} : { IfMatch: opts.ifMatch }),
            ...(opts.ifNoneMatch === undefined ? {} : { IfNoneMatch: opts.ifNoneMatch }),
          }),
        );
        return { etag: out.ETag ?? '' };
      } catch (err) {
        if (isConflict(err)) throw new StoreConflictError(where(key));
        throw writeFailed(key, err);
      }
    },
    openUpload(key, contentType): ObjectUpload {
      const stream = new PassThrough();
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: full(key), Body: stream, ContentType: contentType, ...encryption },
        partSize: Math.max(5 * MiB, options.partSizeBytes ?? 8 * MiB),
        queueSize: options.queueSize ?? 2,
        leavePartsOnError: false,
      });
      const finished = upload.done().then(
        () => undefined,
        (err: unknown) => {
          stream.destroy();
          throw writeFailed(key, err);
        },
      );
      // Observed through done(); a rejection before anyone awaits must not crash the process.
      finished.catch(() => {});
      return {
        stream,
        done: () => finished,
        abort: async () => {
          stream.destroy();
          await upload.abort().catch(() => {});
          await finished.catch(() => {});
        },
      };
    },
    async getStream(key): Promise<Readable> {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
        return out.Body as Readable;
      } catch (err) {
        throw new SinkError(
          ErrorCode.SinkReadFailed,
          `Reading ${where(key)} failed (${describeCause(err)}). Fix: check the key exists and the role may read it.`,
        );
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full(key) })).catch((err: unknown) => {
        if (!isNotFound(err)) throw writeFailed(key, err);
      });
    },
  };
}
