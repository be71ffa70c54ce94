import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  athenaChangesDdl,
  athenaCurrentDdl,
  CHANGE_COLUMNS,
  CURRENT_COLUMNS,
  PLACEHOLDER_DATA_LOCATION,
} from '#lib/lifecycle';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** The documented columns of a markdown table: `name` and `type` cells. */
function table(markdown: string): string[][] {
  return [...markdown.matchAll(/^\| `([\w]+)` \| `([^`]+)` \|/gm)].map((m) => [m[1] ?? '', m[2] ?? '']);
}

describe('the lifecycle tables', () => {
  it('commits the change feed and current table DDL exactly as rendered', () => {
    expect(read('infra/athena/changes.sql')).toBe(athenaChangesDdl(PLACEHOLDER_DATA_LOCATION));
    expect(read('infra/athena/current.sql')).toBe(athenaCurrentDdl(PLACEHOLDER_DATA_LOCATION));
  });

  it("reads committed lists only: changes by console and run day, the current table through each console's one list", () => {
    const changes = athenaChangesDdl('s3://acme/sc2aws');
    expect(changes).toContain("LOCATION 's3://acme/sc2aws/'");
    expect(changes).toContain('PARTITIONED BY (\n  `console` string,\n  `dt` string\n)');
    expect(changes).toContain(
      `'storage.location.template' = 's3://acme/sc2aws/console=\${console}/changes/committed/dt=\${dt}/'`,
    );
    const current = athenaCurrentDdl('s3://acme/sc2aws/', { table: 'security.current' });
    expect(current).toContain("LOCATION 's3://acme/sc2aws/'");
    expect(current).toContain('PARTITIONED BY (\n  `console` string\n)');
    expect(current).toContain(
      `'storage.location.template' = 's3://acme/sc2aws/console=\${console}/current/committed/'`,
    );
    expect(current).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS security.current (');
  });

  it('documents the lifecycle columns in CONTRACT.md with their Athena types, in order', () => {
    const [, lifecycle = ''] = read('lib/findings/CONTRACT.md').split('## The lifecycle');
    const [changes = '', current = ''] = lifecycle.split('**Current table**');
    const columns = (list: typeof CHANGE_COLUMNS) => list.map((c) => [c.name, c.athenaType]);
    expect(table(changes)).toEqual(columns(CHANGE_COLUMNS));
    expect(table(current)).toEqual(columns(CURRENT_COLUMNS));
  });
});
