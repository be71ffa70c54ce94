import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

interface S3rverObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

interface FilesystemStore {
  getResourcePath(bucket: string, key: string, kind: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
}

/**
 * s3rver 3.7 answers a PUT before the object's file is written (it resolves on `end()`, not on
 * `finish`) and writes in place, so a GET right after a PUT can read an empty or half-written
 * object — an artefact S3 (strongly read-after-write consistent) never shows, and one the fault
 * matrix, which reads state right after every invocation, hits. This writes the object to a temp
 * file and renames it before s3rver answers. Patched once per test process.
 */
export function makeS3rverReadAfterWriteConsistent(): void {
  const require = createRequire(import.meta.url);
  const Store = require('s3rver/lib/stores/filesystem') as {
    prototype: FilesystemStore & { patched?: true };
  };
  if (Store.prototype.patched) return;
  Store.prototype.patched = true;
  Store.prototype.putObject = async function putObject(this: FilesystemStore, object: S3rverObject) {
    const path = this.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    const md5 = createHash('md5');
    let size = 0;
    const tmp = `${path}.${randomUUID()}.tmp`;
    await pipeline(
      Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content,
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          md5.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      }),
      createWriteStream(tmp),
    );
    await rename(tmp, path);
    const digest = md5.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}
