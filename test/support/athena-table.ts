import { readFileSync } from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { consolePrefix, DEFAULT_CONSOLE_ID } from '#lib/product';
import { runManifestSchema } from '#lib/sink';

/** The three tables infra/athena/ ships. */
export const SHIPPED_TABLES = ['raw', 'findings', 'assets'] as const;
export type ShippedTable = (typeof SHIPPED_TABLES)[number];

export interface Bucket {
  client: S3Client;
  bucket: string;
}

/**
 * The shipped DDL of `table` for a deployment's bucket, data prefix and consoles: BUCKET and PREFIX
 * replaced, and the console list set as README says to (the shipped files list `default` only).
 */
export function shippedDdl(
  table: ShippedTable,
  bucket: string,
  prefix: string,
  consoles: readonly string[] = [DEFAULT_CONSOLE_ID],
): string {
  const ddl = readFileSync(new URL(`../../infra/athena/${table}.sql`, import.meta.url), 'utf8');
  const listed = "'projection.console.values' = 'default'";
  if (!ddl.includes(listed)) throw new Error(`infra/athena/${table}.sql does not project console`);
  return ddl
    .replaceAll('s3://BUCKET/PREFIX/', `s3://${bucket}/${prefix}/`)
    .replace(listed, `'projection.console.values' = '${consoles.join(',')}'`);
}

export async function listKeys({ client, bucket }: Bucket): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }),
    );
    for (const item of page.Contents ?? []) keys.push(item.Key ?? '');
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys;
}

async function getText({ client, bucket }: Bucket, key: string): Promise<string> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}

const pick = (ddl: string, pattern: RegExp) => ddl.match(pattern)?.[1];
/** Athena, like Hive, skips objects below a location whose path has a part starting with _ or . */
const hidden = (relative: string) => relative.split('/').some((p) => p.startsWith('_') || p.startsWith('.'));

/**
 * The object keys an Athena table created by `ddl` reads from the bucket, by the rules Athena
 * applies to the DDL: partitions projected through `storage.location.template` (enum values, such
 * as `console` and `dataset`, from the DDL; every `dt` day that occurs in the bucket; the table's
 * LOCATION is not read), the non-hidden objects below each partition
 * location, and — for SymlinkTextInputFormat — the objects those files name, one address a line
 * (a named object that does not exist fails the query, so it fails here). A part read twice
 * appears twice.
 */
export async function keysTableReads(commented: string, s3: Bucket): Promise<string[]> {
  // The statement only: the header comments quote properties too (the ALTER TABLE that adds a console).
  const ddl = commented
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n');
  const template = pick(ddl, /'storage\.location\.template' = '([^']+)'/);
  if (template === undefined) throw new Error('the DDL has no storage.location.template');
  const symlink =
    pick(ddl, /INPUTFORMAT '([^']+)'/) === 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat';
  const root = `s3://${s3.bucket}/`;
  const keys = await listKeys(s3);
  const days = [...new Set(keys.flatMap((k) => [...k.matchAll(/dt=(\d{4}-\d\d-\d\d)/g)].map((m) => m[1])))];
  let locations = [template];
  for (const [, name] of template.matchAll(/\$\{(\w+)\}/g)) {
    const values =
      name === 'dt'
        ? days
        : (pick(ddl, new RegExp(`'projection\\.${name}\\.values' = '([^']+)'`))?.split(',') ?? []);
    locations = locations.flatMap((l) => values.map((v) => l.replace(`\${${name}}`, v as string)));
  }
  const reads: string[] = [];
  for (const location of locations) {
    const prefix = location.slice(root.length);
    const files = keys.filter((k) => k.startsWith(prefix) && !hidden(k.slice(prefix.length)));
    if (!symlink) {
      reads.push(...files);
      continue;
    }
    for (const file of files) {
      for (const line of (await getText(s3, file)).split('\n').filter((l) => l !== '')) {
        const key = line.startsWith(root) ? line.slice(root.length) : undefined;
        if (key === undefined || !keys.includes(key))
          throw new Error(
            `the query would fail: ${file} names ${line}, which is not an object of the bucket`,
          );
        reads.push(key);
      }
    }
  }
  return reads.sort();
}

/** Which datasets of which kind a shipped table shows. */
const SCOPE: Record<ShippedTable, { kind: string; datasets: readonly string[] }> = {
  raw: { kind: 'raw', datasets: ['vulns', 'fixed', 'assets'] },
  findings: { kind: 'findings', datasets: ['vulns', 'fixed'] },
  assets: { kind: 'findings', datasets: ['assets'] },
};

/**
 * Every shipped table, created for the data prefix `prefix` and the deployment's `consoles`, shows
 * committed runs only: each key it reads is a part some `_manifest.json` of those consoles lists,
 * no part twice, and a run shows whole or not at all. Returns, per table, the run ids it shows
 * (of every console, sorted), for the caller's own expectations.
 */
export async function expectTablesShowCommittedRunsOnly(
  s3: Bucket,
  prefix: string,
  consoles: readonly string[] = [DEFAULT_CONSOLE_ID],
): Promise<Record<ShippedTable, string[]>> {
  const keys = await listKeys(s3);
  const shown = {} as Record<ShippedTable, string[]>;
  for (const table of SHIPPED_TABLES) {
    const { kind, datasets } = SCOPE[table];
    const manifests = keys.filter(
      (k) =>
        k.endsWith('/_manifest.json') &&
        consoles.some((c) =>
          datasets.some((d) => k.startsWith(`${consolePrefix(prefix, c)}/${kind}/dataset=${d}/`)),
        ),
    );
    // By manifest key: a run id is a function of the window, so two consoles' runs may share one.
    const runs = new Map<string, { runId: string; parts: string[] }>();
    for (const key of manifests) {
      // A manifest names each part by its key in the bucket, as a consumer reading the bucket uses it.
      const manifest = runManifestSchema.parse(JSON.parse(await getText(s3, key)));
      runs.set(key, { runId: manifest.runId, parts: manifest.parts.map((p) => p.key) });
    }
    const reads = await keysTableReads(shippedDdl(table, s3.bucket, prefix, consoles), s3);
    const manifested = new Set([...runs.values()].flatMap((run) => run.parts));
    expect(
      reads.filter((k) => !manifested.has(k)),
      `the ${table} table reads parts no manifest lists`,
    ).toEqual([]);
    expect(reads.length, `the ${table} table reads a part twice`).toBe(new Set(reads).size);
    const read = new Set(reads);
    shown[table] = [];
    for (const [key, { runId, parts }] of runs) {
      const visible = parts.filter((p) => read.has(p));
      expect([0, parts.length], `the ${table} table shows run ${key} in part`).toContain(visible.length);
      if (visible.length > 0) shown[table].push(runId);
    }
    shown[table].sort();
  }
  return shown;
}
