import { createHash } from 'node:crypto';
import type { Dataset, DeliveredAsset, DeliveredFinding } from '#lib/findings';
import { type ObjectStore, ocsfPartKey, ocsfRunPrefix, type PartInfo } from '#lib/sink';
import { type OcsfColumn, ocsfColumnsOf } from './columns';
import { OCSF_CLASSES, type OcsfClass, type OcsfVersion } from './constants';
import { deviceInventoryInfoAttributes, deviceInventoryInfoTime } from './device-inventory-info';
import type { OcsfInputAddress } from './errors';
import type { OcsfFileInfo } from './manifest';
import { type OcsfCodec, OcsfParquetWriter, runtimeCodec } from './parquet';
import { type PartLines, partLinesOf, readPartLines } from './part-lines';
import { RecordShredder } from './shred';
import {
  vulnerabilityFindingAttributes,
  vulnerabilityFindingTime,
  vulnerabilityFindingTimeOfTail,
} from './vulnerability-finding';

/** Row groups hold at most this many rows … */
export const ROW_GROUP_MAX_ROWS = 5000;
/**
 * … and at most about this much delivered NDJSON: far below 256 MB compressed, and it bounds the
 * records held at once when rows are large (long plugin outputs).
 */
export const ROW_GROUP_MAX_INPUT_BYTES = 32 * 1024 * 1024;

/**
 * How a delivered dataset becomes OCSF: its class, its columns, its mapper and the time it sorts on.
 * The mapper leaves a record's empty parts in: the shredder writes them as nulls.
 */
interface ClassPlan {
  ocsfClass: OcsfClass;
  columns(version: OcsfVersion): readonly OcsfColumn[];
  map(row: unknown, version: OcsfVersion): object;
  time(row: unknown): number;
  /** `time` from the last {@link TAIL_BYTES} of a row's line, when they give it (else the row is parsed). */
  timeOfTail?(tail: string): number | undefined;
}

/** The bytes of a line's end read for {@link ClassPlan.timeOfTail}. */
const TAIL_BYTES = 80;

const FINDINGS: ClassPlan = {
  ocsfClass: OCSF_CLASSES.vulnerabilityFinding,
  columns: (version) => ocsfColumnsOf('vulnerabilityFinding', version),
  map: (row, version) => vulnerabilityFindingAttributes(row as DeliveredFinding, version),
  time: (row) => vulnerabilityFindingTime(row as DeliveredFinding),
  timeOfTail: vulnerabilityFindingTimeOfTail,
};
const ASSETS: ClassPlan = {
  ocsfClass: OCSF_CLASSES.deviceInventoryInfo,
  columns: (version) => ocsfColumnsOf('deviceInventoryInfo', version),
  map: (row, version) => deviceInventoryInfoAttributes(row as DeliveredAsset, version),
  time: (row) => deviceInventoryInfoTime(row as DeliveredAsset),
};

/** The OCSF event class a delivered dataset becomes: `vulns`, `fixed` → 2002; `assets` → 5001. */
export function ocsfClassOf(dataset: Dataset): OcsfClass {
  return planOf(dataset).ocsfClass;
}

function planOf(dataset: Dataset): ClassPlan {
  return dataset === 'assets' ? ASSETS : FINDINGS;
}

export interface OcsfPartContext {
  runId: string;
  /** The run's day, `YYYY-MM-DD` (UTC): its findings `dt=`, the day of its window end. */
  dt: string;
  /** The findings part's index in the run: OCSF files i-… are made from findings part i. */
  index: number;
  /** Defaults to {@link runtimeCodec}: zstd where this Node has it, else snappy. */
  codec?: OcsfCodec;
  /** The OCSF version of the records (`OCSF_VERSION`); 1.3.0 when not given. */
  version?: OcsfVersion;
  /** Full addresses of the findings part and of its delivery's state folder, for an integrity message. */
  where?: OcsfInputAddress;
}

/** One OCSF Parquet file: the records of one delivered findings part whose `time` is in one UTC day. */
export interface OcsfPartFile {
  /** Its key in the data store (relative to the store root, like every sink key). */
  key: string;
  /** The UTC day of its records' `time`, `YYYYMMDD`: Security Lake's `eventDay` partition. */
  eventDay: string;
  bytes: Uint8Array;
  rows: number;
  ocsfClass: OcsfClass;
  codec: OcsfCodec;
  /** sha256 of `bytes`, hex. */
  sha256: string;
}

/**
 * The key of the OCSF file of findings part `index` for one event day:
 * `…/run=<runId>/part-00000-20261123.parquet`.
 */
export function ocsfFileKey(prefix: string, index: number, eventDay: string): string {
  return ocsfPartKey(prefix, index).replace(/\.parquet$/, `-${eventDay}.parquet`);
}

const DAY_MS = 86_400_000;

/** The UTC day of epoch-ms `time` as `YYYYMMDD`. */
export function eventDayOf(time: number): string {
  return new Date(Math.floor(time / DAY_MS) * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Reads one delivered findings part (its sha256, size and row count checked against `part`) and
 * makes its OCSF Parquet files, one per UTC day of the records' `time` (Security Lake partitions a
 * source by the event's day, so a backfill's records land in their own days): one event class,
 * rows sorted by `time` (then by their order in the part, so the files are a pure function of the
 * part), row groups of at most {@link ROW_GROUP_MAX_ROWS} rows and
 * {@link ROW_GROUP_MAX_INPUT_BYTES} of delivered NDJSON. Files come in day order.
 *
 * Memory: the part's NDJSON once, as bytes outside V8's heap, a sort index, and one row group in
 * column form; a record is split into its columns as soon as it is mapped, and a file's bytes are
 * held compressed (a few % of the part's NDJSON) until it is handed over.
 *
 * @example
 * ```ts
 * const files = await ocsfFilesForPart(store, 'vulns', manifest.parts[i], { runId, dt, index: i });
 * const infos = await Promise.all(files.map((file) => storeOcsfFile(store, file)));
 * ```
 */
export async function ocsfFilesForPart(
  source: ObjectStore,
  dataset: Dataset,
  part: PartInfo,
  ctx: OcsfPartContext,
): Promise<OcsfPartFile[]> {
  return ocsfFilesOfLines(await readPartLines(source, part, ctx.where), dataset, part, ctx);
}

/**
 * {@link ocsfFilesForPart} for a part already read, as stored (gzip NDJSON, checked against `part`):
 * what a delivery thread runs, since threads get bytes, not stores.
 */
export function ocsfFilesOfStored(
  stored: Uint8Array,
  dataset: Dataset,
  part: PartInfo,
  ctx: OcsfPartContext,
): OcsfPartFile[] {
  return ocsfFilesOfLines(partLinesOf(stored, part, ctx.where), dataset, part, ctx);
}

function ocsfFilesOfLines(
  lines: PartLines,
  dataset: Dataset,
  part: PartInfo,
  ctx: OcsfPartContext,
): OcsfPartFile[] {
  const plan = planOf(dataset);
  const count = lines.length;
  const times = new Float64Array(count);
  const ofTail = plan.timeOfTail;
  for (let i = 0; i < count; i++)
    times[i] = ofTail?.(lines.tail(i, TAIL_BYTES)) ?? plan.time(JSON.parse(lines.line(i)));
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);

  const codec = ctx.codec ?? runtimeCodec();
  const prefix = ocsfRunPrefix(plan.ocsfClass.name, dataset, ctx.dt, ctx.runId);
  const files: OcsfPartFile[] = [];
  const version = ctx.version ?? '1.3.0';
  const columns = plan.columns(version);
  // One shredder for the part's files, one file at a time: compiled once, warm from file to file.
  const shredder = new RecordShredder(columns);
  let writer: OcsfParquetWriter | undefined;
  let day = Number.NaN;
  let groupBytes = 0;
  const finishFile = (w: OcsfParquetWriter) => {
    const bytes = w.finish();
    const eventDay = eventDayOf(day * DAY_MS);
    files.push({
      key: ocsfFileKey(prefix, ctx.index, eventDay),
      eventDay,
      bytes,
      rows: w.rows,
      ocsfClass: plan.ocsfClass,
      codec,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  };
  for (const i of order) {
    const recordDay = Math.floor((times[i] as number) / DAY_MS);
    if (writer === undefined || recordDay !== day) {
      if (writer !== undefined) finishFile(writer);
      day = recordDay;
      groupBytes = 0;
      writer = new OcsfParquetWriter({
        columns,
        shredder,
        codec,
        metadata: {
          'ocsf.version': version,
          'ocsf.class_uid': String(plan.ocsfClass.classUid),
          'sc2aws.run_id': ctx.runId,
          'sc2aws.dataset': dataset,
          'sc2aws.source_part': part.key,
        },
      });
    }
    writer.add(plan.map(JSON.parse(lines.line(i)), version));
    groupBytes += lines.bytesOf(i);
    if (writer.groupRows >= ROW_GROUP_MAX_ROWS || groupBytes >= ROW_GROUP_MAX_INPUT_BYTES) {
      writer.endRowGroup();
      groupBytes = 0;
    }
  }
  if (writer !== undefined) finishFile(writer);
  return files;
}

/** The content type OCSF files are stored with. */
export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

/**
 * Stores an OCSF file under its key (the same key and bytes on every retry) and returns it as a
 * manifest part. `bytes` and `uncompressedBytes` are both the file's size: Parquet compresses
 * inside the file.
 */
export async function storeOcsfFile(store: ObjectStore, file: OcsfPartFile): Promise<OcsfFileInfo> {
  const upload = store.openUpload(file.key, PARQUET_CONTENT_TYPE);
  upload.stream.end(file.bytes);
  await upload.done();
  const size = file.bytes.length;
  return {
    key: file.key,
    rows: file.rows,
    bytes: size,
    uncompressedBytes: size,
    sha256: file.sha256,
    eventDay: file.eventDay,
  };
}
