import { createHash } from 'node:crypto';
import type { Dataset, DeliveredAsset, DeliveredFinding } from '#lib/findings';
import { type ObjectStore, ocsfPartKey, ocsfRunPrefix, type PartInfo } from '#lib/sink';
import { type OcsfColumn, ocsfColumnsOf } from './columns';
import { OCSF_CLASSES, type OcsfClass, type OcsfVersion } from './constants';
import { deviceInventoryInfoOf, deviceInventoryInfoTime } from './device-inventory-info';
import type { OcsfInputAddress } from './errors';
import { type OcsfCodec, OcsfParquetWriter, runtimeCodec } from './parquet';
import { partLinesOf, readPartLines } from './part-lines';
import { vulnerabilityFindingOf, vulnerabilityFindingTime } from './vulnerability-finding';

/** Row groups hold at most this many rows … */
export const ROW_GROUP_MAX_ROWS = 5000;
/**
 * … and at most about this much delivered NDJSON: far below 256 MB compressed, and it bounds the
 * records held at once when rows are large (long plugin outputs).
 */
export const ROW_GROUP_MAX_INPUT_BYTES = 32 * 1024 * 1024;

/** How a delivered dataset becomes OCSF: its class, its columns, its mapper and the time it sorts on. */
interface ClassPlan {
  ocsfClass: OcsfClass;
  columns(version: OcsfVersion): readonly OcsfColumn[];
  map(row: unknown, version: OcsfVersion): object;
  time(row: unknown): number;
}

const FINDINGS: ClassPlan = {
  ocsfClass: OCSF_CLASSES.vulnerabilityFinding,
  columns: (version) => ocsfColumnsOf('vulnerabilityFinding', version),
  map: (row, version) => vulnerabilityFindingOf(row as DeliveredFinding, version),
  time: (row) => vulnerabilityFindingTime(row as DeliveredFinding),
};
const ASSETS: ClassPlan = {
  ocsfClass: OCSF_CLASSES.deviceInventoryInfo,
  columns: (version) => ocsfColumnsOf('deviceInventoryInfo', version),
  map: (row, version) => deviceInventoryInfoOf(row as DeliveredAsset, version),
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
  /** The findings part's index in the run: OCSF file i is made from findings part i. */
  index: number;
  /** Defaults to {@link runtimeCodec}: zstd where this Node has it, else snappy. */
  codec?: OcsfCodec;
  /** The OCSF version of the records (`OCSF_VERSION`); 1.3.0 when not given. */
  version?: OcsfVersion;
  /** Full addresses of the findings part and of its delivery's state folder, for an integrity message. */
  where?: OcsfInputAddress;
}

/** One OCSF Parquet file, made from one delivered findings part, not stored yet. */
export interface OcsfPartFile {
  /** Its key in the data store (relative to the store root, like every sink key). */
  key: string;
  bytes: Uint8Array;
  rows: number;
  ocsfClass: OcsfClass;
  codec: OcsfCodec;
  /** sha256 of `bytes`, hex. */
  sha256: string;
}

/**
 * Reads one delivered findings part (its sha256, size and row count checked against `part`) and
 * makes its OCSF Parquet file: one event class, rows sorted by `time` (then by their order in the
 * part, so the file is a pure function of the part), row groups of at most
 * {@link ROW_GROUP_MAX_ROWS} rows. Memory stays flat: the part's lines as delivered, a sort index,
 * and the records of one row group at a time.
 *
 * @example
 * ```ts
 * const file = await ocsfFileForPart(store, 'vulns', manifest.parts[i], { runId, dt, index: i });
 * const info = await storeOcsfFile(store, file);
 * ```
 */
export async function ocsfFileForPart(
  source: ObjectStore,
  dataset: Dataset,
  part: PartInfo,
  ctx: OcsfPartContext,
): Promise<OcsfPartFile> {
  return ocsfFileOfLines(await readPartLines(source, part, ctx.where), dataset, part, ctx);
}

/**
 * {@link ocsfFileForPart} for a part already read, as stored (gzip NDJSON, checked against `part`):
 * what a delivery thread runs, since threads get bytes, not stores.
 */
export function ocsfFileOfStored(
  stored: Uint8Array,
  dataset: Dataset,
  part: PartInfo,
  ctx: OcsfPartContext,
): OcsfPartFile {
  return ocsfFileOfLines(partLinesOf(stored, part, ctx.where), dataset, part, ctx);
}

function ocsfFileOfLines(
  lines: string[],
  dataset: Dataset,
  part: PartInfo,
  ctx: OcsfPartContext,
): OcsfPartFile {
  const plan = planOf(dataset);
  const times = new Float64Array(lines.length);
  for (let i = 0; i < lines.length; i++) times[i] = plan.time(JSON.parse(lines[i] as string));
  const order = Uint32Array.from(lines.keys()).sort(
    (a, b) => (times[a] as number) - (times[b] as number) || a - b,
  );

  const codec = ctx.codec ?? runtimeCodec();
  const version = ctx.version ?? '1.3.0';
  const writer = new OcsfParquetWriter({
    columns: plan.columns(version),
    codec,
    metadata: {
      'ocsf.version': version,
      'ocsf.class_uid': String(plan.ocsfClass.classUid),
      'sc2aws.run_id': ctx.runId,
      'sc2aws.dataset': dataset,
      'sc2aws.source_part': part.key,
    },
  });
  let group: object[] = [];
  let groupBytes = 0;
  for (const i of order) {
    const line = lines[i] as string;
    // Released as it is mapped: the part's text shrinks while the file grows.
    lines[i] = '';
    group.push(plan.map(JSON.parse(line), version));
    groupBytes += line.length;
    if (group.length >= ROW_GROUP_MAX_ROWS || groupBytes >= ROW_GROUP_MAX_INPUT_BYTES) {
      writer.writeRowGroup(group);
      group = [];
      groupBytes = 0;
    }
  }
  writer.writeRowGroup(group);
  const bytes = writer.finish();
  return {
    key: ocsfPartKey(ocsfRunPrefix(plan.ocsfClass.name, dataset, ctx.dt, ctx.runId), ctx.index),
    bytes,
    rows: writer.rows,
    ocsfClass: plan.ocsfClass,
    codec,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The content type OCSF files are stored with. */
export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

/**
 * Stores an OCSF file under its key (the same key and bytes on every retry) and returns it as a
 * manifest part. `bytes` and `uncompressedBytes` are both the file's size: Parquet compresses
 * inside the file.
 */
export async function storeOcsfFile(store: ObjectStore, file: OcsfPartFile): Promise<PartInfo> {
  const upload = store.openUpload(file.key, PARQUET_CONTENT_TYPE);
  upload.stream.end(file.bytes);
  await upload.done();
  const size = file.bytes.length;
  return { key: file.key, rows: file.rows, bytes: size, uncompressedBytes: size, sha256: file.sha256 };
}
