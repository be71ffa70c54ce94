import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { type ObjectStore, type PartInfo, PartWriter, partKey, runPrefix } from '#lib/sink';

/** Writes `rows` as one delivered findings part (gzip NDJSON) of a run, as the delivery does. */
export async function deliveredPart(
  store: ObjectStore,
  dataset: string,
  rows: readonly object[],
  runId = '20240404T060000Z-0a1b2c3d',
  index = 0,
): Promise<PartInfo> {
  const prefix = runPrefix('findings', dataset, '2024-04-04', runId);
  const writer = new PartWriter(store, (i) => partKey(prefix, i + index), { partSizeBytes: 1 << 30 });
  await writer.write(rows.map((row) => JSON.stringify(row)));
  const part = await writer.finishPart();
  if (part === undefined) throw new Error('no part written');
  return part;
}

/** JSON-shaped values as DuckDB returns them: bigint → number, nulls (absent attributes) dropped. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = plain(item);
    return out;
  }
  return value;
}

/** DuckDB (an engine independent of the writer) reading a Parquet file back. */
export async function withDuckDb<T>(
  bytes: Uint8Array,
  use: (query: (sql: string) => Promise<Record<string, unknown>[]>, path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sc2aws-ocsf-'));
  const path = join(dir, 'file.parquet');
  await writeFile(path, bytes);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await use(async (sql) => {
      const reader = await connection.runAndReadAll(sql.replaceAll('$file', `'${path}'`));
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    }, path);
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every page header of every column chunk: type and uncompressed size, read from the file itself. */
export function pageSizes(bytes: Uint8Array): { type: string; uncompressed: number }[] {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(buffer);
  const view = new DataView(buffer);
  const out: { type: string; uncompressed: number }[] = [];
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (meta === undefined) continue;
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      const reader = { view, offset: start };
      while (reader.offset < end) {
        const header = parquetHeader(reader);
        out.push({ type: header.type, uncompressed: header.uncompressed_page_size });
        reader.offset += header.compressed_page_size;
      }
    }
  }
  return out;
}
