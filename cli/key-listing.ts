import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { ErrorCode, NodeCode } from '#lib/errors';
import type { KeyLister } from '#lib/lifecycle';
import { describeCause, SinkError } from '#lib/sink';
import { parseS3Uri, s3ClientFor } from './stores';

/** Keys under a prefix of a directory: its files, as relative keys with `/`. */
function directoryLister(directory: string): KeyLister {
  return async (prefix) => {
    const base = join(directory, prefix);
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(
      (err: NodeJS.ErrnoException) => (err.code === NodeCode.NoSuchFile ? [] : Promise.reject(err)),
    );
    return entries
      .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
      .map((e) => relative(directory, join(e.parentPath, e.name)).split(sep).join('/'));
  };
}

/** Keys under a prefix of `s3://bucket/prefix`, page by page (ListObjectsV2, 1000 a page). */
function s3Lister(bucket: string, storePrefix: string, env: NodeJS.ProcessEnv): KeyLister {
  const client = s3ClientFor(env);
  const root = storePrefix === '' ? '' : `${storePrefix}/`;
  return async (prefix) => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: `${root}${prefix}`, ContinuationToken: token }),
        );
      } catch (err) {
        throw new SinkError(
          ErrorCode.SinkReadFailed,
          `Listing s3://${bucket}/${root}${prefix} failed (${describeCause(err)}). Fix: check the bucket exists and your credentials may s3:ListBucket on it.`,
        );
      }
      for (const object of page.Contents ?? [])
        if (object.Key !== undefined) keys.push(object.Key.slice(root.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys;
  };
}

/** Lists keys of `DIR` or `s3://bucket/prefix` (`flag` names the location in messages). */
export function keyListerFor(location: string, env: NodeJS.ProcessEnv, flag: string): KeyLister {
  if (!location.startsWith('s3://')) return directoryLister(location);
  const { bucket, prefix } = parseS3Uri(location, flag);
  return s3Lister(bucket, prefix, env);
}
