import { gunzipSync } from 'node:zlib';
import { assetId } from '#lib/findings';
import { DEFAULT_CONSOLE_ID } from '#lib/product';

/**
 * The tables as Athena reads them, across consoles: every committed list under
 * `<prefix>/console=*\/…/committed/` (each a table's file list, the `console=` folder its partition),
 * each part it names read back and its rows counted per console. One reading for all consoles, as
 * one query over one table spans them.
 */

/** Rows of each table for one console, by the `console=` partition of the list that named them. */
export interface ConsoleTables {
  console: string;
  /** Delivered findings (findings/committed/dataset=vulns and dataset=fixed). */
  findings: { vulns: number; fixed: number };
  /** Delivered asset rows (findings/committed/dataset=assets), every run's. */
  assets: number;
  /** Change feed rows (changes/committed/). */
  changes: number;
  /** Open findings now (current/committed/current.txt). */
  current: number;
  /** Rows whose console_id is not the partition's console: none, when each console writes its own. */
  foreign: number;
}

/** An address both consoles scanned, and the asset_id each gave it. */
export interface SharedAddress {
  ip: string;
  assets: { console: string; asset_id: string; dns_name: string | null; repository: string | null }[];
  /** Both consoles' hosts have one identity (repository, ip, uuid or DNS name): only the console differs. */
  sameHost: boolean;
}

export interface TablesReading {
  consoles: ConsoleTables[];
  /** Committed lists read, all consoles together. */
  lists: number;
  /** Addresses in more than one console's assets table. */
  sharedAddresses: number;
  /** Of those, the ones whose hosts have one identity on every console but the console itself. */
  sameHostAddresses: number;
  /** One shared address (one with the same host on both, if any), with each console's asset_id. */
  sample: SharedAddress[];
  /** Shared addresses whose asset_ids are not all distinct (none expected: the console is in the id). */
  sameAssetId: number;
  /** Asset rows whose asset_id is not the id of their host and their row's console (none expected). */
  assetIdMismatches: number;
}

/**
 * The asset_id of a delivered asset row's host on a console, computed as the delivery computes it,
 * from the host's fields in SC's shape (repository, ip, uuid, DNS name).
 */
function assetIdOfRow(row: Row, consoleId: string): string {
  const repository = row.repository as { id?: string } | null;
  return assetId(
    {
      repository: { id: repository?.id ?? '' },
      ip: row.ip,
      uuid: row.host_uuid ?? '',
      dnsName: row.dns_name ?? '',
    },
    consoleId,
  );
}

type Row = Record<string, unknown>;

const LIST =
  /^(?<prefix>.+?)\/console=(?<console>[^/]+)\/(?<kind>findings|changes|current)\/committed\/(?<rest>.+)\.txt$/;

export function readTables(
  objects: readonly { key: string; body: Buffer }[],
  prefix: string,
  bucket: string,
): TablesReading {
  const byKey = new Map(objects.map((o) => [o.key, o.body]));
  const tables = new Map<string, ConsoleTables>();
  const assetRows = new Map<string, Map<string, Row>>();
  const assetIds = new Map<string, Map<string, Set<string>>>();
  let lists = 0;
  let assetIdMismatches = 0;
  for (const object of objects) {
    const m = LIST.exec(object.key)?.groups;
    if (m === undefined || m.prefix !== prefix) continue;
    lists += 1;
    const id = m.console as string;
    const t = tables.get(id) ?? {
      console: id,
      findings: { vulns: 0, fixed: 0 },
      assets: 0,
      changes: 0,
      current: 0,
      foreign: 0,
    };
    tables.set(id, t);
    const dataset = /^dataset=([^/]+)\//.exec(m.rest as string)?.[1];
    for (const row of rowsOfList(object.body.toString('utf8'), byKey, bucket)) {
      if (row.console_id !== id) t.foreign += 1;
      if (m.kind === 'changes') t.changes += 1;
      else if (m.kind === 'current') t.current += 1;
      else if (dataset === 'vulns') t.findings.vulns += 1;
      else if (dataset === 'fixed') t.findings.fixed += 1;
      else if (dataset === 'assets') {
        t.assets += 1;
        if (row.asset_id !== assetIdOfRow(row, String(row.console_id))) assetIdMismatches += 1;
        const ip = String(row.ip);
        const rows = assetRows.get(ip) ?? new Map<string, Row>();
        assetRows.set(ip, rows.set(id, row));
        const perConsole = assetIds.get(ip) ?? new Map<string, Set<string>>();
        assetIds.set(ip, perConsole);
        const ids = perConsole.get(id) ?? new Set<string>();
        perConsole.set(id, ids.add(String(row.asset_id)));
      }
    }
  }
  const shared = [...assetIds.entries()]
    .filter(([, perConsole]) => perConsole.size > 1)
    .sort(([a], [b]) => a.localeCompare(b));
  // The same host identity on every console: without the console in asset_id, they would be one.
  const sameHost = (ip: string) =>
    new Set([...(assetRows.get(ip)?.values() ?? [])].map((row) => assetIdOfRow(row, DEFAULT_CONSOLE_ID)))
      .size === 1;
  const sameHostIps = shared.map(([ip]) => ip).filter(sameHost);
  const sampleIp = sameHostIps[0] ?? shared[0]?.[0];
  const sameAssetId = shared.filter(([, perConsole]) => {
    const all = [...perConsole.values()].flatMap((ids) => [...ids]);
    return new Set(all).size !== all.length;
  }).length;
  return {
    consoles: [...tables.values()].sort((a, b) => a.console.localeCompare(b.console)),
    lists,
    sharedAddresses: shared.length,
    sameHostAddresses: sameHostIps.length,
    sample: shared
      .filter(([ip]) => ip === sampleIp)
      .map(([ip, perConsole]) => ({
        ip,
        sameHost: sameHost(ip),
        assets: [...perConsole.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .flatMap(([console, ids]) =>
            [...ids].map((asset_id) => {
              const row = assetRows.get(ip)?.get(console);
              return {
                console,
                asset_id,
                dns_name: (row?.dns_name as string | null) ?? null,
                repository: (row?.repository as { name?: string } | null)?.name ?? null,
              };
            }),
          ),
      })),
    sameAssetId,
    assetIdMismatches,
  };
}

/** The rows of every part a committed list names (`s3://bucket/key` a line), gzip NDJSON. */
function* rowsOfList(list: string, byKey: Map<string, Buffer>, bucket: string): Generator<Row> {
  for (const address of list.split('\n')) {
    if (address === '') continue;
    const key = address.slice(`s3://${bucket}/`.length);
    const body = byKey.get(key);
    if (body === undefined) throw new Error(`The committed list names ${address}, which is missing.`);
    for (const line of gunzipSync(body).toString('utf8').split('\n'))
      if (line !== '') yield JSON.parse(line) as Row;
  }
}
