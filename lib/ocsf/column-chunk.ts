import type { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js';
import { type OcsfPageHeader, pageHeaderBytes } from './page-header';
import type { Leaf } from './shred';

type ColumnChunk = ParquetWriter['row_groups'][number]['columns'][number];
type ParquetType = 'BYTE_ARRAY' | 'INT32' | 'INT64' | 'DOUBLE' | 'BOOLEAN';

/** Where one leaf's column chunk goes and how it is compressed. */
export interface ChunkFormat {
  type: ParquetType;
  /** The leaf's path in the schema, LIST groups included (`path_in_schema`). */
  path: string[];
  codec: 'ZSTD' | 'SNAPPY';
  compress: (input: Uint8Array) => Uint8Array;
  /** Target uncompressed size of a data page's values: a page ends at the first row boundary past it. */
  pageSize: number;
}

/**
 * A growing byte buffer for page bodies and levels, written with Buffer's native encoders. Three of
 * them serve every page of a thread in turn ({@link SCRATCH}): a part split by day has thousands of
 * small column chunks, and a fresh buffer per page was most of the garbage they made.
 */
class PageBytes {
  buf = Buffer.allocUnsafe(64 * 1024);
  length = 0;

  /** Empty, for the next page (what was written is no longer needed). */
  reset(): this {
    this.length = 0;
    return this;
  }

  ensure(more: number): void {
    if (this.length + more <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + more));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** A page's body, its repetition levels and its definition levels: each page is written before the next is built. */
const SCRATCH = { body: new PageBytes(), repetition: new PageBytes(), definition: new PageBytes() };

/** A dictionary beats plain values when values repeat: at most this share of them is distinct. */
const DICTIONARY_MAX_DISTINCT_SHARE = 0.5;

/**
 * Encodes one leaf's slots of a row group as a Parquet column chunk at the writer's offset: a
 * dictionary page (PLAIN) when at most half of the values are distinct, then data pages v2 of about
 * `pageSize` value bytes each, ending at row boundaries (levels RLE, values RLE_DICTIONARY or PLAIN,
 * compressed). Statistics: null count for every leaf, min and max for numbers and booleans (a string's
 * order in Parquet is its UTF-8 bytes', which JavaScript's comparison is not; no reader needs them
 * for OCSF's queries, and computing them cost a tenth of the file's time).
 *
 * hyparquet-writer's own column encoder takes any JavaScript value and checks, converts and
 * copies each one several times (a TextEncoder per string, a slice per page): about a quarter of an
 * OCSF part's time, for the five leaf types OCSF uses.
 */
export function writeColumnChunk(writer: ByteWriter, leaf: Leaf, format: ChunkFormat): ColumnChunk {
  const start = writer.offset;
  const { values } = leaf;
  const slots = leaf.definitionLevels.length;
  const dictionary = format.type === 'BOOLEAN' ? undefined : dictionaryOf(values);
  let uncompressed = 0;
  let dictionaryOffset: bigint | undefined;
  if (dictionary !== undefined) {
    dictionaryOffset = BigInt(writer.offset);
    const plain = SCRATCH.body.reset();
    writePlain(plain, dictionary.values, 0, dictionary.values.length, format.type, format.path);
    uncompressed += writePage(writer, format, plain.bytes(), undefined, {
      type: 'DICTIONARY_PAGE',
      dictionary_page_header: { num_values: dictionary.values.length, encoding: 'PLAIN' },
    });
  }
  const dataOffset = BigInt(writer.offset);
  const definition = leaf.definitionLevels;
  const repetition = leaf.maxRepetitionLevel === 0 ? undefined : leaf.repetitionLevels;
  const bitWidth = dictionary === undefined ? 0 : Math.max(1, Math.ceil(Math.log2(dictionary.values.length)));
  let pageStart = 0;
  let valueStart = 0;
  let valueEnd = 0;
  // The bytes a page's values take: exact for plain, bit width for indexes.
  let pageBytes = 0;
  const flush = (end: number) => {
    const body = SCRATCH.body.reset();
    if (dictionary !== undefined) {
      body.ensure(1);
      body.buf[body.length++] = bitWidth;
      const out = byteWriterOf(body);
      writeRleBitPackedHybrid(out, dictionary.indexes.subarray(valueStart, valueEnd), bitWidth);
      body.length = out.offset;
    } else writePlain(body, values, valueStart, valueEnd, format.type, format.path);
    uncompressed += writeDataPage(writer, format, leaf, definition, repetition, pageStart, end, {
      body: body.bytes(),
      nulls: end - pageStart - (valueEnd - valueStart),
      encoding: dictionary === undefined ? 'PLAIN' : 'RLE_DICTIONARY',
    });
    pageStart = end;
    valueStart = valueEnd;
    pageBytes = 0;
  };
  const max = leaf.maxDefinitionLevel;
  for (let i = 0; i < slots; i++) {
    if (pageBytes >= format.pageSize && i > pageStart && (repetition === undefined || repetition[i] === 0))
      flush(i);
    if (definition[i] === max) {
      pageBytes += dictionary === undefined ? plainSize(values[valueEnd], format.type) : bitWidth / 8;
      valueEnd += 1;
    }
  }
  if (slots > pageStart || slots === 0) flush(slots);

  return {
    file_offset: BigInt(start),
    meta_data: {
      type: format.type,
      encodings: dictionary === undefined ? ['PLAIN'] : ['PLAIN', 'RLE_DICTIONARY'],
      path_in_schema: format.path,
      codec: format.codec,
      num_values: BigInt(slots),
      total_compressed_size: BigInt(writer.offset - start),
      total_uncompressed_size: BigInt(uncompressed),
      data_page_offset: dataOffset,
      ...(dictionaryOffset === undefined ? {} : { dictionary_page_offset: dictionaryOffset }),
      statistics: statisticsOf(values, format.type, slots),
    },
  };
}

/** The distinct values in first-seen order and each value's index, or undefined when too many differ. */
function dictionaryOf(values: readonly unknown[]): { values: unknown[]; indexes: Int32Array } | undefined {
  if (values.length === 0) return undefined;
  const limit = Math.floor(values.length * DICTIONARY_MAX_DISTINCT_SHARE);
  const index = new Map<unknown, number>();
  const indexes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    let at = index.get(value);
    if (at === undefined) {
      at = index.size;
      if (at >= limit && values.length > 1) return undefined;
      index.set(value, at);
    }
    indexes[i] = at;
  }
  return { values: [...index.keys()], indexes };
}

function plainSize(value: unknown, type: ParquetType): number {
  if (type === 'BYTE_ARRAY') return 4 + (value as string).length;
  if (type === 'INT32') return 4;
  if (type === 'BOOLEAN') return 0.125;
  return 8;
}

/** PLAIN-encodes `values[from..to)` (all defined) as `type`; a value of another type throws. */
function writePlain(
  out: PageBytes,
  values: readonly unknown[],
  from: number,
  to: number,
  type: ParquetType,
  path: readonly string[],
): void {
  const wrong = (value: unknown) =>
    new Error(`OCSF column ${path.join('.')} (${type}) got ${typeof value} ${String(value).slice(0, 40)}`);
  if (type === 'BYTE_ARRAY') {
    for (let i = from; i < to; i++) {
      const value = values[i];
      if (typeof value !== 'string') throw wrong(value);
      out.ensure(4 + value.length * 3);
      const written = out.buf.write(value, out.length + 4, 'utf8');
      out.buf.writeUInt32LE(written, out.length);
      out.length += 4 + written;
    }
  } else if (type === 'INT32') {
    out.ensure(4 * (to - from));
    for (let i = from; i < to; i++) {
      const value = values[i];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
        throw wrong(value);
      out.buf.writeInt32LE(value, out.length);
      out.length += 4;
    }
  } else if (type === 'INT64') {
    // Numbers, written as two's complement halves: no bigint per value.
    out.ensure(8 * (to - from));
    for (let i = from; i < to; i++) {
      const value = values[i];
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrong(value);
      const high = Math.floor(value / 2 ** 32);
      out.buf.writeUInt32LE(value - high * 2 ** 32, out.length);
      out.buf.writeInt32LE(high, out.length + 4);
      out.length += 8;
    }
  } else if (type === 'DOUBLE') {
    out.ensure(8 * (to - from));
    for (let i = from; i < to; i++) {
      const value = values[i];
      if (typeof value !== 'number') throw wrong(value);
      out.buf.writeDoubleLE(value, out.length);
      out.length += 8;
    }
  } else {
    out.ensure(Math.ceil((to - from) / 8));
    out.buf.fill(0, out.length, out.length + Math.ceil((to - from) / 8));
    for (let i = from; i < to; i++) {
      const value = values[i];
      if (typeof value !== 'boolean') throw wrong(value);
      const bit = i - from;
      const at = out.length + (bit >> 3);
      if (value) out.buf[at] = (out.buf[at] as number) | (1 << (bit & 7));
    }
    out.length += Math.ceil((to - from) / 8);
  }
}

/** The part of hyparquet-writer's Writer its RLE/bit-packing encoder uses, over a {@link PageBytes}. */
class RleOutput {
  readonly #bytes: PageBytes;
  offset: number;

  constructor(bytes: PageBytes) {
    this.#bytes = bytes;
    this.offset = bytes.length;
  }

  appendUint8(value: number): void {
    this.#bytes.ensure(1);
    this.#bytes.buf[this.offset++] = value;
    this.#bytes.length = this.offset;
  }

  appendVarInt(value: number): void {
    let v = value;
    while (v > 0x7f) {
      this.appendUint8((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    this.appendUint8(v);
  }
}

function byteWriterOf(bytes: PageBytes): ByteWriter {
  return new RleOutput(bytes) as unknown as ByteWriter;
}

/** RLE/bit-packed hybrid levels of slots [from, to), as data page v2 stores them (no length prefix). */
function levelBytes(bytes: PageBytes, levels: Uint8Array, from: number, to: number, max: number): Uint8Array {
  bytes.reset();
  const out = byteWriterOf(bytes);
  writeRleBitPackedHybrid(out, levels.subarray(from, to), Math.ceil(Math.log2(max + 1)));
  bytes.length = out.offset;
  return bytes.bytes();
}

function writeDataPage(
  writer: ByteWriter,
  format: ChunkFormat,
  leaf: Leaf,
  definition: Uint8Array,
  repetition: Uint8Array | undefined,
  from: number,
  to: number,
  page: { body: Uint8Array; nulls: number; encoding: 'PLAIN' | 'RLE_DICTIONARY' },
): number {
  const rep =
    repetition === undefined
      ? undefined
      : levelBytes(SCRATCH.repetition, repetition, from, to, leaf.maxRepetitionLevel);
  const def = levelBytes(SCRATCH.definition, definition, from, to, leaf.maxDefinitionLevel);
  let rows = to - from;
  if (repetition !== undefined) {
    rows = 0;
    for (let i = from; i < to; i++) if (repetition[i] === 0) rows += 1;
  }
  const levels = (rep?.length ?? 0) + def.length;
  return writePage(
    writer,
    format,
    page.body,
    rep === undefined ? [def] : [rep, def],
    {
      type: 'DATA_PAGE_V2',
      data_page_header_v2: {
        num_values: to - from,
        num_nulls: page.nulls,
        num_rows: rows,
        encoding: page.encoding,
        definition_levels_byte_length: def.length,
        repetition_levels_byte_length: rep?.length ?? 0,
        is_compressed: true,
      },
    },
    levels,
  );
}

/** Writes a page: header, levels (v2 keeps them uncompressed), compressed body. Returns its uncompressed size. */
function writePage(
  writer: ByteWriter,
  format: ChunkFormat,
  body: Uint8Array,
  levels: Uint8Array[] | undefined,
  header: OcsfPageHeader,
  levelSize = 0,
): number {
  const compressed = format.compress(body);
  const headerBytes = pageHeaderBytes(header, levelSize + body.length, levelSize + compressed.length);
  writer.appendBytes(headerBytes);
  const headerSize = headerBytes.length;
  for (const level of levels ?? []) writer.appendBytes(level);
  writer.appendBytes(compressed);
  return headerSize + levelSize + body.length;
}

/** Null count always; min and max for numbers (NaN left out, as Parquet asks) and booleans. */
function statisticsOf(values: readonly unknown[], type: ParquetType, slots: number) {
  const nulls = BigInt(slots - values.length);
  if (type === 'BYTE_ARRAY') return { null_count: nulls };
  let min: number | bigint | boolean | undefined;
  let max: number | bigint | boolean | undefined;
  for (const item of values) {
    const value = item as number | bigint | boolean;
    if (typeof value === 'number' && Number.isNaN(value)) continue;
    if (min === undefined || value < min) min = value;
    if (max === undefined || value > max) max = value;
  }
  if (min === undefined || max === undefined) return { null_count: nulls };
  // INT64 statistics are bigints, as the footer writes them.
  if (type === 'INT64') return { null_count: nulls, min_value: BigInt(min), max_value: BigInt(max) };
  // Parquet: a zero minimum is written -0, a zero maximum +0.
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return { null_count: nulls, min_value: min, max_value: max };
}
