import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ocsfAthenaDdl } from '#lib/ocsf';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('the OCSF Athena DDL', () => {
  it('is shipped exactly as rendered', () => {
    expect(read('infra/athena/ocsf_vulnerability_finding.sql')).toBe(ocsfAthenaDdl('vulnerabilityFinding'));
    expect(read('infra/athena/ocsf_device_inventory_info.sql')).toBe(ocsfAthenaDdl('deviceInventoryInfo'));
  });

  it('reads the committed lists of its class through SymlinkTextInputFormat with the Parquet SerDe', () => {
    const ddl = ocsfAthenaDdl('vulnerabilityFinding', 's3://acme-sc2aws/prod', { table: 'security.sc_ocsf' });
    expect(ddl).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS security.sc_ocsf (');
    expect(ddl).toContain("LOCATION 's3://acme-sc2aws/prod/'");
    expect(ddl).toContain(
      `'storage.location.template' = 's3://acme-sc2aws/prod/console=\${console}/ocsf/committed/class=vulnerability_finding/dataset=\${dataset}/dt=\${dt}/'`,
    );
    expect(ddl).toContain("'projection.dataset.values' = 'vulns,fixed'");
    expect(ddl).toContain("ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'");
    expect(ddl).toContain("STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'");
    expect(ocsfAthenaDdl('deviceInventoryInfo')).toContain("'projection.dataset.values' = 'assets'");
  });

  it('declares the columns of the OCSF version it is rendered for: resources in 1.3.0, resource in 1.1.0', () => {
    const v13 = ocsfAthenaDdl('vulnerabilityFinding');
    const v11 = ocsfAthenaDdl('vulnerabilityFinding', undefined, { version: '1.1.0' });
    expect(v13).toContain('OCSF 1.3.0');
    expect(v13).toMatch(/^ {2}`resources` array<struct<uid:string,/m);
    expect(v13).not.toMatch(/^ {2}`resource` /m);
    expect(v11).toContain('OCSF 1.1.0');
    expect(v11).toMatch(/^ {2}`resource` struct<uid:string,/m);
    expect(v11).not.toMatch(/^ {2}`resources` /m);
    for (const ddl of [v13, v11, ocsfAthenaDdl('deviceInventoryInfo')])
      expect(ddl).toMatch(
        /^ {2}`observables` array<struct<name:string,type_id:int,type:string,value:string>>/m,
      );
  });

  it.each([
    ['a location that is not s3', () => ocsfAthenaDdl('vulnerabilityFinding', 'https://bucket/sc2aws/')],
    ['a location with a quote', () => ocsfAthenaDdl('vulnerabilityFinding', "s3://bucket/x'y/")],
    [
      'a table name with a quote',
      () => ocsfAthenaDdl('deviceInventoryInfo', 's3://bucket/sc2aws/', { table: "x'y" }),
    ],
  ])('refuses %s', (_label, render) => {
    expect(render).toThrow(/must be/);
  });
});
