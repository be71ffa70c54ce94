/**
 * Athena DDL for the delivered datasets, rendered from the column lists so the tables always
 * match the rows. infra/athena/findings.sql and assets.sql are these renderings for the
 * placeholder location; a unit test keeps them equal.
 *
 * The tables read committed runs only: their locations are the `committed/` lists (lib/sink), read
 * through Hive's SymlinkTextInputFormat (each list names the parts of one committed run), never the
 * run folders, where parts of runs in flight or of failed deliveries lie.
 */
import { COMMITTED_FOLDER } from '#lib/sink';
import { DELIVERED_ASSET_COLUMNS, DELIVERED_FINDING_COLUMNS, type DeliveredColumn } from './columns';
import { DEFAULT_ASSETS_TABLE, DEFAULT_FINDINGS_TABLE, ISO_TIMESTAMP_JODA_FORMAT } from './constants';
import { FindingsOptionError } from './errors';

/** The location the committed .sql files are rendered for: replace BUCKET and PREFIX. */
export const PLACEHOLDER_FINDINGS_LOCATION = 's3://BUCKET/PREFIX/findings/';

const TABLE_NAME = /^(?:[a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$/;
const S3_PREFIX = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/[^'\s]*)?$/i;

export function checkTable(table: string): string {
  if (!TABLE_NAME.test(table)) {
    throw new FindingsOptionError(
      'table',
      'must be lower-case letters, digits and _ (db.table allowed)',
      "'sc2aws_findings'",
    );
  }
  return table;
}

/** `s3://bucket/prefix/findings/` with exactly one trailing slash. */
export function checkLocation(location: string): string {
  const withSlash = location.endsWith('/') ? location : `${location}/`;
  if (!S3_PREFIX.test(withSlash) || withSlash.includes('//', 5)) {
    throw new FindingsOptionError(
      'location',
      'must be an s3:// prefix without quotes or blanks',
      "'s3://my-bucket/sc2aws/findings/'",
    );
  }
  return withSlash;
}

export const DT_PROJECTION = [
  ['projection.dt.type', 'date'],
  ['projection.dt.format', 'yyyy-MM-dd'],
  // The first day a run can be dated; NOW = today (UTC), so new days need no DDL change.
  ['projection.dt.range', '2020-01-01,NOW'],
  ['projection.dt.interval', '1'],
  ['projection.dt.interval.unit', 'DAYS'],
] as const;

/** A table over committed lists (SymlinkTextInputFormat) of JSON lines. */
export interface SymlinkTableSpec {
  table: string;
  header: readonly string[];
  columns: readonly DeliveredColumn[];
  partitions: readonly string[];
  location: string;
  projection: readonly (readonly [string, string])[];
}

/**
 * The CREATE EXTERNAL TABLE of a table that reads committed lists: each file at its location names
 * parts, one full address a line. Without partitions, no projection is declared.
 */
export function renderSymlinkTable(spec: SymlinkTableSpec): string {
  const columns = spec.columns.map((column) => `  \`${column.name}\` ${column.athenaType}`).join(',\n');
  const partitions = spec.partitions.map((name) => `  \`${name}\` string`).join(',\n');
  const projected = spec.partitions.length > 0;
  const properties = [...(projected ? [['projection.enabled', 'true']] : []), ...spec.projection]
    .map(([key, value]) => `  '${key}' = '${value}'`)
    .join(',\n');
  return [
    ...spec.header.map((line) => (line === '' ? '--' : `-- ${line}`)),
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${spec.table} (`,
    columns,
    ')',
    ...(projected ? [`PARTITIONED BY (\n${partitions}\n)`] : []),
    // Hive JSON SerDe, not OpenX: AWS documents non-deterministic results for OpenX.
    "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
    `WITH SERDEPROPERTIES ("timestamp.formats" = "${ISO_TIMESTAMP_JODA_FORMAT}")`,
    // Each file under a partition is a list of part addresses; Athena reads the parts it names
    // with the SerDe above (the same format AWS uses for S3 Inventory tables).
    "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION '${spec.location}'${properties === '' ? ';' : ''}`,
    ...(properties === '' ? [] : [`TBLPROPERTIES (\n${properties}\n);`]),
    '',
  ].join('\n');
}

const COMMON_NOTES = [
  'Partitions come from projection (no crawler, no MSCK REPAIR): dt is the run day (UTC), 2020-01-01',
  'to today. Filter on dt in every query: it bounds what Athena reads.',
  `Committed runs only: the table reads ${COMMITTED_FOLDER}/, where a partition folder holds one <runId>.txt per`,
  'committed run, naming its parts one s3:// address a line (SymlinkTextInputFormat). sc2aws writes it',
  "after the run's _manifest.json, so parts of runs in flight, abandoned or failed are never read.",
  '"$path" is the part a row came from: narrow to one run with "$path" LIKE \'%/run=<runId>/%\'.',
  'Times are toISOString text (UTC), read as timestamp through timestamp.formats.',
  'A row appears once per run that collected it: take the newest row per id (see queries/).',
];

/**
 * The CREATE EXTERNAL TABLE for delivered findings (datasets `vulns` and `fixed`) under
 * `location`, the `findings/` prefix of the bucket; the table reads its `committed/` lists. The
 * row's `dataset` field is the partition key; every other column is {@link DELIVERED_FINDING_COLUMNS}.
 *
 * @example
 * ```ts
 * await athena.startQueryExecution({ QueryString: athenaFindingsDdl('s3://my-bucket/sc2aws/findings/') });
 * ```
 */
export function athenaFindingsDdl(location: string, table: string = DEFAULT_FINDINGS_TABLE): string {
  const root = `${checkLocation(location)}${COMMITTED_FOLDER}/`;
  return renderSymlinkTable({
    table: checkTable(table),
    header: [
      'sc2aws delivered findings (datasets vulns and fixed), one JSON object a line: lib/findings/CONTRACT.md.',
      'Generated by athenaFindingsDdl() in lib/findings/athena.ts from DELIVERED_FINDING_COLUMNS; a unit test',
      'holds this file equal to the rendering. Change the columns, never this file by hand.',
      `Replace ${PLACEHOLDER_FINDINGS_LOCATION} with your findings prefix, or render the DDL for it.`,
      '',
      ...COMMON_NOTES,
    ],
    columns: DELIVERED_FINDING_COLUMNS.filter((column) => column.name !== 'dataset'),
    partitions: ['dataset', 'dt'],
    location: root,
    projection: [
      ['projection.dataset.type', 'enum'],
      ['projection.dataset.values', 'vulns,fixed'],
      ...DT_PROJECTION,
      ['storage.location.template', `${root}dataset=\${dataset}/dt=\${dt}/`],
    ],
  });
}

/**
 * The CREATE EXTERNAL TABLE for delivered assets (dataset `assets`, sumip hosts) under
 * `location`, the `findings/` prefix of the bucket; the table reads its `committed/` lists.
 * Columns: {@link DELIVERED_ASSET_COLUMNS}.
 *
 * @example
 * ```ts
 * const ddl = athenaAssetsDdl('s3://my-bucket/sc2aws/findings/');
 * ```
 */
export function athenaAssetsDdl(location: string, table: string = DEFAULT_ASSETS_TABLE): string {
  const root = `${checkLocation(location)}${COMMITTED_FOLDER}/dataset=assets/`;
  return renderSymlinkTable({
    table: checkTable(table),
    header: [
      'sc2aws delivered assets (dataset assets, one sumip host a line): lib/findings/CONTRACT.md.',
      'Generated by athenaAssetsDdl() in lib/findings/athena.ts from DELIVERED_ASSET_COLUMNS; a unit test',
      'holds this file equal to the rendering. Change the columns, never this file by hand.',
      `Replace ${PLACEHOLDER_FINDINGS_LOCATION} with your findings prefix, or render the DDL for it.`,
      '',
      ...COMMON_NOTES,
    ],
    columns: DELIVERED_ASSET_COLUMNS,
    partitions: ['dt'],
    location: root,
    projection: [...DT_PROJECTION, ['storage.location.template', `${root}dt=\${dt}/`]],
  });
}
