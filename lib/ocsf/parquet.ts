import * as zlib from 'node:zlib';
import { ByteWriter, type ParquetWriter } from 'hyparquet-writer';
import { snappyCompress } from 'hyparquet-writer/src/snappy.js';
import { type ChunkFormat, writeColumnChunk } from './column-chunk';
import type { LeafType, OcsfColumn } from './columns';
import { FooterWriter } from './footer';
import { type Leaf, RecordShredder } from './shred';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
type RowGroup = ParquetWriter['row_groups'][number];
type ColumnChunk = RowGroup['columns'][number];

/** The footer's fields, as hyparquet-writer's writer takes them (what {@link OcsfParquetWriter.metadata} gives). */
export interface OcsfFileMetaData {
  version: 2;
  schema: SchemaElement[];
  num_rows: bigint;
  row_groups: RowGroup[];
  key_value_metadata: { key: string; value: string }[];
  created_by: string;
}

/** "PAR1", at both ends of a Parquet file. */
const MAGIC = 0x31524150;
const CREATED_BY = 'sc2aws (hyparquet-writer)';

// A column tree's schema and footer writer, made once: every file of a part (one per event day) has
// the same schema, and its footer bytes are the same.
const FOOTERS = new WeakMap<readonly OcsfColumn[], { schema: SchemaElement[]; footer: FooterWriter }>();

function footerOf(columns: readonly OcsfColumn[]): { schema: SchemaElement[]; footer: FooterWriter } {
  let made = FOOTERS.get(columns);
  if (made === undefined) {
    const schema = parquetSchemaOf(columns);
    made = { schema, footer: new FooterWriter(schema) };
    FOOTERS.set(columns, made);
  }
  return made;
}

/** Parquet codecs sc2aws writes: zstd (Security Lake's recommendation) where Node has it, else snappy. */
export type OcsfCodec = 'ZSTD' | 'SNAPPY';

// Node's zlib gained zstd in 22.15 / 23.8; on Node 20 the property is absent. Looked up once, at run
// time, so one bundle writes zstd on a newer Lambda runtime and snappy on an older one.
const zstdCompressSync = (zlib as { zstdCompressSync?: (input: Uint8Array) => Buffer }).zstdCompressSync;

/** The codec this runtime writes: ZSTD when node:zlib has it, else SNAPPY. */
export function runtimeCodec(): OcsfCodec {
  return typeof zstdCompressSync === 'function' ? 'ZSTD' : 'SNAPPY';
}

/**
 * Target size of a data page's values: half of Security Lake's 1 MB recommendation, because the
 * writer closes a page at the end of a row (a row's list values stay in one page) and may overshoot.
 */
export const PAGE_SIZE_BYTES = 512 * 1024;

const LEAF: Record<LeafType, Omit<SchemaElement, 'name'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int: { type: 'INT32' },
  long: { type: 'INT64' },
  double: { type: 'DOUBLE' },
  boolean: { type: 'BOOLEAN' },
};

/** The flat Parquet schema (depth-first, with num_children) of a column tree; every field optional. */
export function parquetSchemaOf(columns: readonly OcsfColumn[]): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const column of columns) pushColumn(out, column);
  return out;
}

function pushColumn(out: SchemaElement[], column: OcsfColumn): void {
  if ('type' in column) {
    out.push({ name: column.name, repetition_type: 'OPTIONAL', ...LEAF[column.type] });
  } else if ('struct' in column) {
    out.push({ name: column.name, repetition_type: 'OPTIONAL', num_children: column.struct.length });
    for (const field of column.struct) pushColumn(out, field);
  } else {
    // The standard 3-level LIST: <name> (LIST) → repeated group list → element.
    out.push({ name: column.name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 });
    out.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
    const item = column.list;
    if (typeof item === 'string') out.push({ name: 'element', repetition_type: 'OPTIONAL', ...LEAF[item] });
    else pushColumn(out, { name: 'element', struct: item });
  }
}

export interface OcsfParquetWriterOptions {
  columns: readonly OcsfColumn[];
  /**
   * A shredder of these columns to reuse (its nodes are compiled once, and their inline caches stay
   * warm from file to file); it must be empty, and no other writer may use it until this one is
   * finished. Default: a new one.
   */
  shredder?: RecordShredder;
  codec: OcsfCodec;
  /** Key/value metadata in the file footer (OCSF version, class, run). */
  metadata: Record<string, string>;
}

/**
 * Writes one Parquet file, a row group per {@link OcsfParquetWriter.writeRowGroup} call, into memory
 * chunks that are released to the caller as they fill ({@link OcsfParquetWriter.take}): only the
 * current row group's records and encoded bytes are held, never the whole file's records.
 *
 * Records are split into leaf columns by a {@link RecordShredder} compiled from the columns, and
 * each leaf is encoded by hyparquet-writer's column encoder (dictionary where it pays, statistics,
 * data page v2, the codec): hyparquet-writer's own row-to-column path walks the schema per value
 * and needed a copy of every record shaped to the columns, which cost about half of the time.
 */
export class OcsfParquetWriter {
  readonly #writer: ByteWriter;
  readonly #schema: SchemaElement[];
  readonly #footer: FooterWriter;
  readonly #kv: { key: string; value: string }[];
  readonly #rowGroups: RowGroup[] = [];
  readonly #shredder: RecordShredder;
  readonly #formats: ChunkFormat[];
  readonly #chunks: Uint8Array[] = [];
  #rows = 0;

  constructor(options: OcsfParquetWriterOptions) {
    this.#writer = new ByteWriter();
    this.#writer.appendUint32(MAGIC);
    const { schema, footer } = footerOf(options.columns);
    this.#schema = schema;
    this.#footer = footer;
    this.#kv = Object.entries(options.metadata).map(([key, value]) => ({ key, value }));
    this.#shredder = options.shredder ?? new RecordShredder(options.columns);
    if (this.#shredder.rows !== 0)
      throw new Error('the shredder handed to an OCSF Parquet writer is not empty');
    const compress =
      options.codec === 'ZSTD' && zstdCompressSync !== undefined
        ? (input: Uint8Array) => zstdCompressSync(input)
        : snappyCompress;
    this.#formats = this.#shredder.leaves.map((leaf) => ({
      type: LEAF[leaf.type].type as ChunkFormat['type'],
      path: leaf.path,
      codec: options.codec,
      compress,
      pageSize: PAGE_SIZE_BYTES,
    }));
  }

  /** Rows in the row groups ended so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Rows in the row group being filled. */
  get groupRows(): number {
    return this.#shredder.rows;
  }

  /** Adds `record` as the next row (records come in file order), to the row group being filled. */
  add(record: object): void {
    this.#shredder.add(record);
  }

  /** Encodes the rows added since the last row group as one row group. */
  endRowGroup(): void {
    const rows = this.#shredder.rows;
    if (rows === 0) return;
    const leaves = this.#shredder.take();
    const start = this.#writer.offset;
    const columns: ColumnChunk[] = [];
    for (const [i, leaf] of leaves.entries()) {
      const chunk = writeColumnChunk(this.#writer, leaf, this.#formats[i] as ChunkFormat);
      columns.push(chunk);
      // The leaf's slots are encoded: let them go before the next leaf is encoded.
      leaves[i] = undefined as unknown as Leaf;
    }
    let totalByteSize = 0n;
    for (const { meta_data } of columns) totalByteSize += meta_data?.total_uncompressed_size ?? 0n;
    this.#rowGroups.push({
      columns,
      total_byte_size: totalByteSize,
      num_rows: BigInt(rows),
      total_compressed_size: BigInt(this.#writer.offset - start),
    });
    this.#rows += rows;
    this.#drain();
  }

  /** Writes `records` as one row group (records in file order). */
  writeRowGroup(records: readonly object[]): void {
    for (const record of records) this.add(record);
    this.endRowGroup();
  }

  /** The bytes written since the last call (whole row groups); the writer lets them go. */
  take(): Uint8Array[] {
    return this.#chunks.splice(0);
  }

  /** The footer's fields so far (the row groups ended). */
  metadata(): OcsfFileMetaData {
    return {
      version: 2,
      schema: this.#schema,
      num_rows: BigInt(this.#rows),
      row_groups: this.#rowGroups,
      key_value_metadata: this.#kv,
      created_by: CREATED_BY,
    };
  }

  /** Ends the last row group and the file (footer); returns the bytes not taken yet. */
  finish(): Uint8Array {
    this.endRowGroup();
    // Column chunks carry no page indexes or bloom filters: the footer follows the last row group.
    const footer = this.#footer.write(BigInt(this.#rows), this.#rowGroups, this.#kv, CREATED_BY);
    this.#writer.appendBytes(footer);
    this.#writer.appendUint32(footer.length);
    this.#writer.appendUint32(MAGIC);
    this.#drain();
    return Buffer.concat(this.take());
  }

  #drain(): void {
    const bytes = this.#writer.getBytes();
    if (bytes.length > 0) this.#chunks.push(Uint8Array.prototype.slice.call(bytes));
    this.#writer.index = 0;
  }
}
