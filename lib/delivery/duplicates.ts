import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { deliveryStatePrefix, type ObjectStore, type PartInfo } from '#lib/sink';
import { DeliveryStateCorruptError, type Occurrence } from './delivery-state';
import type { PartOutput } from './part-transform';

/** Same settings as every part (lib/delivery/part-transform.ts). */
const GZIP_OPTIONS = { level: 1, chunkSize: 64 * 1024 } as const;
const ID_BYTES = 16;
const TIME_BYTES = 8;

/*
 * The exact half of the dedupe. The id filter flags every id that may repeat. Beside each
 * delivered part the delivery keeps its rows' ids and last_seen times (24 bytes a row, in row
 * order); `scanIds` reads those back and finds each flagged id's best occurrence — the newest
 * `last_seen`, and of equals the latest, the rule the delivered contract states — and `prunePart`
 * rewrites the parts that hold a losing one. Delivered parts are read again only to be pruned.
 */

/** A part's ids and times as stored beside it: ids first, then the times as float64 LE. */
export function encodeIds(output: Pick<PartOutput, 'ids' | 'times'>): Uint8Array {
  const bytes = new Uint8Array(output.ids.byteLength + output.times.length * TIME_BYTES);
  bytes.set(output.ids, 0);
  const view = new DataView(bytes.buffer);
  for (const [i, t] of output.times.entries())
    view.setFloat64(output.ids.byteLength + i * TIME_BYTES, t, true);
  return bytes;
}

/** Finds, in one part's stored ids, the occurrences of flagged ids; updates each one's best. */
export async function scanIds(
  store: ObjectStore,
  idsKey: string,
  rows: number,
  partPosition: number,
  flagged: Map<string, Occurrence>,
): Promise<void> {
  const bytes = await readIds(store, idsKey, rows);
  const timesAt = rows * ID_BYTES;
  for (let line = 0; line < rows; line++) {
    const found = flagged.get(bytes.toString('latin1', line * ID_BYTES, (line + 1) * ID_BYTES));
    if (found === undefined) continue;
    const time = bytes.readDoubleLE(timesAt + line * TIME_BYTES);
    found.count += 1;
    if (found.parts.at(-1) !== partPosition) found.parts.push(partPosition);
    // Later occurrences come later in the scan: `>=` lets the latest of equal times win.
    if (found.count === 1 || time >= (found.time ?? Number.NEGATIVE_INFINITY)) {
      found.time = time === Number.NEGATIVE_INFINITY ? null : time;
      found.part = partPosition;
      found.line = line;
    }
  }
}

/** The flagged ids as the scan looks them up (16 bytes as latin1 text), from their hex form. */
export function lookupOf(best: Record<string, Occurrence>): Map<string, Occurrence> {
  return new Map(Object.entries(best).map(([hex, o]) => [Buffer.from(hex, 'hex').toString('latin1'), o]));
}

/**
 * Rewrites delivered part `part` without the rows listed in `drop` (line numbers); returns its new
 * description, or null when no row is left (the object is removed). When the stored part is no
 * longer the one described (an invocation that pruned it died before saving its state), the
 * original comes from `original()` — the raw part delivered again, which gives the same bytes.
 */
export async function prunePart(
  store: ObjectStore,
  part: PartInfo,
  drop: ReadonlySet<number>,
  original: () => Promise<Uint8Array>,
): Promise<PartInfo | null> {
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  let stored: Uint8Array = await buffer(await store.getStream(part.key)).catch(() => Buffer.alloc(0));
  if (sha256(stored) !== part.sha256) stored = await original();
  if (sha256(stored) !== part.sha256) {
    throw corrupt(
      store,
      part.key,
      'it is not the findings part this delivery wrote, and delivering its raw part again does not give that part either',
    );
  }
  const lines = gunzipSync(stored).toString('utf8').split('\n').slice(0, -1);
  const kept = lines.filter((_, line) => !drop.has(line));
  if (kept.length === 0) {
    await store.delete(part.key);
    return null;
  }
  const text = Buffer.from(`${kept.join('\n')}\n`);
  const bytes = gzipSync(text, GZIP_OPTIONS);
  const upload = store.openUpload(part.key, 'application/gzip');
  upload.stream.end(bytes);
  await upload.done();
  return {
    key: part.key,
    rows: kept.length,
    bytes: bytes.length,
    uncompressedBytes: text.length,
    sha256: sha256(bytes),
  };
}

/** The lines of one part that hold a repeated id and are not its best occurrence. */
export async function losingLines(
  store: ObjectStore,
  idsKey: string,
  rows: number,
  partPosition: number,
  repeated: ReadonlyMap<string, Occurrence>,
): Promise<Set<number>> {
  const bytes = await readIds(store, idsKey, rows);
  const losers = new Set<number>();
  for (let line = 0; line < rows; line++) {
    const found = repeated.get(bytes.toString('latin1', line * ID_BYTES, (line + 1) * ID_BYTES));
    if (found !== undefined && !(found.part === partPosition && found.line === line)) losers.add(line);
  }
  return losers;
}

async function readIds(store: ObjectStore, idsKey: string, rows: number): Promise<Buffer> {
  const bytes = await buffer(await store.getStream(idsKey));
  if (bytes.length !== rows * (ID_BYTES + TIME_BYTES)) {
    throw corrupt(
      store,
      idsKey,
      `${bytes.length} bytes, expected ${rows * (ID_BYTES + TIME_BYTES)} for the ${rows} rows of its findings part`,
    );
  }
  return bytes;
}

/**
 * The error for an object of a delivery (its ids, or a findings part it wrote) that is not what it
 * saved, naming the run's delivery state folder: both kinds of key name the dataset and the run.
 */
function corrupt(store: ObjectStore, key: string, problem: string): DeliveryStateCorruptError {
  const [, dataset = '', runId = ''] = /dataset=([^/]+)\/(?:.*\/)?run=([^/]+)\//.exec(key) ?? [];
  return new DeliveryStateCorruptError(
    store.uri(key),
    problem,
    store.uri(deliveryStatePrefix(dataset, runId)),
  );
}
