import * as zlib from 'node:zlib';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { LeafType, OcsfColumn } from './columns';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
type ColumnSource = Parameters<ParquetWriter['write']>[0]['columnData'][number];

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

/**
 * A record's value for one column, in the shape the writer takes: structs as objects with exactly
 * the column's fields, lists as arrays, longs as bigint, absent as null. An attribute the record has
 * but the columns do not is a programming error, thrown rather than silently dropped.
 */
export function columnValue(column: OcsfColumn, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if ('type' in column) return column.type === 'long' ? BigInt(value as number) : value;
  if ('struct' in column) return structValue(column.struct, value as Record<string, unknown>, column.name);
  const item = column.list;
  return (value as unknown[]).map((element) =>
    typeof item === 'string'
      ? columnValue({ name: 'element', type: item }, element)
      : structValue(item, element as Record<string, unknown>, column.name),
  );
}

function structValue(fields: readonly OcsfColumn[], value: Record<string, unknown>, path: string) {
  const out: Record<string, unknown> = {};
  let seen = 0;
  for (const field of fields) {
    const item = value[field.name];
    if (item !== undefined) seen += 1;
    out[field.name] = columnValue(field, item);
  }
  if (seen !== Object.keys(value).length) {
    const unknown = Object.keys(value).filter((key) => !fields.some((f) => f.name === key));
    throw new Error(`OCSF attribute ${path}.${unknown.join(',')} has no Parquet column`);
  }
  return out;
}

export interface OcsfParquetWriterOptions {
  columns: readonly OcsfColumn[];
  codec: OcsfCodec;
  /** Key/value metadata in the file footer (OCSF version, class, run). */
  metadata: Record<string, string>;
}

/**
 * Writes one Parquet file, a row group per {@link OcsfParquetWriter.writeRowGroup} call, into memory
 * chunks that are released to the caller as they fill: only the current row group's records and
 * encoded bytes are held, never the whole file's records.
 */
export class OcsfParquetWriter {
  readonly #columns: readonly OcsfColumn[];
  readonly #writer: ByteWriter;
  readonly #parquet: ParquetWriter;
  readonly #chunks: Uint8Array[] = [];
  #rows = 0;

  constructor(options: OcsfParquetWriterOptions) {
    this.#columns = options.columns;
    this.#writer = new ByteWriter();
    // A row group's bytes move to #chunks when the writer flushes after it, so the buffer stays one row group.
    const writer = this.#writer as ByteWriter & { flush?: () => void };
    writer.flush = () => this.#drain();
    this.#parquet = new ParquetWriter({
      writer: this.#writer,
      schema: parquetSchemaOf(options.columns),
      codec: options.codec,
      compressors: zstdCompressSync === undefined ? {} : { ZSTD: (input) => zstdCompressSync(input) },
      kvMetadata: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
      createdBy: 'sc2aws (hyparquet-writer)',
    });
  }

  get rows(): number {
    return this.#rows;
  }

  /** Writes `records` as one row group (records already in file order). */
  writeRowGroup(records: readonly object[]): void {
    if (records.length === 0) return;
    const columnData: ColumnSource[] = this.#columns.map((column) => ({
      name: column.name,
      data: records.map((record) => columnValue(column, (record as Record<string, unknown>)[column.name])),
    }));
    const result = this.#parquet.write({
      columnData,
      rowGroupSize: records.length,
      pageSize: PAGE_SIZE_BYTES,
    });
    if (result instanceof Promise) throw new Error('the in-memory Parquet writer flushed asynchronously');
    this.#rows += records.length;
  }

  /** Ends the file (indexes, footer) and returns its bytes. */
  finish(): Uint8Array {
    this.#parquet.finish();
    this.#drain();
    return Buffer.concat(this.#chunks);
  }

  #drain(): void {
    const bytes = this.#writer.getBytes();
    if (bytes.length > 0) this.#chunks.push(Uint8Array.prototype.slice.call(bytes));
    this.#writer.index = 0;
  }
}
