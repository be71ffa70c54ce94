import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import type { ObjectStore, ObjectUpload } from './object-store';

/**
 * A store that keeps small text objects (state, manifests) in memory and throws streamed part
 * bytes away: the benchmark's "discarding sink", measuring the export without storage costs.
 */
export function createDiscardStore(): ObjectStore {
  const texts = new Map<string, string>();
  const etagOf = (body: string) => `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
  return {
    location: 'discard:',
    uri: (key) => `discard:${key}`,
    bucket: undefined,
    bucketKey: (key) => key,
    keyOf: (key) => key,
    async getText(key) {
      const body = texts.get(key);
      return body === undefined ? undefined : { body, etag: etagOf(body) };
    },
    async putText(key, body) {
      texts.set(key, body);
      return { etag: etagOf(body) };
    },
    openUpload(): ObjectUpload {
      const stream = new Writable({
        write(_chunk, _enc, done) {
          done();
        },
      });
      const finished = new Promise<void>((resolve, reject) => {
        stream.once('finish', resolve);
        stream.once('error', reject);
      });
      finished.catch(() => {});
      return { stream, done: () => finished, abort: async () => void stream.destroy() };
    },
    async getStream() {
      return Readable.from([]);
    },
    async delete(key) {
      texts.delete(key);
    },
  };
}
