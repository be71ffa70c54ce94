import { S3Client } from '@aws-sdk/client-s3';
import { BUCKET_NAME } from '#lib/config';
import { createDiscardStore, createLocalStore, createS3Store, type ObjectStore } from '#lib/sink';
import { CliUsageError } from './exit-codes';

/** A store of the CLI and, for S3, its bucket (events name it). */
export interface CliStore {
  store: ObjectStore;
  bucket?: string;
}

/**
 * An S3 store with the user's credentials, region and endpoint (the SDK's own environment
 * variables, `AWS_ENDPOINT_URL_S3` included), as `export --out s3://` and `deliver` use.
 */
export function s3Store(bucket: string, prefix: string, env: NodeJS.ProcessEnv): CliStore {
  return { store: createS3Store({ client: s3ClientFor(env), bucket, prefix }), bucket };
}

/** An S3 client with the user's region (the SDK reads credentials and endpoint itself). */
export function s3ClientFor(env: NodeJS.ProcessEnv): S3Client {
  return new S3Client({ region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1' });
}

/** Splits `s3://bucket/prefix`, refusing an invalid bucket name with `flag` in the message. */
export function parseS3Uri(uri: string, flag: string): { bucket: string; prefix: string } {
  const s3 = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(uri);
  const bucket = s3?.[1] ?? '';
  if (!BUCKET_NAME.pattern.test(bucket)) {
    throw new CliUsageError(
      `${flag} "${uri.slice(0, 80)}" has no valid bucket name. Example: s3://my-bucket/sc2aws`,
    );
  }
  return { bucket, prefix: (s3?.[2] ?? '').replace(/\/+$/, '') };
}

/** `--out DIR|s3://bucket/prefix|discard:` (the flag is named `flag` in messages). */
export function storeFor(out: string, env: NodeJS.ProcessEnv, flag = '--out'): CliStore {
  if (out === 'discard:') return { store: createDiscardStore() };
  if (/^[a-z][a-z0-9+.-]*:/i.test(out) && !out.startsWith('s3://')) {
    throw new CliUsageError(`${flag} "${out.slice(0, 80)}" is neither a directory nor s3://bucket/prefix.`);
  }
  if (!out.startsWith('s3://')) return { store: createLocalStore(out) };
  const { bucket, prefix } = parseS3Uri(out, flag);
  return s3Store(bucket, prefix, env);
}
