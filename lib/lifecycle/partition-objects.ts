/** Reading and writing the lifecycle's partition objects: gzip JSON states, gzip NDJSON current rows. */
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseDocument } from '#lib/errors';
import type { ObjectStore, PartInfo } from '#lib/sink';
import { LIFECYCLE_VERSION } from './constants';
import { FindingsPartCorruptError, LifecycleStateCorruptError } from './errors';
import { findingIdOfLine } from './partition-apply';
import { type FindingState, partitionDocumentSchema } from './schema';

/** Counts object reads and writes, for the run's manifest and the bench. */
export interface IoCounts {
  reads: number;
  writes: number;
}

async function readGzip(store: ObjectStore, key: string, io: IoCounts): Promise<string> {
  io.reads += 1;
  const stored = await buffer(await store.getStream(key));
  try {
    return gunzipSync(stored).toString('utf8');
  } catch {
    throw new LifecycleStateCorruptError(store.uri(key), 'it is not gzip');
  }
}

/**
 * Level 1, as the export's and the delivery's parts (lib/sink/part-writer.ts): at level 6 gzip was
 * a third of the lifecycle's time, for objects about 40 % smaller. Parts are a transport.
 */
const GZIP_LEVEL = 1;

async function writeGzip(store: ObjectStore, key: string, text: string, io: IoCounts): Promise<Uint8Array> {
  io.writes += 1;
  const bytes = gzipSync(text, { level: GZIP_LEVEL });
  const upload = store.openUpload(key, 'application/gzip');
  upload.stream.end(bytes);
  await upload.done();
  return bytes;
}

export async function readPartitionStates(
  store: ObjectStore,
  key: string,
  partition: number,
  io: IoCounts,
): Promise<FindingState[]> {
  const parsed = parseDocument(partitionDocumentSchema, await readGzip(store, key, io));
  if (!parsed.ok) throw new LifecycleStateCorruptError(store.uri(key), parsed.problem);
  if (parsed.value.partition !== partition)
    throw new LifecycleStateCorruptError(
      store.uri(key),
      `it holds partition ${parsed.value.partition}, not ${partition}`,
    );
  return parsed.value.findings;
}

export async function writePartitionStates(
  store: ObjectStore,
  key: string,
  partition: number,
  findings: readonly FindingState[],
  io: IoCounts,
): Promise<void> {
  await writeGzip(
    store,
    key,
    JSON.stringify({ lifecycleVersion: LIFECYCLE_VERSION, partition, findings }),
    io,
  );
}

/** A partition's current rows by finding_id. */
export async function readCurrentRows(
  store: ObjectStore,
  key: string,
  io: IoCounts,
): Promise<Map<string, string>> {
  const text = await readGzip(store, key, io);
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (!line.startsWith('{"finding_id":"'))
      throw new LifecycleStateCorruptError(store.uri(key), 'a line is not a current finding row');
    rows.set(findingIdOfLine(line), line);
  }
  return rows;
}

export async function writeCurrentRows(
  store: ObjectStore,
  key: string,
  lines: readonly string[],
  io: IoCounts,
): Promise<void> {
  await writeGzip(store, key, lines.map((l) => `${l}\n`).join(''), io);
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
