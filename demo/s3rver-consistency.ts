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

interface PutObjectContext {
  params: { bucket: string; key: string };
  headers: Record<string, string | undefined>;
  store: FilesystemStore & {
    existsObject(bucket: string, key: string): Promise<boolean>;
    getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
  };
}

/**
 * s3rver 3.7 ignores `If-None-Match: *` and `If-Match` on PutObject, so two writers that S3 would
 * refuse one of (412 PreconditionFailed) both succeed: the state objects' compare-and-swap and the
 * delivery's lease could not be tested against it. This checks the condition and writes under one
 * lock per object, as S3 does, before s3rver stores the object. Patched once per test process.
 */
export function makeS3rverHonourConditionalWrites(): void {
  const require = createRequire(import.meta.url);
  const controller = require('s3rver/lib/controllers/object') as {
    putObject(ctx: PutObjectContext): Promise<void>;
    conditionsPatched?: true;
  };
  const S3Error = require('s3rver/lib/models/error') as new (code: string, message: string) => Error;
  if (controller.conditionsPatched) return;
  controller.conditionsPatched = true;
  const putObject = controller.putObject;
  const locks = new Map<string, Promise<void>>();
  controller.putObject = async (ctx) => {
    const ifNoneMatch = ctx.headers['if-none-match'];
    const ifMatch = ctx.headers['if-match'];
    if (ifNoneMatch === undefined && ifMatch === undefined) return putObject(ctx);
    const { bucket, key } = ctx.params;
    const id = `${bucket}/${key}`;
    const previous = locks.get(id) ?? Promise.resolve();
    const mine = previous.then(async () => {
      const exists = await ctx.store.existsObject(bucket, key);
      const etag = exists ? (await ctx.store.getMetadata(bucket, key)).etag : undefined;
      const refused =
        (ifNoneMatch === '*' && exists) ||
        (ifMatch !== undefined && (etag === undefined || etag !== ifMatch));
      if (refused)
        throw new S3Error(
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
      await putObject(ctx);
    });
    const settled = mine.catch(() => {});
    locks.set(id, settled);
    try {
      await mine;
    } finally {
      if (locks.get(id) === settled) locks.delete(id);
    }
  };
}
