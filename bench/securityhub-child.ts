/**
 * The Security Hub section's child (bench/securityhub.mjs bundles it): one JSON line on stdout.
 *
 *   prepare DIR ROWS   a delivered vulns run of ROWS rows (100 findings a host, 2 CVEs, realistic
 *                      text and plugin output) applied by the lifecycle to an empty state (an initial
 *                      import: every row a `new` change); reports the lifecycle's rows/s (a phase of
 *                      the delivery) and the change run's manifest key
 *   asff DIR KEY       that change run encoded as ASFF, checked against AWS's model and batched
 *                      (sendChangeRun, batches discarded instead of sent), in a process of its own
 *                      so its peak RSS is its own
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { createNormalizeContext, normalizeRow } from '#lib/findings';
import { applyLifecycle, type LifecycleRunInfo } from '#lib/lifecycle';
import { createSecurityHubSession, sendChangeRun } from '#lib/securityhub';
import {
  createDiscardStore,
  createLocalStore,
  manifestKey,
  type PartInfo,
  partKey,
  runPrefix,
} from '#lib/sink';

const SEEN = 1_763_000_000;
const SEVERITY = ['Info', 'Low', 'Medium', 'High', 'Critical'];
const TEXT = 'The remote host is affected by a vulnerability that allows a remote attacker to execute code. ';

function scRow(i: number): Record<string, unknown> {
  const h = Math.floor(i / 100);
  const severity = 1 + (i % 4);
  return {
    pluginID: String(10_000 + (i % 100)),
    pluginName: `Bench plugin ${i % 100}: vendor product < 2.4.1 multiple vulnerabilities`,
    severity: { id: String(severity), name: SEVERITY[severity], description: '' },
    hasBeenMitigated: '0',
    acceptRisk: '0',
    recastRisk: '0',
    ip: `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`,
    dnsName: `host-${h}.bench.example`,
    netbiosName: `BENCH\\HOST-${h}`,
    operatingSystem: 'Microsoft Windows Server 2022',
    repository: { id: '1', name: 'Main' },
    port: '443',
    protocol: 'TCP',
    firstSeen: String(SEEN - 30 * 86_400),
    lastSeen: String(SEEN),
    vprScore: '6.7',
    baseScore: '9.3',
    cvssV3BaseScore: '8.8',
    cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    exploitAvailable: 'Yes',
    patchPubDate: String(SEEN - 60 * 86_400),
    cve: `CVE-2025-${1000 + (i % 900)},CVE-2024-${2000 + (i % 700)}`,
    synopsis: 'The remote host is missing a security update.',
    description: TEXT.repeat(6),
    solution: 'Upgrade to version 2.4.1 or later.',
    seeAlso: 'https://example.com/advisory\nhttps://example.com/kb',
    pluginText: `<plugin_output>${'Installed version : 2.3.0\nFixed version : 2.4.1\n'.repeat(10)}</plugin_output>`,
  };
}

async function main() {
  const [, , job, dir, arg] = process.argv;
  if (dir === undefined || arg === undefined) throw new Error('usage: prepare DIR ROWS | asff DIR KEY');
  const store = createLocalStore(dir);
  if (job === 'asff') return asff(store, arg);
  const rows = Number(arg);
  const runId = '20251114T000000Z-benchsh';
  const dt = '2025-11-14';
  const ctx = createNormalizeContext({
    dataset: 'vulns',
    runId,
    collectedAt: new Date(SEEN * 1000).toISOString(),
    scHost: 'sc.example.com',
    scVersion: '6.4.0',
  });
  const prefix = runPrefix('findings', 'vulns', dt, runId);
  const parts: PartInfo[] = [];
  const PART_ROWS = 30_000;
  for (let p = 0; p * PART_ROWS < rows; p += 1) {
    const lines: string[] = [];
    for (let i = p * PART_ROWS; i < Math.min(rows, (p + 1) * PART_ROWS); i += 1) {
      const result = normalizeRow(scRow(i), ctx);
      if (!result.ok) throw new Error(result.reason);
      lines.push(`${JSON.stringify(result.row)}\n`);
    }
    const text = lines.join('');
    const bytes = gzipSync(text, { level: 1 });
    const key = partKey(prefix, p);
    const upload = store.openUpload(key, 'application/gzip');
    upload.stream.end(bytes);
    await upload.done();
    parts.push({
      key,
      rows: lines.length,
      bytes: bytes.byteLength,
      uncompressedBytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  const run: LifecycleRunInfo = {
    dataset: 'vulns',
    runId,
    dt,
    window: {
      field: 'lastSeen',
      start: SEEN - 86_400,
      end: SEEN,
      startIso: new Date((SEEN - 86_400) * 1000).toISOString(),
      endIso: new Date(SEEN * 1000).toISOString(),
    },
    createdAt: new Date(SEEN * 1000).toISOString(),
    source: manifestKey(prefix),
    parts,
  };

  const lifecycleStart = performance.now();
  const applied = await applyLifecycle({ store, shouldStop: () => false }, run);
  const lifecycleSeconds = (performance.now() - lifecycleStart) / 1000;
  if (applied.status !== 'committed') throw new Error('the lifecycle did not commit');

  process.stdout.write(
    `${JSON.stringify({
      rows,
      changes: applied.result.rows,
      lifecycleSeconds,
      lifecycleRowsPerSecond: rows / lifecycleSeconds,
      manifestKey: applied.result.manifestKey,
    })}\n`,
  );
}

async function asff(store: ReturnType<typeof createLocalStore>, manifestKey: string) {
  let calls = 0;
  let bytes = 0;
  const session = createSecurityHubSession({
    store,
    state: createDiscardStore(),
    target: { accountId: '123456789012', region: 'eu-west-1', partition: 'aws' },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    events: { publish: async () => {} },
    onBatch: async (findings) => {
      calls += 1;
      bytes += Buffer.byteLength(JSON.stringify({ Findings: findings }));
    },
  });
  const asffStart = performance.now();
  const sent = await sendChangeRun(session, manifestKey);
  const asffSeconds = (performance.now() - asffStart) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      asffSeconds,
      asffRowsPerSecond: sent.counts.sent / asffSeconds,
      findings: sent.counts.sent,
      calls,
      meanCallBytes: bytes / Math.max(1, calls),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    })}\n`,
  );
}

await main();
