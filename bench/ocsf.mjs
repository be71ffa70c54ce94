// Section 5: OCSF rows/s — one delivered findings part of N rows mapped to OCSF 1.3.0 and written
// as Parquet (lib/ocsf ocsfFilesForPart), in a fresh child process per repetition. Standalone:
//   node bench/ocsf.mjs [--rows 80000] [--reps 3]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { childEnv, lastJsonLine, ROOT, runNode } from './children.mjs';
import { median } from './stats.mjs';

/**
 * A full findings part: these rows are 68 MB (over 64 MiB, the default PART_SIZE_MB) of delivered
 * NDJSON. A quick run maps one too: its peak RSS is what CI's bench test holds to the bound.
 */
export const OCSF_ROWS = 30_000;

// The child, in two runs: \`generate\` writes N delivered findings (3 CVEs, CVSS v2 and v3, short plugin
// output: about 2.3 kB of NDJSON a row, as delivered rows are, so 30 000 rows are a full 64 MiB part) as one gzip NDJSON
// part into a local store; \`map\` times ocsfFilesForPart on it, in a process that did nothing else, so
// its peak RSS is the OCSF step's. Each prints one JSON line.
const CHILD = `
import { createLocalStore, PartWriter, partKey, runPrefix } from './lib/sink/index.ts';
import { ocsfFilesForPart } from './lib/ocsf/index.ts';

const [mode, rowsArg, dir] = process.argv.slice(2);
const rows = Number(rowsArg);
const store = createLocalStore(dir);
const runId = '20261123T101500Z-1a2b3c4d';
const prefix = runPrefix('findings', 'vulns', '2026-11-23', runId);
const writer = new PartWriter(store, (i) => partKey(prefix, i), { partSizeBytes: 1 << 30 });
const hex = (n, len) => n.toString(16).padStart(len, '0');
const base = Date.parse('2026-11-01T00:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
const output = 'Remote package installed : openssl-libs-1.0.2k-19.el7\\n';
if (mode === 'map') {
  const part = JSON.parse(process.argv[5]);
  const started = performance.now();
  const files = await ocsfFilesForPart(store, 'vulns', part, { runId, dt: '2026-11-23', index: 0 });
  const seconds = (performance.now() - started) / 1000;
  const written = files.reduce((n, f) => n + f.rows, 0);
  console.log(JSON.stringify({
    rows: written, seconds, rowsPerSecond: written / seconds, files: files.length,
    fileBytes: files.reduce((n, f) => n + f.bytes.length, 0),
    codec: files[0].codec, peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }));
  process.exit(0);
}
for (let start = 0; start < rows; start += 1000) {
  const lines = [];
  for (let i = start; i < Math.min(rows, start + 1000); i++) {
    const host = i % 5000;
    lines.push(JSON.stringify({
      finding_id: hex(i, 32), asset_id: hex(host, 32), state: i % 10 === 0 ? 'reopened' : 'open',
      severity: { id: i % 5, name: ['Info', 'Low', 'Medium', 'High', 'Critical'][i % 5] },
      plugin_id: 100000 + (i % 3000), plugin_name: 'CentOS 7 : openssl (CESA-2019:0679) ' + (i % 3000),
      ip: '10.' + ((host >> 8) & 255) + '.' + (host & 255) + '.' + (i % 250 + 1), ips: ['10.0.0.1'], port: 0,
      protocol: 'TCP', dns_name: 'host-' + host + '.example.com', netbios_name: null,
      mac_address: '00:16:3e:5d:7a:71', operating_system: 'Linux Kernel 3.10 on CentOS Linux release 7.6.1810 (Core)',
      host_uuid: null, repository: { id: '1', name: 'Main' },
      first_seen: iso(base - 86_400_000 * (i % 90)), last_seen: iso(base + ((i * 7919) % rows) * 1000),
      last_mitigated: null, age_days: i % 90, has_been_mitigated: i % 10 === 0, accept_risk: false,
      recast_risk: false, exploit_available: i % 3 === 0, exploit_ease: 'Exploits are available',
      exploit_frameworks: null, risk_factor: 'High', stig_severity: null, vpr_score: 6.7,
      vpr_context: null,
      key_drivers: null, cvss_v2_base_score: 9.3, cvss_v2_temporal_score: 6.9,
      cvss_v2_vector: 'AV:N/AC:M/Au:N/C:C/I:C/A:C', cvss_v3_base_score: 8.8, cvss_v3_temporal_score: 7.7,
      cvss_v3_vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C', cvss_v4_base_score: null,
      cvss_v4_vector: null, epss_score: 0.0123, acr_score: null, asset_exposure_score: 563,
      cve: ['CVE-2019-' + (1000 + (i % 3000)), 'CVE-2019-3856', 'CVE-2019-3857'], bid: [], xref: ['RHSA #2019:0679', 'CWE #787'],
      cpe: ['cpe:/o:centos:centos:7'], see_also: ['https://access.redhat.com/errata/RHSA-2019:0679'],
      family: { id: '18', name: 'CentOS Local Security Checks', type: 'active' }, check_type: 'local',
      plugin_version: '1.5', synopsis: 'The remote CentOS host is missing one or more security updates.',
      description: 'An update for openssl is now available for Red Hat Enterprise Linux 7.',
      solution: 'Update the affected openssl packages.', plugin_pub_date: iso(base), plugin_mod_date: iso(base),
      vuln_pub_date: iso(base), patch_pub_date: iso(base), seol_date: null, accept_risk_comment: null,
      recast_risk_comment: null, vuln_uuid: null, was_url: null, plugin_output: output,
      plugin_output_truncated: false, collected_at: '2026-11-23T10:15:00.000Z', run_id: runId,
      dataset: 'vulns', sc_host: 'sc.example.com', sc_version: '6.4.0',
    }));
  }
  await writer.write(lines);
}
console.log(JSON.stringify(await writer.finishPart()));
`;

/** Bundles the child (lib/ocsf is TypeScript) into `scratch`; returns its path. */
async function childScript(scratch) {
  const out = join(scratch, 'ocsf-child.mjs');
  await mkdir(scratch, { recursive: true });
  const bundle = await build({
    stdin: { contents: CHILD, resolveDir: ROOT, loader: 'ts', sourcefile: 'ocsf-child.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  await writeFile(out, bundle.outputFiles[0].contents);
  return out;
}

/** Median rows/s of `reps` runs over one part of `rows` rows, with the file and part sizes. */
export async function measureOcsf(ctx, { quick, ocsfRows, ocsfReps }, log) {
  const rows = ocsfRows ?? OCSF_ROWS;
  const reps = ocsfReps ?? (quick ? 1 : 3);
  const script = await childScript(ctx.scratch);
  const store = join(ctx.scratch, 'ocsf-store');
  const part = lastJsonLine(
    'writing the OCSF input part',
    await runNode(ctx, [script, 'generate', String(rows), store], { env: childEnv() }),
  );
  const runs = [];
  for (let rep = 0; rep < reps; rep++) {
    const args = [script, 'map', String(rows), store, JSON.stringify(part)];
    // As a default deployment starts forward-results (NODE_OPTIONS), when run from bench/run.mjs.
    const env = childEnv({
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      ...(ctx.nodeOptions ? { NODE_OPTIONS: ctx.nodeOptions } : {}),
    });
    const run = lastJsonLine('the OCSF run', await runNode(ctx, args, { env }));
    runs.push(run);
    log(
      `  ${rows} rows rep ${rep + 1}/${reps}: ${Math.round(run.rowsPerSecond)} rows/s, ${(run.fileBytes / 1e6).toFixed(1)} MB ${run.codec}`,
    );
  }
  const last = runs.at(-1);
  return {
    rows,
    reps,
    rowsPerSecond: median(runs.map((r) => r.rowsPerSecond)),
    peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
    fileBytes: last.fileBytes,
    partBytes: part.bytes,
    ndjsonBytes: part.uncompressedBytes,
    codec: last.codec,
    runs,
  };
}

/** Half of forward-results' default 1024 MB: the bound on one part's OCSF peak RSS (issue 22). */
export const OCSF_RSS_BOUND_BYTES = 512e6;

/** The report's rows for this section. */
export function ocsfRows(r) {
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  const met = r.peakRssBytes <= OCSF_RSS_BOUND_BYTES ? '✅ met' : '❌ missed';
  return [
    `| OCSF rows/s (map + Parquet, one ${r.rows}-row part, ${r.codec}) | ${Math.round(r.rowsPerSecond)} | — | — |`,
    `| OCSF file size (delivered part: ${mb(r.ndjsonBytes)} NDJSON, ${mb(r.partBytes)} gzip) | ${mb(r.fileBytes)} | — | — |`,
    `| OCSF peak RSS, that part (child process, AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024) | ${mb(r.peakRssBytes)} | ≤ ${mb(OCSF_RSS_BOUND_BYTES)} | ${met} |`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, reps: { type: 'string' } } });
  const scratch = await mkdtemp(join(tmpdir(), 'sc2aws-bench-ocsf-'));
  try {
    const result = await measureOcsf(
      { node: process.execPath, scratch },
      {
        quick: false,
        ocsfRows: values.rows && Number(values.rows),
        ocsfReps: values.reps && Number(values.reps),
      },
      (line) => process.stderr.write(`${line}\n`),
    );
    process.stdout.write(`${ocsfRows(result).join('\n')}\n`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
