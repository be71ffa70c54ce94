import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { BUCKET_NAME, CONSOLE_ID } from '#lib/config';
import { consolePrefix, DEFAULT_CONSOLE_ID } from '#lib/product';
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

/** `--console ID`: the console a command works for (README "Several SC consoles"). */
export const CONSOLE_FLAGS = { console: { type: 'string' } } as const;

/** `--console`: checked with the CONSOLE_ID rule, `default` when absent. */
export function consoleFlag(value: string | undefined): string {
  if (value === undefined) return DEFAULT_CONSOLE_ID;
  if (!CONSOLE_ID.pattern.test(value))
    throw new CliUsageError(
      `--console "${value.slice(0, 40)}" ${CONSOLE_ID.problem}. Example: --console ${CONSOLE_ID.example}`,
    );
  return value;
}

/**
 * A data root (a directory or `s3://bucket/prefix`, what the Lambdas' DATA_PREFIX names) and the
 * folders of its consoles. Every command works in one console's folder, exactly as the Lambdas do,
 * so the CLI and the Lambdas continue each other's cursors, deliveries and lifecycle.
 */
export interface DataRoot extends CliStore {
  /** The console's folder as a location the CLI takes (`DIR/console=<id>`, `s3://b/p/console=<id>`). */
  consoleLocation(consoleId: string): string;
  /** The store of the console's folder. */
  console(consoleId: string): CliStore;
}

/** `--out DIR|s3://bucket/prefix|discard:` as a data root (`discard:` throws every console away). */
export function dataRootFor(location: string, env: NodeJS.ProcessEnv, flag = '--out'): DataRoot {
  const root = storeFor(location, env, flag);
  const consoleLocation = (consoleId: string): string => {
    if (location === 'discard:') return location;
    if (!location.startsWith('s3://')) return join(location, consolePrefix('', consoleId));
    const { bucket, prefix } = parseS3Uri(location, flag);
    return `s3://${bucket}/${consolePrefix(prefix, consoleId)}`;
  };
  return { ...root, consoleLocation, console: (id) => storeFor(consoleLocation(id), env, flag) };
}
