import type { ParquetWriter } from 'hyparquet-writer';
import { BINARY, CompactBytes, I32, LIST, STRUCT } from './thrift';

type SchemaElement = ParquetWriter['schema'][number];
type RowGroup = ParquetWriter['row_groups'][number];
type ColumnChunk = RowGroup['columns'][number];
type Statistics = NonNullable<NonNullable<ColumnChunk['meta_data']>['statistics']>;

// Indexes in Parquet's Thrift enums (parquet.thrift) of the values OCSF files use.
const TYPE = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as Record<string, number>;
const REPETITION = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as Record<string, number>;
const CONVERTED = { UTF8: 0, LIST: 3 } as Record<string, number>;
const ENCODING = { PLAIN: 0, RLE_DICTIONARY: 8 } as Record<string, number>;
const CODEC = { SNAPPY: 1, ZSTD: 6 } as Record<string, number>;

function enumOf(table: Record<string, number>, value: string): number {
  const index = table[value];
  if (index === undefined) throw new Error(`${value} is not a value an OCSF Parquet footer writes`);
  return index;
}

/**
 * The footer (Thrift FileMetaData) of OCSF Parquet files, written for exactly the fields they use,
 * byte for byte what hyparquet-writer's generic writer makes of the same metadata (a test holds
 * them equal). The schema's bytes, the same in every file of a column tree, are encoded once: a
 * part split by event day writes ~60 files, and the generic writer's per-value type inference,
 * objects and a TextEncoder per string cost ~10 % of the OCSF phase.
 */
export class FooterWriter {
  /** Fields 1 (version) and 2 (schema) of FileMetaData, as written. */
  readonly #head: Uint8Array;
  /** Field 7 (column orders: type-defined order for each leaf) and the struct's end. */
  readonly #tail: Uint8Array;
  readonly #out = new CompactBytes();

  constructor(schema: readonly SchemaElement[]) {
    const out = this.#out;
    out.reset();
    out.begin();
    out.i32(1, 2);
    out.field(2, LIST);
    out.list(schema.length, STRUCT);
    let leaves = 0;
    for (const element of schema) {
      out.begin();
      if (element.type !== undefined) {
        out.i32(1, enumOf(TYPE, element.type));
        leaves += 1;
      }
      if (element.repetition_type !== undefined) out.i32(3, enumOf(REPETITION, element.repetition_type));
      out.field(4, BINARY);
      out.string(element.name);
      if (element.num_children !== undefined) out.i32(5, element.num_children);
      if (element.converted_type !== undefined) out.i32(6, enumOf(CONVERTED, element.converted_type));
      out.end();
    }
    this.#head = Uint8Array.prototype.slice.call(out.buf.subarray(0, out.length));
    out.reset();
    // Field 7 follows field 6 (created_by), which every file has.
    out.byte((1 << 4) | LIST);
    out.list(leaves, STRUCT);
    // Each leaf's ColumnOrder { 1: TypeDefinedOrder {} }; then FileMetaData's end.
    for (let i = 0; i < leaves; i++) {
      out.byte((1 << 4) | STRUCT);
      out.byte(0);
      out.byte(0);
    }
    out.byte(0);
    this.#tail = Uint8Array.prototype.slice.call(out.buf.subarray(0, out.length));
  }

  /**
   * The FileMetaData of a file of `rowGroups` (as hyparquet-writer's types) with `kv` and
   * `createdBy`, without the length and magic that follow it.
   */
  write(
    numRows: bigint,
    rowGroups: readonly RowGroup[],
    kv: readonly { key: string; value?: string }[],
    createdBy: string,
  ): Uint8Array {
    const out = this.#out;
    out.reset();
    // After the head: inside FileMetaData, field 2 last written.
    out.resume(2);
    out.i64(3, numRows);
    out.field(4, LIST);
    out.list(rowGroups.length, STRUCT);
    for (const group of rowGroups) {
      out.begin();
      out.field(1, LIST);
      out.list(group.columns.length, STRUCT);
      for (const chunk of group.columns) writeColumnChunk(out, chunk);
      out.i64(2, group.total_byte_size);
      out.i64(3, group.num_rows);
      if (group.total_compressed_size !== undefined) out.i64(6, group.total_compressed_size);
      out.end();
    }
    out.field(5, LIST);
    out.list(kv.length, STRUCT);
    for (const { key, value } of kv) {
      out.begin();
      out.field(1, BINARY);
      out.string(key);
      if (value !== undefined) {
        out.field(2, BINARY);
        out.string(value);
      }
      out.end();
    }
    out.field(6, BINARY);
    out.string(createdBy);
    const body = out.buf.subarray(0, out.length);
    const bytes = new Uint8Array(this.#head.length + body.length + this.#tail.length);
    bytes.set(this.#head, 0);
    bytes.set(body, this.#head.length);
    bytes.set(this.#tail, this.#head.length + body.length);
    return bytes;
  }
}

function writeColumnChunk(out: CompactBytes, chunk: ColumnChunk): void {
  const meta = chunk.meta_data;
  if (meta === undefined || chunk.file_path !== undefined || chunk.offset_index_offset !== undefined)
    throw new Error('an OCSF column chunk has its metadata inline, no file path and no page index');
  out.begin();
  out.i64(2, chunk.file_offset);
  out.field(3, STRUCT);
  out.begin();
  out.i32(1, enumOf(TYPE, meta.type));
  out.field(2, LIST);
  out.list(meta.encodings.length, I32);
  for (const encoding of meta.encodings) out.zigzag(enumOf(ENCODING, encoding));
  out.field(3, LIST);
  out.list(meta.path_in_schema.length, BINARY);
  for (const name of meta.path_in_schema) out.string(name);
  out.i32(4, enumOf(CODEC, meta.codec));
  out.i64(5, meta.num_values);
  out.i64(6, meta.total_uncompressed_size);
  out.i64(7, meta.total_compressed_size);
  out.i64(9, meta.data_page_offset);
  if (meta.dictionary_page_offset !== undefined) out.i64(11, meta.dictionary_page_offset);
  if (meta.statistics !== undefined) {
    out.field(12, STRUCT);
    writeStatistics(out, meta.statistics, meta.type);
  }
  out.end();
  out.end();
}

/** Statistics as the column encoder makes them: a null count, and min/max of numbers and booleans. */
function writeStatistics(out: CompactBytes, stats: Statistics, type: string): void {
  out.begin();
  if (stats.null_count !== undefined) out.i64(3, stats.null_count);
  if (stats.max_value !== undefined && stats.max_value !== null) {
    out.field(5, BINARY);
    out.bytes(minMaxBytes(stats.max_value, type));
  }
  if (stats.min_value !== undefined && stats.min_value !== null) {
    out.field(6, BINARY);
    out.bytes(minMaxBytes(stats.min_value, type));
  }
  out.end();
}

const MIN_MAX = Buffer.alloc(8);

/** A min or max value's plain little-endian bytes (a view of a shared buffer, copied at once). */
function minMaxBytes(value: unknown, type: string): Uint8Array {
  if (type === 'BOOLEAN') MIN_MAX[0] = value ? 1 : 0;
  else if (type === 'INT32') MIN_MAX.writeInt32LE(value as number);
  else if (type === 'INT64') MIN_MAX.writeBigInt64LE(BigInt(value as bigint));
  else if (type === 'DOUBLE') MIN_MAX.writeDoubleLE(value as number);
  else throw new Error(`no min/max is written for ${type}`);
  return MIN_MAX.subarray(0, type === 'BOOLEAN' ? 1 : type === 'INT32' ? 4 : 8);
}
