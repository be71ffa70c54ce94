/**
 * The lifecycle section's child (bench/lifecycle.mjs bundles it): one job per process, one JSON line
 * on stdout.
 *
 *   build-state DIR FINDINGS PER_HOST   a state of FINDINGS findings (PER_HOST a host) in DIR
 *   write-run DIR OUT ROWS HOSTS        a delivered vulns run of ROWS rows over HOSTS of the state's hosts
 *   apply DIR RUN WORK SECONDS [GROUP]  one invocation of applyLifecycle, stopping after SECONDS (0: never)
 *
 * The state is written in the lib's own formats by the lib's own code (applyToPartition on rows
 * normalized as the delivery normalizes them, host by host, and the partition encoder), one
 * partition at a time.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { constants, gzipSync } from 'node:zlib';
import { assetId, createNormalizeContext, type DeliveredFinding, normalizeRow } from '#lib/findings';
import {
  applyLifecycle,
  LIFECYCLE_ROOT_KEY,
  type LifecycleRoot,
  type LifecycleRunInfo,
  lifecycleWorkSchema,
  PARTITIONS,
  partitionStateKey,
} from '#lib/lifecycle';
import {
  createLocalStore,
  manifestKey,
  type ObjectStore,
  type PartInfo,
  partKey,
  runPrefix,
} from '#lib/sink';
import { currentPartKey } from '../lib/lifecycle/layout.ts';
import { applyToPartition, type DeliveredLine } from '../lib/lifecycle/partition-apply.ts';
import { encodeHost, encodePartition } from '../lib/lifecycle/partition-file.ts';

/** The state's rows were last seen on this day; a run's rows a day later. */
const STATE_SEEN = 1_763_000_000;
const RUN_SEEN = STATE_SEEN + 86_400;
const STATE_RUN_ID = '20251113T021320Z-benchstate';
const SEVERITY = ['Info', 'Low', 'Medium', 'High', 'Critical'];

/** Host h: a unique address and name in repository 1. */
function hostFields(h: number) {
  return {
    ip: `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`,
    dnsName: `host-${h}.bench.example`,
    repository: { id: '1', name: 'Main' },
  };
}

/** A small SC vulndetails row (short plugin output), as test/support/lifecycle.ts makes them. */
function scRow(h: number, plugin: number, lastSeen: number, severity: number): Record<string, unknown> {
  return {
    pluginID: String(10_000 + plugin),
    pluginName: `Bench plugin ${plugin}`,
    severity: { id: String(severity), name: SEVERITY[severity], description: '' },
    hasBeenMitigated: '0',
    acceptRisk: '0',
    recastRisk: '0',
    ...hostFields(h),
    port: '443',
    protocol: 'TCP',
    firstSeen: String(STATE_SEEN - 30 * 86_400),
    lastSeen: String(lastSeen),
    vprScore: '6.7',
    baseScore: '9.3',
    cvssV3BaseScore: '8.8',
    exploitAvailable: 'No',
    cve: 'CVE-2019-3855',
    pluginText: `<plugin_output>installed: 1.0.${plugin}</plugin_output>`,
  };
}

function normalizer(runId: string, collectedAt: string) {
  const ctx = createNormalizeContext({
    dataset: 'vulns',
    runId,
    collectedAt,
    scHost: 'sc.example.com',
    scVersion: '6.4.0',
  });
  return (raw: Record<string, unknown>): DeliveredLine => {
    const result = normalizeRow(raw, ctx);
    if (!result.ok) throw new Error(result.reason);
    const row = result.row as DeliveredFinding;
    return { row, line: JSON.stringify(row) };
  };
}

/** The partition of host h: the first three hex digits of its asset_id. */
function partitionOfHost(h: number): number {
  return Number.parseInt(assetId(hostFields(h)).slice(0, 3), 16);
}

async function putBytes(store: ObjectStore, key: string, bytes: Uint8Array): Promise<number> {
  const upload = store.openUpload(key, 'application/gzip');
  upload.stream.end(bytes);
  await upload.done();
  return bytes.byteLength;
}

async function putGzip(store: ObjectStore, key: string, text: string): Promise<Uint8Array> {
  const bytes = gzipSync(text, { level: constants.Z_BEST_SPEED });
  await putBytes(store, key, bytes);
  return bytes;
}

/** Writes FINDINGS findings of FINDINGS / PER_HOST hosts, partition by partition, then the root. */
async function buildState(dir: string, findings: number, perHost: number) {
  const started = performance.now();
  const store = createLocalStore(dir);
  const hosts = Math.ceil(findings / perHost);
  const byPartition: number[][] = Array.from({ length: PARTITIONS }, () => []);
  for (let h = 0; h < hosts; h++) (byPartition[partitionOfHost(h)] as number[]).push(h);
  const normalize = normalizer(STATE_RUN_ID, new Date(STATE_SEEN * 1000).toISOString());
  const objects: LifecycleRoot['objects'] = {};
  let written = 0;
  let bytes = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const hostsHere = [];
    for (const h of byPartition[p] as number[]) {
      const rows: DeliveredLine[] = [];
      const count = Math.min(perHost, findings - h * perHost);
      for (let k = 0; k < count; k++) rows.push(normalize(scRow(h, k, STATE_SEEN, 3)));
      const out = applyToPartition({ states: [], current: new Map(), rows, baseline: true });
      hostsHere.push(encodeHost(assetId(hostFields(h)), out.states, out.current));
    }
    if (hostsHere.length === 0) continue;
    const encoded = encodePartition(p, hostsHere);
    const state = partitionStateKey(p, 'vulns', STATE_RUN_ID);
    const current = currentPartKey(p, 'vulns', STATE_RUN_ID);
    bytes += await putBytes(store, state, encoded.state);
    if (encoded.current !== null) bytes += await putBytes(store, current, encoded.current);
    objects[p] = {
      state,
      current: encoded.current === null ? null : current,
      findings: encoded.findings,
      open: encoded.open,
      index: encoded.index,
    };
    written += encoded.findings;
  }
  const root: LifecycleRoot = {
    lifecycleVersion: 1,
    partitions: PARTITIONS,
    generation: 1,
    applied: [
      {
        dataset: 'vulns',
        runId: STATE_RUN_ID,
        changes: manifestKey(`changes/dt=2025-11-13/run=${STATE_RUN_ID}/`),
        generation: 1,
        rows: written,
      },
    ],
    objects,
    retired: [],
  };
  await store.putText(LIFECYCLE_ROOT_KEY, `${JSON.stringify(root)}\n`);
  return {
    findings: written,
    hosts,
    partitions: Object.keys(objects).length,
    objects: 2 * Object.keys(objects).length,
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * A delivered vulns run of ROWS rows over HOSTS hosts spread evenly over the state's (a day newer:
 * every finding is touched, one in twenty with a new severity), in parts of 30 000 rows as a
 * delivery writes them; its run info goes to OUT.
 */
async function writeRun(dir: string, out: string, rows: number, hosts: number, stateHosts: number) {
  const started = performance.now();
  const store = createLocalStore(dir);
  const runId = `20251114T021320Z-bench${rows}x${hosts}`;
  const dt = '2025-11-14';
  const normalize = normalizer(runId, new Date(RUN_SEEN * 1000).toISOString());
  const prefix = runPrefix('findings', 'vulns', dt, runId);
  const perHost = Math.ceil(rows / hosts);
  const step = Math.max(1, Math.floor(stateHosts / hosts));
  const parts: PartInfo[] = [];
  let lines: string[] = [];
  const flush = async () => {
    const text = lines.join('');
    const bytes = await putGzip(store, partKey(prefix, parts.length), text);
    parts.push({
      key: partKey(prefix, parts.length),
      rows: lines.length,
      bytes: bytes.byteLength,
      uncompressedBytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    lines = [];
  };
  let n = 0;
  for (let i = 0; i < hosts && n < rows; i++) {
    for (let k = 0; k < perHost && n < rows; k++, n++) {
      lines.push(`${normalize(scRow(i * step, k, RUN_SEEN, n % 20 === 0 ? 4 : 3)).line}\n`);
      if (lines.length === 30_000) await flush();
    }
  }
  if (lines.length > 0) await flush();
  const info: LifecycleRunInfo = {
    dataset: 'vulns',
    runId,
    dt,
    window: {
      field: 'lastSeen',
      start: STATE_SEEN,
      end: RUN_SEEN,
      startIso: new Date(STATE_SEEN * 1000).toISOString(),
      endIso: new Date(RUN_SEEN * 1000).toISOString(),
    },
    createdAt: new Date(RUN_SEEN * 1000).toISOString(),
    source: manifestKey(prefix),
    parts,
  };
  await writeFile(out, JSON.stringify(info));
  return {
    rows: n,
    hosts,
    parts: parts.length,
    bytes: parts.reduce((s, p) => s + p.bytes, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * One invocation: applyLifecycle on RUN, continuing the work saved in WORK when it exists, stopping
 * at the first boundary after SECONDS. A stopped invocation saves its work to WORK for the next.
 */
async function apply(
  dir: string,
  runFile: string,
  workFile: string,
  seconds: number,
  group?: number,
  boundaries?: number,
) {
  const store = createLocalStore(dir);
  const run = JSON.parse(await readFile(runFile, 'utf8')) as LifecycleRunInfo;
  const saved = existsSync(workFile)
    ? lifecycleWorkSchema.parse(JSON.parse(await readFile(workFile, 'utf8')))
    : undefined;
  const ioBefore = saved?.io ?? { reads: 0, writes: 0 };
  const started = performance.now();
  // A count of boundaries (the tests' setting) stops the same way on any machine; seconds do not.
  let checked = 0;
  const shouldStop = () =>
    boundaries !== undefined
      ? ++checked > boundaries
      : seconds > 0 && performance.now() - started > seconds * 1000;
  const outcome = await applyLifecycle(
    { store, shouldStop, ...(group === undefined ? {} : { groupTargetBytes: group }) },
    run,
    saved,
  );
  const elapsed = (performance.now() - started) / 1000;
  const rows = run.parts.reduce((s, p) => s + p.rows, 0);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  if (outcome.status === 'stopped') {
    await writeFile(workFile, JSON.stringify(outcome.work));
    const { step, next, groups, io } = outcome.work;
    return { status: 'stopped', rows, seconds: elapsed, step, next, groups, io, ioBefore, peakRssBytes };
  }
  const { io, partitionsTouched, counts, unchanged, redone } = outcome.result;
  return {
    status: 'committed',
    rows,
    seconds: elapsed,
    rowsPerSecond: rows / elapsed,
    io,
    ioBefore,
    partitionsTouched,
    counts,
    unchanged,
    redone,
    peakRssBytes,
  };
}

const [mode, ...args] = process.argv.slice(2);
const num = (i: number) => Number(args[i]);
let result: unknown;
if (mode === 'build-state') result = await buildState(args[0] as string, num(1), num(2));
else if (mode === 'write-run')
  result = await writeRun(args[0] as string, args[1] as string, num(2), num(3), num(4));
else if (mode === 'apply')
  result = await apply(
    args[0] as string,
    args[1] as string,
    args[2] as string,
    num(3),
    args[4] === undefined || args[4] === '' ? undefined : num(4),
    args[5] === undefined ? undefined : num(5),
  );
else throw new Error(`unknown mode ${mode}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
