import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { ErrorCode, NodeCode } from '#lib/errors';
import { describeCause, SinkError, StoreConflictError } from './errors';
import type { ObjectStore, ObjectUpload } from './object-store';

const etagOf = (body: string | Buffer) => `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;

/**
 * A local directory with the same layout as the S3 store: the CLI's default sink. Objects appear
 * atomically (temp file + rename), and conditional writes compare content hashes like ETags, so the
 * state object's compare-and-swap behaves as on S3.
 */
export function createLocalStore(directory: string): ObjectStore {
  const root = resolve(directory);
  const path = (key: string) => {
    const p = resolve(root, key);
    if (!p.startsWith(`${root}/`))
      throw new SinkError(ErrorCode.SinkWriteFailed, `Refusing a key outside ${root}: ${key}`);
    return p;
  };
  const failed = (key: string, err: unknown) =>
    new SinkError(
      ErrorCode.SinkWriteFailed,
      `Writing ${join(root, key)} failed (${describeCause(err)}). Fix: check the directory is writable and the disk has room.`,
    );
  const readOrUndefined = async (p: string) =>
    readFile(p).catch((err: NodeJS.ErrnoException) =>
      err.code === NodeCode.NoSuchFile ? undefined : Promise.reject(err),
    );

  const locks = new Map<string, Promise<void>>();

  return {
    location: root,
    uri: (key) => path(key),
    bucket: undefined,
    bucketKey: (key) => key,
    keyOf: (key) => key,
    async getText(key) {
      const body = await readOrUndefined(path(key));
      return body === undefined ? undefined : { body: body.toString('utf8'), etag: etagOf(body) };
    },
    async putText(key, body, opts = {}) {
      const p = path(key);
      // A conditional write is check-then-write: serialise writes per file so the check holds.
      const previous = locks.get(p) ?? Promise.resolve();
      let unlock = () => {};
      const mine = new Promise<void>((r) => {
        unlock = r;
      });
      const chained = previous.then(() => mine);
      locks.set(p, chained);
      await previous;
      try {
        if (opts.ifMatch !== undefined || opts.ifNoneMatch !== undefined) {
          const current = await readOrUndefined(p);
          if (opts.ifNoneMatch === '*' && current !== undefined) throw new StoreConflictError(p);
          if (opts.ifMatch !== undefined && (current === undefined || etagOf(current) !== opts.ifMatch)) {
            throw new StoreConflictError(p);
          }
        }
        try {
          await mkdir(dirname(p), { recursive: true });
          const tmp = `${p}.${randomUUID()}.tmp`;
          await writeFile(tmp, body);
          await rename(tmp, p);
        } catch (err) {
          throw failed(key, err);
        }
        return { etag: etagOf(body) };
      } finally {
        unlock();
        if (locks.get(p) === chained) locks.delete(p);
      }
    },
    openUpload(key): ObjectUpload {
      const p = path(key);
      const tmp = `${p}.${randomUUID()}.tmp`;
      // The stream opens its file at once, so the directory must exist before it is created.
      mkdirSync(dirname(p), { recursive: true });
      const stream = createWriteStream(tmp, { flags: 'w' });
      let ended = false;
      stream.once('finish', () => {
        ended = true;
      });
      // 'close' follows both a normal end and a destroy(); only an ended stream becomes an object.
      const finished = new Promise<void>((res, rej) => {
        stream.once('close', () => (ended ? res() : rej(new Error('upload aborted'))));
        stream.once('error', rej);
      })
        .then(() => rename(tmp, p))
        .catch(async (err: unknown) => {
          await rm(tmp, { force: true });
          throw failed(key, err);
        });
      finished.catch(() => {});
      return {
        stream,
        done: () => finished,
        abort: async () => {
          stream.destroy();
          await finished.catch(() => {});
          await rm(tmp, { force: true });
        },
      };
    },
    async getStream(key): Promise<Readable> {
      return createReadStream(path(key));
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}
