/** Reading and writing the lifecycle's objects: partitions (./partition-file.ts), change parts, work objects. */
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ObjectStore, PartInfo } from '#lib/sink';
import { FindingsPartCorruptError } from './errors';
import { type EncodedPartition, hostStates, type PartitionContent, partitionContent } from './partition-file';
import type { FindingState, PartitionObjects } from './schema';

/** Counts object reads and writes, for the run's manifest and the bench. */
export interface IoCounts {
  reads: number;
  writes: number;
}

/**
 * Level 1, as the export's and the delivery's parts (lib/sink/part-writer.ts): at level 6 gzip was
 * a third of the lifecycle's time, for objects about 40 % smaller. Parts are a transport.
 */
const GZIP_LEVEL = 1;

async function writeGzip(store: ObjectStore, key: string, text: string, io: IoCounts): Promise<Uint8Array> {
  const bytes = gzipSync(text, { level: GZIP_LEVEL });
  await writeBytes(store, key, bytes, io);
  return bytes;
}

async function readBytes(store: ObjectStore, key: string, io: IoCounts): Promise<Buffer> {
  io.reads += 1;
  return buffer(await store.getStream(key));
}

/** A partition's hosts as its objects hold them (see ./partition-file.ts). */
export async function readPartition(
  store: ObjectStore,
  partition: number,
  objects: PartitionObjects,
  io: IoCounts,
): Promise<PartitionContent> {
  const state = await readBytes(store, objects.state, io);
  const current = objects.current === null ? undefined : await readBytes(store, objects.current, io);
  const uris = {
    state: store.uri(objects.state),
    current: objects.current === null ? undefined : store.uri(objects.current),
  };
  return partitionContent(partition, objects, uris, state, current);
}

/** Every finding state of a partition, each parsed against the schema. */
export async function readPartitionStates(
  store: ObjectStore,
  partition: number,
  objects: PartitionObjects,
  io: IoCounts,
): Promise<FindingState[]> {
  const content = await readPartition(store, partition, objects, io);
  return [...content.hosts.values()].flatMap((host) => hostStates(host, content.uri));
}

/** Stores a partition's objects under the keys given (the current one only when a finding is open). */
export async function writePartition(
  store: ObjectStore,
  keys: { state: string; current: string },
  encoded: EncodedPartition,
  io: IoCounts,
): Promise<void> {
  await writeBytes(store, keys.state, encoded.state, io);
  if (encoded.current !== null) await writeBytes(store, keys.current, encoded.current, io);
}

async function writeBytes(store: ObjectStore, key: string, bytes: Uint8Array, io: IoCounts): Promise<void> {
  io.writes += 1;
  const upload = store.openUpload(key, 'application/gzip');
  upload.stream.end(bytes);
  await upload.done();
}

/** A work object's lines (a large run's routed rows, stored as they are: see {@link writePlain}). */
export async function readPlainLines(store: ObjectStore, key: string, io: IoCounts): Promise<string[]> {
  io.reads += 1;
  const lines = (await buffer(await store.getStream(key))).toString('utf8').split('\n');
  lines.pop();
  return lines;
}

/** A committed findings part's lines, once its bytes are what its manifest records. */
export async function readPartLines(store: ObjectStore, part: PartInfo, io: IoCounts): Promise<string[]> {
  io.reads += 1;
  const stored = await buffer(await store.getStream(part.key));
  const sha256 = createHash('sha256').update(stored).digest('hex');
  if (sha256 !== part.sha256 || stored.byteLength !== part.bytes)
    throw new FindingsPartCorruptError(
      store.uri(part.key),
      `sha256 ${sha256.slice(0, 12)}… and ${stored.byteLength} bytes, expected ${part.sha256.slice(0, 12)}… and ${part.bytes} bytes`,
    );
  const lines = gunzipSync(stored).toString('utf8').split('\n');
  lines.pop();
  return lines;
}

/**
 * A work object written as it is: a large run's routed rows live only until the run is committed,
 * so compressing them (and inflating them back) was CPU spent for nothing a reader keeps.
 */
export async function writePlain(store: ObjectStore, key: string, text: string, io: IoCounts): Promise<void> {
  io.writes += 1;
  const upload = store.openUpload(key, 'application/x-ndjson');
  upload.stream.end(Buffer.from(text));
  await upload.done();
}

export { writeGzip };
