// @module-tag runtime
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '#lib/errors';
import type { DeliveredFinding } from '#lib/findings';
import {
  deviceInventoryInfoOf,
  eventDayOf,
  type OcsfPartFile,
  ocsfAthenaDdl,
  ocsfFilesForPart,
  ROW_GROUP_MAX_ROWS,
  runtimeCodec,
  vulnerabilityFindingOf,
} from '#lib/ocsf';
import { createLocalStore, type ObjectStore } from '#lib/sink';
import { deliveredPart, pageSizes, plain, withDuckDb } from '#support/ocsf-files';
import { assetCases, findingCases } from '../unit/ocsf/rows';

const RUN = { runId: '20240404T060000Z-0a1b2c3d', dt: '2024-04-04', index: 0 };
const MiB = 1024 * 1024;

/** What the file must hold: the mapping of the delivered rows, sorted by time (ties in part order). */
function expectedRecords<T>(rows: readonly T[], map: (row: T) => { time: number }): unknown[] {
  return rows
    .map((row, i) => ({ record: map(row), i }))
    .sort((a, b) => a.record.time - b.record.time || a.i - b.i)
    .map(({ record }) => JSON.parse(JSON.stringify(record)));
}

/** `count` distinct findings built from the cases, with spread-out last-seen times. */
function manyFindings(count: number): DeliveredFinding[] {
  // Without the 70 000-character description, so 5 000 rows stay under the row group's input bound.
  const cases = Object.entries(findingCases)
    .filter(([name]) => name !== 'long plugin output and description')
    .map(([, row]) => row);
  return Array.from({ length: count }, (_, i) => {
    const base = cases[i % cases.length] as DeliveredFinding;
    const lastSeen = new Date(Date.parse('2024-04-01T00:00:00Z') + ((i * 7919) % count) * 1000).toISOString();
    return {
      ...base,
      finding_id: `${i}`.padStart(32, '0'),
      last_seen: lastSeen,
      last_mitigated: base.last_mitigated && lastSeen,
    };
  });
}

/** Every record of a part's files, read back by DuckDB, in file order. */
async function readAll(files: readonly OcsfPartFile[]): Promise<unknown[]> {
  const read: unknown[] = [];
  for (const file of files)
    await withDuckDb(file.bytes, async (query) => {
      read.push(...(await query('SELECT * FROM read_parquet($file)')).map(plain));
    });
  return read;
}

/** The one file of a part whose records all have the same day. */
function only(files: readonly OcsfPartFile[]): OcsfPartFile {
  expect(files).toHaveLength(1);
  return files[0] as OcsfPartFile;
}

const HIVE: Record<string, string> = {
  VARCHAR: 'string',
  INTEGER: 'int',
  BIGINT: 'bigint',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
};

/** A DuckDB type (`STRUCT(a VARCHAR, "desc" VARCHAR)[]`) in Hive DDL spelling (`array<struct<a:string,desc:string>>`). */
function hiveType(duck: string): string {
  if (duck.endsWith('[]')) return `array<${hiveType(duck.slice(0, -2))}>`;
  if (!duck.startsWith('STRUCT(')) return HIVE[duck] ?? `unknown ${duck}`;
  const fields: string[] = [];
  let depth = 0;
  let start = 7;
  for (let i = 7; i < duck.length - 1; i++) {
    const c = duck[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      fields.push(duck.slice(start, i).trim());
      start = i + 1;
    }
  }
  fields.push(duck.slice(start, duck.length - 1).trim());
  const members = fields.map((field) => {
    const space = field.indexOf(' ');
    return `${field.slice(0, space).replaceAll('"', '')}:${hiveType(field.slice(space + 1))}`;
  });
  return `struct<${members.join(',')}>`;
}

describe('OCSF Parquet files, read back by DuckDB', () => {
  let dir: string;
  let store: ObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-ocsf-store-'));
    store = createLocalStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds exactly the mapping of the delivered findings, sorted by time, in nested columns', async () => {
    // Prepare: the cases in part order, which is not time order.
    const rows = [...Object.values(findingCases)].reverse();
    const part = await deliveredPart(store, 'vulns', rows);

    // Act
    const files = await ocsfFilesForPart(store, 'vulns', part, RUN);

    // Assert
    expect(files.reduce((n, f) => n + f.rows, 0)).toBe(rows.length);
    for (const file of files) {
      expect(file.ocsfClass.classUid).toBe(2002);
      expect(file.key).toBe(
        `ocsf/class=vulnerability_finding/dataset=vulns/dt=2024-04-04/run=20240404T060000Z-0a1b2c3d/part-00000-${file.eventDay}.parquet`,
      );
    }
    expect(await readAll(files)).toEqual(expectedRecords(rows, vulnerabilityFindingOf));
    await withDuckDb((files[0] as OcsfPartFile).bytes, async (query) => {
      const types = new Map(
        (await query('DESCRIBE SELECT * FROM read_parquet($file)')).map((c) => [
          c.column_name,
          String(c.column_type),
        ]),
      );
      expect(types.get('time')).toBe('BIGINT');
      expect(types.get('vulnerabilities')).toMatch(
        /^STRUCT\(cve STRUCT\(uid VARCHAR, cvss STRUCT\("version" VARCHAR, base_score DOUBLE/,
      );
      expect(types.get('vulnerabilities')).toMatch(/\)\[\]$/);
      expect(types.get('metadata')).toMatch(/^STRUCT\("version" VARCHAR, product STRUCT\(/);
      expect(types.get('unmapped')).toMatch(/cpe VARCHAR\[\]/);
    });
  });

  it('holds exactly the mapping of the delivered hosts as Device Inventory Info', async () => {
    const rows = Object.values(assetCases);
    const part = await deliveredPart(store, 'assets', rows);

    const files = await ocsfFilesForPart(store, 'assets', part, RUN);

    for (const file of files) expect(file.ocsfClass.classUid).toBe(5001);
    expect(await readAll(files)).toEqual(expectedRecords(rows, deviceInventoryInfoOf));
  });

  it("splits a part into one file per UTC day of the records' time, so a backfill lands in its own days", async () => {
    // Prepare: a run of 2024-04-04 whose findings were last seen on three earlier days, in no order.
    const seen = ['2024-03-31T23:59:59.999Z', '2024-03-30T00:00:00.000Z', '2024-04-02T12:00:00.000Z'];
    const rows = manyFindings(30).map((row, i) => ({
      ...row,
      last_seen: seen[i % 3] as string,
      last_mitigated: null,
      state: 'open' as const,
    }));
    const part = await deliveredPart(store, 'vulns', rows);

    // Act
    const files = await ocsfFilesForPart(store, 'vulns', part, RUN);

    // Assert
    expect(files.map((f) => [f.eventDay, f.rows])).toEqual([
      ['20240330', 10],
      ['20240331', 10],
      ['20240402', 10],
    ]);
    for (const file of files) {
      expect(file.key).toMatch(new RegExp(`/run=${RUN.runId}/part-00000-${file.eventDay}\\.parquet$`));
      await withDuckDb(file.bytes, async (query) => {
        const times = await query('SELECT time FROM read_parquet($file)');
        expect(times.map((t) => eventDayOf(Number(t.time)))).toEqual(Array(file.rows).fill(file.eventDay));
      });
    }
    expect(await readAll(files)).toEqual(expectedRecords(rows, vulnerabilityFindingOf));
  });

  it('writes the runtime codec (zstd where node:zlib has it, else snappy), row groups of at most 5 000 rows and pages of at most 1 MB', async () => {
    // Prepare: enough rows for three row groups, with 3 kB plugin outputs to fill many pages.
    const rows = manyFindings(2 * ROW_GROUP_MAX_ROWS + 10).map((row, i) => ({
      ...row,
      plugin_output: `${i} ${'output '.repeat(430)}`,
    }));
    const part = await deliveredPart(store, 'vulns', rows);

    // Act
    const file = only(await ocsfFilesForPart(store, 'vulns', part, RUN));

    // Assert
    const expectedCodec =
      typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function' ? 'ZSTD' : 'SNAPPY';
    expect(runtimeCodec()).toBe(expectedCodec);
    expect(file.codec).toBe(expectedCodec);
    await withDuckDb(file.bytes, async (query) => {
      const codecs = await query('SELECT DISTINCT compression FROM parquet_metadata($file)');
      expect(codecs.map((c) => c.compression)).toEqual([expectedCodec]);
      const groups = await query(
        'SELECT row_group_id, max(row_group_num_rows) AS num_rows, max(row_group_bytes) AS bytes FROM parquet_metadata($file) GROUP BY row_group_id ORDER BY row_group_id',
      );
      expect(groups.map((g) => Number(g.num_rows))).toEqual([5000, 5000, 10]);
      for (const g of groups) expect(Number(g.bytes)).toBeLessThanOrEqual(256 * MiB);
      const times = await query('SELECT time FROM read_parquet($file)');
      const values = times.map((t) => Number(t.time));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    });
    const pages = pageSizes(file.bytes).filter((p) => p.type !== 'DICTIONARY_PAGE');
    expect(pages.length).toBeGreaterThan(3 * 100);
    expect(Math.max(...pages.map((p) => p.uncompressed))).toBeLessThanOrEqual(MiB);
  });

  it.each([
    ['vulns', 'vulnerabilityFinding', findingCases],
    ['assets', 'deviceInventoryInfo', assetCases],
  ] as const)(
    'ships Athena DDL for %s whose column types are the types DuckDB reads from the file',
    async (dataset, classKey, cases) => {
      const part = await deliveredPart(store, dataset, Object.values(cases));

      const [file] = await ocsfFilesForPart(store, dataset, part, RUN);

      const declared = [
        ...(ocsfAthenaDdl(classKey).split('PARTITIONED BY')[0] ?? '').matchAll(/^ {2}`(\w+)` (.+?),?$/gm),
      ].map((m) => [m[1], m[2]]);
      await withDuckDb((file as OcsfPartFile).bytes, async (query) => {
        const described = await query('DESCRIBE SELECT * FROM read_parquet($file)');
        expect(declared).toEqual(described.map((c) => [c.column_name, hiveType(String(c.column_type))]));
      });
    },
  );

  it('dictionary-encodes repeating columns, writes unique ones plain, and records null counts and numeric min and max', async () => {
    // Prepare: 300 findings of one day, each with its own id, over a handful of plugins.
    const at = '2024-04-02T12:00:00.000Z';
    const rows = manyFindings(300).map((row) => ({
      ...row,
      last_seen: at,
      last_mitigated: row.last_mitigated && at,
    }));
    const records = rows.map((row) => vulnerabilityFindingOf(row));
    const part = await deliveredPart(store, 'vulns', rows);

    // Act
    const file = only(await ocsfFilesForPart(store, 'vulns', part, RUN));

    // Assert
    await withDuckDb(file.bytes, async (query) => {
      const meta = new Map(
        (
          await query(
            'SELECT path_in_schema, encodings, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata($file)',
          )
        ).map((c) => [String(c.path_in_schema), c]),
      );
      // metadata.uid differs per finding; class_uid is the same on every row.
      expect(String(meta.get('metadata, uid')?.encodings)).toBe('PLAIN');
      expect(String(meta.get('class_uid')?.encodings)).toMatch(/RLE_DICTIONARY/);
      const time = Date.parse(at);
      expect(meta.get('time')).toMatchObject({
        stats_min_value: String(time),
        stats_max_value: String(time),
      });
      expect(Number(meta.get('time')?.stats_null_count)).toBe(0);
      const severities = records.map((record) => record.severity_id);
      expect(meta.get('severity_id')).toMatchObject({
        stats_min_value: String(Math.min(...severities)),
        stats_max_value: String(Math.max(...severities)),
      });
      const noComment = records.filter((record) => record.comment === undefined).length;
      expect(noComment).toBeGreaterThan(0);
      expect(noComment).toBeLessThan(records.length);
      expect(Number(meta.get('comment')?.stats_null_count)).toBe(noComment);
    });
  });

  it('writes snappy when asked, whatever the runtime has', async () => {
    const part = await deliveredPart(store, 'vulns', Object.values(findingCases));

    const files = await ocsfFilesForPart(store, 'vulns', part, { ...RUN, codec: 'SNAPPY' });

    for (const file of files)
      await withDuckDb(file.bytes, async (query) => {
        const codecs = await query('SELECT DISTINCT compression FROM parquet_metadata($file)');
        expect(codecs.map((c) => c.compression)).toEqual(['SNAPPY']);
      });
  });

  it('makes byte-identical files from the same part (a redelivery rewrites the same objects)', async () => {
    const part = await deliveredPart(store, 'fixed', Object.values(findingCases));

    const first = await ocsfFilesForPart(store, 'fixed', part, RUN);
    const second = await ocsfFilesForPart(store, 'fixed', part, RUN);

    expect(second.map((f) => f.key)).toEqual(first.map((f) => f.key));
    for (const [i, file] of second.entries()) {
      expect(Buffer.from(file.bytes).equals(Buffer.from(first[i]?.bytes ?? []))).toBe(true);
      expect(file.sha256).toBe(first[i]?.sha256);
    }
  });

  it('refuses a part that is not gzip NDJSON, naming it', async () => {
    const part = await deliveredPart(store, 'vulns', Object.values(findingCases));
    const body = Buffer.from('{"not":"gzip"}\n');
    const upload = store.openUpload(part.key, 'application/gzip');
    upload.stream.end(body);
    await upload.done();
    // Its manifest entry matches the bytes (sha256 and size are checked first): only gzip fails.
    const sha256 = createHash('sha256').update(body).digest('hex');

    const result = ocsfFilesForPart(store, 'vulns', { ...part, sha256, bytes: body.length }, RUN);

    await expect(result).rejects.toMatchObject({ code: ErrorCode.OcsfInputCorrupt });
    await expect(result).rejects.toThrow(/not readable gzip NDJSON/);
  });

  it('refuses a part that does not match its manifest, naming it', async () => {
    const part = await deliveredPart(store, 'vulns', Object.values(findingCases));

    const result = ocsfFilesForPart(store, 'vulns', { ...part, rows: part.rows + 1 }, RUN);

    await expect(result).rejects.toMatchObject({ code: ErrorCode.OcsfInputCorrupt });
    await expect(result).rejects.toThrow(part.key);
  });
});
