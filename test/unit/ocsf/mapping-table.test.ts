import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DELIVERED_ASSET_COLUMNS, DELIVERED_FINDING_COLUMNS } from '#lib/findings';
import { REPO_ROOT } from '#support/serverless-yml';

const readme = readFileSync(new URL('README.md', REPO_ROOT), 'utf8');

/** The first-column `names` of the README table under `heading`, in order, with their OCSF cell. */
function tableRows(heading: string): [string, string][] {
  const section = readme.split(`${heading}\n`)[1]?.split('\n#')[0] ?? '';
  return section.split('\n').flatMap((line) => {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    return name === undefined ? [] : [[name, cells[2] ?? ''] as [string, string]];
  });
}

describe("the README's OCSF mapping tables", () => {
  it('name every delivered finding column, in order, none missing and none extra', () => {
    const rows = tableRows('### OCSF mapping: findings → Vulnerability Finding (2002)');
    expect(rows.map(([name]) => name)).toEqual(DELIVERED_FINDING_COLUMNS.map((c) => c.name));
    for (const [name, target] of rows) expect(target, name).not.toBe('');
  });

  it('name every delivered asset column, in order, none missing and none extra', () => {
    const rows = tableRows('### OCSF mapping: assets → Device Inventory Info (5001)');
    expect(rows.map(([name]) => name)).toEqual(DELIVERED_ASSET_COLUMNS.map((c) => c.name));
    for (const [name, target] of rows) expect(target, name).not.toBe('');
  });
});
