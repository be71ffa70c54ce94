import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  athenaAssetsDdl,
  athenaFindingsDdl,
  DELIVERED_ASSET_COLUMNS,
  DELIVERED_FINDING_COLUMNS,
  type DeliveredColumn,
  FindingsOptionError,
  PLACEHOLDER_DATA_LOCATION,
} from '#lib/findings';
import { asset, fixedFinding, openFinding } from './helpers';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const names = (columns: readonly DeliveredColumn[]) => columns.map((column) => column.name);

/** Column names of a rendered CREATE TABLE, data columns then partition keys. */
function ddlColumns(ddl: string): { data: string[]; partitions: string[] } {
  const [data = '', partitions = ''] = ddl.split('PARTITIONED BY');
  const pick = (text: string) => [...text.matchAll(/^ {2}`(\w+)` /gm)].map((match) => match[1] ?? '');
  return { data: pick(data), partitions: pick(partitions.split(')')[0] ?? '') };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Whether a delivered value can be read as the column's Athena type. */
function fits(value: unknown, type: string): boolean {
  if (value === null) return true;
  if (type === 'string') return typeof value === 'string';
  if (type === 'int' || type === 'bigint') return Number.isInteger(value);
  if (type === 'double') return typeof value === 'number';
  if (type === 'boolean') return typeof value === 'boolean';
  if (type === 'timestamp') return typeof value === 'string' && ISO.test(value);
  if (type === 'array<string>')
    return Array.isArray(value) && value.every((item) => typeof item === 'string');
  const struct = /^struct<(.*)>$/.exec(type);
  if (struct === null || typeof value !== 'object') return false;
  const fields = (struct[1] ?? '').split(',').map((field) => field.split(':') as [string, string]);
  const record = value as Record<string, unknown>;
  return (
    Object.keys(record).join() === fields.map(([name]) => name).join() &&
    fields.every(([name, fieldType]) => fits(record[name], fieldType))
  );
}

describe('the delivered row contract', () => {
  const minimal = {
    ip: '10.0.0.1',
    pluginID: '19506',
    severity: undefined,
    repository: undefined,
    family: undefined,
  };

  it('lists exactly the keys of delivered findings, in order', () => {
    for (const row of [openFinding(), fixedFinding(), openFinding(minimal)]) {
      expect(Object.keys(row)).toEqual(names(DELIVERED_FINDING_COLUMNS));
    }
  });

  it('lists exactly the keys of delivered assets, in order', () => {
    expect(Object.keys(asset())).toEqual(names(DELIVERED_ASSET_COLUMNS));
    expect(Object.keys(asset({ repository: undefined }))).toEqual(names(DELIVERED_ASSET_COLUMNS));
  });

  it('gives every column an Athena type its values fit', () => {
    const findings = [
      openFinding(),
      fixedFinding(),
      openFinding(minimal),
      openFinding({ cvssV4BaseScore: '9.1' }),
    ];
    for (const row of findings) {
      for (const { name, athenaType } of DELIVERED_FINDING_COLUMNS) {
        expect(fits(row[name], athenaType), `${name}: ${JSON.stringify(row[name])}`).toBe(true);
      }
    }
    for (const { name, athenaType } of DELIVERED_ASSET_COLUMNS) {
      expect(fits(asset()[name], athenaType), name).toBe(true);
    }
  });

  it('renders a findings table whose columns and partition keys are the row keys', () => {
    // Act
    const { data, partitions } = ddlColumns(athenaFindingsDdl(PLACEHOLDER_DATA_LOCATION));

    // Assert: `console` and `dataset` are partition keys, taken from the path; `dt` is the run day.
    expect(partitions).toEqual(['console', 'dataset', 'dt']);
    expect([...data, 'dataset'].sort()).toEqual(Object.keys(openFinding()).sort());
  });

  it('renders an assets table whose columns are the row keys', () => {
    const { data, partitions } = ddlColumns(athenaAssetsDdl(PLACEHOLDER_DATA_LOCATION));
    expect(partitions).toEqual(['console', 'dt']);
    expect(data).toEqual(Object.keys(asset()));
  });

  it('commits the DDL exactly as rendered', () => {
    expect(read('infra/athena/findings.sql')).toBe(athenaFindingsDdl(PLACEHOLDER_DATA_LOCATION));
    expect(read('infra/athena/assets.sql')).toBe(athenaAssetsDdl(PLACEHOLDER_DATA_LOCATION));
  });

  it('renders the DDL for a real bucket, with projection on console, dataset and dt under its data root', () => {
    // Act
    const ddl = athenaFindingsDdl('s3://acme-sc2aws/prod', { table: 'security.sc_findings' });

    // Assert
    expect(ddl).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS security.sc_findings (');
    expect(ddl).toContain("LOCATION 's3://acme-sc2aws/prod/'");
    expect(ddl).toContain(
      `'storage.location.template' = 's3://acme-sc2aws/prod/console=\${console}/findings/committed/dataset=\${dataset}/dt=\${dt}/'`,
    );
    expect(ddl).toContain("'projection.console.values' = 'default'");
    expect(ddl).toContain("'projection.dataset.values' = 'vulns,fixed'");
    expect(ddl).toContain("'projection.dt.range' = '2020-01-01,NOW'");
    expect(athenaAssetsDdl('s3://acme-sc2aws/sc2aws/')).toContain(
      `'storage.location.template' = 's3://acme-sc2aws/sc2aws/console=\${console}/findings/committed/dataset=assets/dt=\${dt}/'`,
    );
  });

  it.each([
    ['a location that is not s3', () => athenaFindingsDdl('https://bucket/sc2aws/')],
    ['a location with a quote', () => athenaFindingsDdl("s3://bucket/x'; DROP TABLE y; --/")],
    ["a location that is one console's folder", () => athenaFindingsDdl('s3://bucket/sc2aws/console=emea/')],
    ['a table name with a quote', () => athenaAssetsDdl('s3://bucket/sc2aws/', { table: "x'y" })],
  ])('refuses %s', (_label, render) => {
    expect(render).toThrow(FindingsOptionError);
  });

  it('keeps raw.sql projected on the console default and all three datasets over the committed lists of raw/', () => {
    const raw = read('infra/athena/raw.sql');
    expect(raw).toContain("'projection.console.values' = 'default'");
    expect(raw).toContain("'projection.dataset.values' = 'vulns,fixed,assets'");
    expect(raw).toContain(
      `'storage.location.template' = 's3://BUCKET/PREFIX/console=\${console}/raw/committed/dataset=\${dataset}/dt=\${dt}/'`,
    );
  });

  it.each([
    ['raw.sql', read('infra/athena/raw.sql')],
    ['findings.sql', athenaFindingsDdl(PLACEHOLDER_DATA_LOCATION)],
    ['assets.sql', athenaAssetsDdl(PLACEHOLDER_DATA_LOCATION)],
  ])('makes %s read committed lists through SymlinkTextInputFormat, never run folders', (_file, ddl) => {
    expect(ddl).toContain("STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'");
    expect(ddl).toContain("LOCATION 's3://BUCKET/PREFIX/'");
    expect(ddl).toMatch(
      /'storage\.location\.template' = 's3:\/\/BUCKET\/PREFIX\/console=\$\{console\}\/(raw|findings)\/committed\//,
    );
  });
});

describe('CONTRACT.md', () => {
  const contract = read('lib/findings/CONTRACT.md');
  const [findingsPart = '', assetsPart = ''] = contract.split('## Assets');

  function table(markdown: string): string[][] {
    return [...markdown.matchAll(/^\| `([\w]+)` \| `([^`]+)` \|/gm)].map((match) => [
      match[1] ?? '',
      match[2] ?? '',
    ]);
  }
  const columns = (list: readonly DeliveredColumn[]) =>
    list.map(({ name, athenaType }) => [name, athenaType]);

  it('documents every column with its Athena type, in order', () => {
    expect(table(findingsPart)).toEqual(columns(DELIVERED_FINDING_COLUMNS));
    expect(table(assetsPart.split('## Examples')[0] ?? '')).toEqual(columns(DELIVERED_ASSET_COLUMNS));
  });

  it('shows example rows that are what normalizeRow delivers', () => {
    // Prepare
    const examples = [...contract.matchAll(/```json\n([\s\S]*?)\n```/g)].map((match) =>
      JSON.parse(match[1] ?? ''),
    );

    // Assert
    expect(examples).toEqual([openFinding(), fixedFinding(), asset()]);
  });
});
