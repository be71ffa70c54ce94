/** Delivered runs made by hand for the lifecycle tests: SC rows normalized as the delivery does. */
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createNormalizeContext, normalizeRow } from '#lib/findings';
import {
  CURRENT_LIST_KEY,
  type FindingState,
  type LifecycleRunInfo,
  readPartitionStates,
  readRoot,
} from '#lib/lifecycle';
import { manifestKey, type ObjectStore, type PartInfo, partKey, runPrefix } from '#lib/sink';

/** One SC row of the lifecycle tests: a host (by its last octet), a plugin, and SC's times (epoch s). */
export interface RowSpec {
  host: number;
  plugin: number;
  lastSeen: number;
  firstSeen?: number;
  lastMitigated?: number;
  severity?: number;
  vpr?: string;
  acceptRisk?: boolean;
  recastRisk?: boolean;
  hasBeenMitigated?: boolean;
  output?: string;
}

const SEVERITY = ['Info', 'Low', 'Medium', 'High', 'Critical'];

/** An SC vulndetails row (open, or patched with lastMitigated). */
export function scRow(spec: RowSpec): Record<string, unknown> {
  const severity = spec.severity ?? 3;
  return {
    pluginID: String(spec.plugin),
    pluginName: `Plugin ${spec.plugin}`,
    severity: { id: String(severity), name: SEVERITY[severity], description: '' },
    hasBeenMitigated: spec.hasBeenMitigated ? '1' : '0',
    acceptRisk: spec.acceptRisk ? '1' : '0',
    recastRisk: spec.recastRisk ? '1' : '0',
    ip: `10.0.${Math.floor(spec.host / 250)}.${(spec.host % 250) + 1}`,
    dnsName: `host-${spec.host}.example`,
    port: '443',
    protocol: 'TCP',
    firstSeen: String(spec.firstSeen ?? 1_700_000_000),
    lastSeen: String(spec.lastSeen),
    ...(spec.lastMitigated === undefined ? {} : { lastMitigated: String(spec.lastMitigated) }),
    vprScore: spec.vpr ?? '6.7',
    baseScore: '9.3',
    cvssV3BaseScore: '8.8',
    exploitAvailable: 'No',
    cve: 'CVE-2019-3855',
    pluginText: `<plugin_output>${spec.output ?? 'installed: 1.0'}</plugin_output>`,
    repository: { id: '1', name: 'Main' },
  };
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/**
 * Stores a delivered run (findings part and manifest) of `vulns` or `fixed` rows, dated by its
 * window end, and returns what the lifecycle needs of it.
 */
export async function storeDeliveredRun(
  store: ObjectStore,
  dataset: 'vulns' | 'fixed',
  windowEnd: number,
  specs: readonly RowSpec[],
  options: { partRows?: number } = {},
): Promise<LifecycleRunInfo> {
  const runId = `${iso(windowEnd)
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${dataset.slice(0, 4)}${String(windowEnd).slice(-4)}`;
  const dt = iso(windowEnd).slice(0, 10);
  const ctx = createNormalizeContext({
    dataset,
    runId,
    collectedAt: iso(windowEnd),
    scHost: 'sc.example.com',
    scVersion: '6.4.0',
  });
  const lines = specs.map((spec) => {
    const result = normalizeRow(scRow(spec), ctx);
    if (!result.ok) throw new Error(result.reason);
    return JSON.stringify(result.row);
  });
  const prefix = runPrefix('findings', dataset, dt, runId);
  const partRows = options.partRows ?? 10_000;
  const parts: PartInfo[] = [];
  for (let i = 0; i * partRows < lines.length || (i === 0 && lines.length === 0); i++) {
    const text = lines
      .slice(i * partRows, (i + 1) * partRows)
      .map((l) => `${l}\n`)
      .join('');
    const bytes = gzipSync(text);
    const key = partKey(prefix, i);
    const upload = store.openUpload(key, 'application/gzip');
    upload.stream.end(bytes);
    await upload.done();
    parts.push({
      key,
      rows: text === '' ? 0 : text.split('\n').length - 1,
      bytes: bytes.byteLength,
      uncompressedBytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    if (lines.length === 0) break;
  }
  return {
    dataset,
    runId,
    dt,
    window: {
      field: dataset === 'fixed' ? 'lastMitigated' : 'lastSeen',
      start: 0,
      end: windowEnd,
      startIso: iso(0),
      endIso: iso(windowEnd),
    },
    createdAt: iso(windowEnd),
    source: manifestKey(prefix),
    parts,
  };
}

/** Every finding's state, by finding_id. */
export async function readAllStates(store: ObjectStore): Promise<Map<string, FindingState>> {
  const loaded = await readRoot(store);
  const states = new Map<string, FindingState>();
  const io = { reads: 0, writes: 0 };
  for (const [p, objects] of Object.entries(loaded?.root.objects ?? {}))
    for (const s of await readPartitionStates(store, Number(p), objects, io)) states.set(s.finding_id, s);
  return states;
}

/** Reads gzip NDJSON lines of an object. */
export async function readObjectLines(store: ObjectStore, key: string): Promise<Record<string, unknown>[]> {
  const text = gunzipSync(await buffer(await store.getStream(key))).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The current table's rows, read through its list as Athena does (the list names full addresses). */
export async function readCurrentTable(store: ObjectStore): Promise<Record<string, unknown>[]> {
  const list = await store.getText(CURRENT_LIST_KEY);
  const rows: Record<string, unknown>[] = [];
  for (const uri of (list?.body ?? '').split('\n').filter((l) => l !== '')) {
    const key = uri.slice(store.location.length + 1);
    rows.push(...(await readObjectLines(store, key)));
  }
  return rows;
}
