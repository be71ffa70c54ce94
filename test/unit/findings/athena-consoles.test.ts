import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSOLE_ID } from '#lib/config';
import {
  type AthenaTableOptions,
  athenaAssetsDdl,
  athenaFindingsDdl,
  FindingsOptionError,
} from '#lib/findings';
import { athenaChangesDdl, athenaCurrentDdl } from '#lib/lifecycle';
import { ocsfAthenaDdl } from '#lib/ocsf';
import { CONSOLE_ID_PATTERN } from '../../../lib/findings/athena';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const ROOT = 's3://acme-sc2aws/prod/';
const TWO = ['default', 'emea'] as const;

/** Every generated table, rendered for a data root and a console list; and where each console's lists lie. */
const TABLES = [
  {
    name: 'findings',
    render: (options: AthenaTableOptions) => athenaFindingsDdl(ROOT, options),
    partitions: ['console', 'dataset', 'dt'],
    below: `findings/committed/dataset=\${dataset}/dt=\${dt}/`,
  },
  {
    name: 'assets',
    render: (options: AthenaTableOptions) => athenaAssetsDdl(ROOT, options),
    partitions: ['console', 'dt'],
    below: `findings/committed/dataset=assets/dt=\${dt}/`,
  },
  {
    name: 'changes',
    render: (options: AthenaTableOptions) => athenaChangesDdl(ROOT, options),
    partitions: ['console', 'dt'],
    below: `changes/committed/dt=\${dt}/`,
  },
  {
    name: 'current',
    render: (options: AthenaTableOptions) => athenaCurrentDdl(ROOT, options),
    partitions: ['console'],
    below: `current/committed/`,
  },
  {
    name: 'OCSF vulnerability finding',
    render: (options: AthenaTableOptions) => ocsfAthenaDdl('vulnerabilityFinding', ROOT, options),
    partitions: ['console', 'dataset', 'dt'],
    below: `ocsf/committed/class=vulnerability_finding/dataset=\${dataset}/dt=\${dt}/`,
  },
  {
    name: 'OCSF device inventory info',
    render: (options: AthenaTableOptions) => ocsfAthenaDdl('deviceInventoryInfo', ROOT, options),
    partitions: ['console', 'dataset', 'dt'],
    below: `ocsf/committed/class=device_inventory_info/dataset=\${dataset}/dt=\${dt}/`,
  },
];

/** The partition keys of a rendered CREATE TABLE, in order. */
const partitionsOf = (ddl: string) =>
  [...(ddl.split('PARTITIONED BY (')[1]?.split(')')[0] ?? '').matchAll(/`(\w+)` string/g)].map((m) => m[1]);

describe('every Athena table spans the consoles', () => {
  it.each(TABLES)(
    'renders the $name table for two consoles: console partitioned first, projected over both, their folders in the template',
    ({ render, partitions, below }) => {
      // Act
      const ddl = render({ consoles: TWO });

      // Assert: one table over the data root, each console's lists under its console= folder.
      expect(partitionsOf(ddl)).toEqual(partitions);
      expect(ddl).toContain(`LOCATION '${ROOT}'`);
      expect(ddl).toContain("'projection.enabled' = 'true'");
      expect(ddl).toContain("'projection.console.type' = 'enum'");
      expect(ddl).toContain("'projection.console.values' = 'default,emea'");
      expect(ddl).toContain(`'storage.location.template' = '${ROOT}console=\${console}/${below}'`);
      expect(ddl).toContain("SET TBLPROPERTIES ('projection.console.values' = 'default,emea,<new id>')");
    },
  );

  it.each(TABLES)(
    'renders the $name table for the one console default when no consoles are given',
    ({ render }) => {
      expect(render({})).toContain("'projection.console.values' = 'default'");
    },
  );

  it.each(TABLES)(
    'keeps the console column of the $name rows apart from the console partition',
    ({ render }) => {
      const ddl = render({ consoles: TWO });
      const [columns = ''] = ddl.split('PARTITIONED BY');
      expect(columns).not.toMatch(/^ {2}`console` /m);
    },
  );

  it.each([
    ['an upper-case id', ['default', 'EMEA']],
    ['an id with a comma, which would split the projected list', ['default,emea']],
    ['an id with a quote', ["emea'"]],
    ['an id with a slash, which would leave the console folder', ['emea/x']],
    ['an id over 16 characters', ['a-very-long-console-id']],
    ['the same id twice', ['emea', 'emea']],
    ['no console at all', []],
  ])('refuses %s in the console list of every table', (_label, consoles) => {
    for (const { render } of TABLES) expect(() => render({ consoles })).toThrow(FindingsOptionError);
  });

  it('checks console ids by the rule the configuration uses', () => {
    expect(CONSOLE_ID_PATTERN.source).toBe(CONSOLE_ID.pattern.source);
    expect(CONSOLE_ID_PATTERN.flags).toBe(CONSOLE_ID.pattern.flags);
  });

  it('ships raw.sql, written by hand, over the data root with the console partition first', () => {
    const raw = read('infra/athena/raw.sql');
    expect(partitionsOf(raw)).toEqual(['console', 'dataset', 'dt']);
    expect(raw).toContain("LOCATION 's3://BUCKET/PREFIX/'");
    expect(raw).toContain("'projection.console.type' = 'enum'");
    expect(raw).toContain("'projection.console.values' = 'default'");
    expect(raw).toContain(
      "ALTER TABLE sc2aws_raw SET TBLPROPERTIES ('projection.console.values' = 'default,<new id>')",
    );
  });
});
