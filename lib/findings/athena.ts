/**
 * Athena DDL for the delivered datasets, rendered from the column lists so the tables always
 * match the rows. infra/athena/findings.sql and assets.sql are these renderings for the
 * placeholder location and the one console `default`; a unit test keeps them equal.
 *
 * The tables read committed runs only: their partitions are the `committed/` lists (lib/sink), read
 * through Hive's SymlinkTextInputFormat (each list names the parts of one committed run), never the
 * run folders, where parts of runs in flight or of failed deliveries lie.
 *
 * Every table spans the deployment's consoles: each console's data lies under its own
 * `console=<id>/` folder of the data prefix (lib/product), and the tables project that folder as the
 * partition `console` over the console list, so one table reads every console and a query can
 * narrow to one.
 */
import { consoleFolder, DEFAULT_CONSOLE_ID } from '#lib/product';
import { COMMITTED_FOLDER } from '#lib/sink';
import { DELIVERED_ASSET_COLUMNS, DELIVERED_FINDING_COLUMNS, type DeliveredColumn } from './columns';
import { DEFAULT_ASSETS_TABLE, DEFAULT_FINDINGS_TABLE, ISO_TIMESTAMP_JODA_FORMAT } from './constants';
import { FindingsOptionError } from './errors';

/**
 * The location the committed .sql files are rendered for, the data root of every table: replace
 * BUCKET and PREFIX with the deployment's bucket and data prefix.
 */
export const PLACEHOLDER_DATA_LOCATION = 's3://BUCKET/PREFIX/';

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

/**
 * The deployment's data root, `s3://bucket/prefix/` with exactly one trailing slash: every table
 * adds the console's folder and its kind's below it. One console's folder is refused, since the
 * table would then look for `console=<id>/` inside it and read nothing.
 */
export function checkLocation(location: string): string {
  const withSlash = location.endsWith('/') ? location : `${location}/`;
  if (!S3_PREFIX.test(withSlash) || withSlash.includes('//', 5)) {
    throw new FindingsOptionError(
      'location',
      'must be an s3:// prefix without quotes or blanks',
      "'s3://my-bucket/sc2aws/'",
    );
  }
  if (/\/console=[^/]*\//.test(withSlash)) {
    throw new FindingsOptionError(
      'location',
      "must be the deployment's data root, not a console's folder (the tables add console=<id>/)",
      "'s3://my-bucket/sc2aws/'",
    );
  }
  return withSlash;
}

/**
 * CONSOLE_ID of lib/config/rules.ts, copied: lib/config imports lib/findings, so lib/findings cannot
 * import it back. A unit test holds the two equal.
 */
export const CONSOLE_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,14}[a-z0-9])?$/;

/**
 * The console ids a table spans: at least one, each a console id, none twice. An id is rendered
 * into the projection's comma-separated list and into S3 keys, so nothing else may pass.
 */
export function checkConsoles(consoles: readonly string[]): readonly string[] {
  const bad = consoles.find((id) => !CONSOLE_ID_PATTERN.test(id));
  if (bad !== undefined) {
    throw new FindingsOptionError(
      'consoles',
      `must be console ids, 1-16 lowercase letters, digits and inner hyphens (got "${bad.slice(0, 40)}")`,
      "['default', 'emea']",
    );
  }
  if (consoles.length === 0 || new Set(consoles).size !== consoles.length) {
    throw new FindingsOptionError('consoles', 'must list each console once, at least one', "['default']");
  }
  return consoles;
}

/** The options every table's DDL takes besides its location. */
export interface AthenaTableOptions {
  /** The table's name (`db.table` allowed); each table has its own default. */
  table?: string;
  /** The deployment's console ids (SC_CONSOLES' entries); default the one console `default`. */
  consoles?: readonly string[];
}

/**
 * The `console` partition's projection: an enum of the deployment's consoles. A console added later
 * needs the list changed (ALTER TABLE … SET TBLPROPERTIES); nothing else of the table changes.
 */
export function consoleProjection(consoles: readonly string[]): readonly (readonly [string, string])[] {
  return [
    ['projection.console.type', 'enum'],
    ['projection.console.values', checkConsoles(consoles).join(',')],
  ];
}

/**
 * A table's `storage.location.template` up to its kind: the data root and the console's folder,
 * the console projected (`s3://bucket/prefix/console=${console}/`).
 */
export function consoleTemplate(root: string): string {
  // Athena's placeholder, not a template literal's: the projection fills it in per console.
  return `${root}${consoleFolder(`\${console}`)}`;
}

/**
 * The header lines every table shares about consoles: what `console` is and how to add one, with
 * the statement to run for this table and list.
 */
export function consoleNotes(table: string, consoles: readonly string[]): string[] {
  return [
    'console is the SC console a row came from (README "Several SC consoles"): each console\'s data lies',
    `under <prefix>/console=<id>/, and the table spans the consoles projection.console.values lists (${consoles.join(',')}).`,
    'To add a console later, set the whole list, the new id included; nothing else of the table changes:',
    `  ALTER TABLE ${table} SET TBLPROPERTIES ('projection.console.values' = '${consoles.join(',')},<new id>')`,
  ];
}

/** The header line every table shares about its location. */
export function locationNote(): string {
  return `Replace ${PLACEHOLDER_DATA_LOCATION} with your data bucket and prefix (LOCATION and the template), or render the DDL.`;
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
 * The CREATE EXTERNAL TABLE for delivered findings (datasets `vulns` and `fixed`) of every console
 * under `location`, the deployment's data root (`s3://bucket/prefix/`); the table reads each
 * console's `findings/committed/` lists. `console` and the row's `dataset` field are partition keys;
 * every other column is {@link DELIVERED_FINDING_COLUMNS}.
 *
 * @example
 * ```ts
 * const ddl = athenaFindingsDdl('s3://my-bucket/sc2aws/', { consoles: ['default', 'emea'] });
 * await athena.startQueryExecution({ QueryString: ddl });
 * ```
 */
export function athenaFindingsDdl(location: string, options: AthenaTableOptions = {}): string {
  const root = checkLocation(location);
  const table = checkTable(options.table ?? DEFAULT_FINDINGS_TABLE);
  const consoles = checkConsoles(options.consoles ?? [DEFAULT_CONSOLE_ID]);
  return renderSymlinkTable({
    table,
    header: [
      'sc2aws delivered findings (datasets vulns and fixed), one JSON object a line: lib/findings/CONTRACT.md.',
      'Generated by athenaFindingsDdl() in lib/findings/athena.ts from DELIVERED_FINDING_COLUMNS; a unit test',
      'holds this file equal to the rendering. Change the columns, never this file by hand.',
      locationNote(),
      '',
      ...consoleNotes(table, consoles),
      ...COMMON_NOTES,
    ],
    columns: DELIVERED_FINDING_COLUMNS.filter((column) => column.name !== 'dataset'),
    partitions: ['console', 'dataset', 'dt'],
    location: root,
    projection: [
      ...consoleProjection(consoles),
      ['projection.dataset.type', 'enum'],
      ['projection.dataset.values', 'vulns,fixed'],
      ...DT_PROJECTION,
      [
        'storage.location.template',
        `${consoleTemplate(root)}findings/${COMMITTED_FOLDER}/dataset=\${dataset}/dt=\${dt}/`,
      ],
    ],
  });
}

/**
 * The CREATE EXTERNAL TABLE for delivered assets (dataset `assets`, sumip hosts) of every console
 * under `location`, the deployment's data root; the table reads each console's `findings/committed/`
 * lists of the dataset. `console` is a partition key; the columns are {@link DELIVERED_ASSET_COLUMNS}.
 *
 * @example
 * ```ts
 * const ddl = athenaAssetsDdl('s3://my-bucket/sc2aws/', { consoles: ['default', 'emea'] });
 * ```
 */
export function athenaAssetsDdl(location: string, options: AthenaTableOptions = {}): string {
  const root = checkLocation(location);
  const table = checkTable(options.table ?? DEFAULT_ASSETS_TABLE);
  const consoles = checkConsoles(options.consoles ?? [DEFAULT_CONSOLE_ID]);
  return renderSymlinkTable({
    table,
    header: [
      'sc2aws delivered assets (dataset assets, one sumip host a line): lib/findings/CONTRACT.md.',
      'Generated by athenaAssetsDdl() in lib/findings/athena.ts from DELIVERED_ASSET_COLUMNS; a unit test',
      'holds this file equal to the rendering. Change the columns, never this file by hand.',
      locationNote(),
      '',
      ...consoleNotes(table, consoles),
      ...COMMON_NOTES,
    ],
    columns: DELIVERED_ASSET_COLUMNS,
    partitions: ['console', 'dt'],
    location: root,
    projection: [
      ...consoleProjection(consoles),
      ...DT_PROJECTION,
      [
        'storage.location.template',
        `${consoleTemplate(root)}findings/${COMMITTED_FOLDER}/dataset=assets/dt=\${dt}/`,
      ],
    ],
  });
}
