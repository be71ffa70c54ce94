// @module-tag runtime
// @module-tag lambda-node-only
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysFor } from '#sim';
import { expectNoKeyMaterial } from '#support/keys';
import type { DemoReport } from '../../demo/report';
import type { SecurityHubDemoReport } from '../../demo/securityhub-report';

const DEMO = fileURLToPath(new URL('../../dist/demo.mjs', import.meta.url));
/** The demo's consoles: two simulators, one deployment, one bucket. */
const CONSOLES = ['east', 'west'];

/** The rows of a gzip NDJSON part. */
async function gzipRows(path: string): Promise<Record<string, unknown>[]> {
  return gunzipSync(await readFile(path))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * `npm run demo` is the end-to-end test: the bundled Lambdas, real event shapes, two simulators as
 * two consoles of one deployment, s3rver and the AWS fake, on loopback. This runs it as users do and
 * checks its report, and reads the bucket's copy as a consumer would.
 */
describe('npm run demo', () => {
  let dir: string;
  let code: number | null;
  let stdout = '';
  let stderr = '';
  let report: DemoReport;
  /** The bucket's copy under the data prefix: `<out>/bucket/sc2aws`. */
  let bucket: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-demo-'));
    const child = spawn(
      process.execPath,
      // --securityhub: the Security Hub output too (against the demo's stand-in), in the same run.
      [DEMO, '--out', join(dir, 'demo'), '--report', join(dir, 'report.json'), '--securityhub'],
      {
        env: { PATH: process.env.PATH },
      },
    );
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    code = await new Promise((resolve) => child.on('close', resolve));
    report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as DemoReport;
    bucket = join(dir, 'demo', 'bucket', 'sc2aws');
  }, 240_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the ASFF of one new, one fixed and one reopened finding, every finding sent within the model', () => {
    const securityHub = (report as DemoReport & { securityHub: SecurityHubDemoReport }).securityHub;
    expect(securityHub.samples.map((s) => [s.change, s.finding.RecordState])).toEqual([
      ['new', 'ACTIVE'],
      ['fixed', 'ARCHIVED'],
      ['reopened', 'ACTIVE'],
    ]);
    expect(securityHub.invalid).toBe(0);
    expect(securityHub.findings).toBeGreaterThan(100);
    expect(securityHub.largestCall).toBeLessThanOrEqual(100);
    expect(stdout).toMatch(/A reopened finding, as sent \(RecordState ACTIVE\)/);
  });

  it('finishes successfully with every check of its report passing', () => {
    expect(code, stderr).toBe(0);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('exports exactly the rows each simulator holds for each window and delivers them, in two cycles per console', () => {
    expect([...new Set(report.datasets.map((d) => d.console))]).toEqual(CONSOLES);
    for (const id of CONSOLES) {
      const cycle = (n: number) => report.datasets.filter((d) => d.console === id && d.cycle === n);
      for (const n of [1, 2]) expect(cycle(n).map((d) => d.dataset)).toEqual(['assets', 'fixed', 'vulns']);
      for (const d of cycle(1)) expect(d.rawRows).toBeGreaterThan(100);
      // The second cycle reads from its checkpoint on: the overlap and what changed since, not the past.
      for (const d of cycle(2).filter((d) => d.dataset !== 'assets'))
        expect(d.rawRows).toBeLessThan(cycle(1).find((c) => c.dataset === d.dataset)?.rawRows ?? 0);
      expect(cycle(1).find((d) => d.dataset === 'vulns')?.invocations).toBeGreaterThan(1);
      expect(report.continuations[id]).toBeGreaterThan(0);
    }
    for (const d of report.datasets) {
      if (d.simulatorRows !== null) expect(d.rawRows).toBe(d.simulatorRows);
      expect(d.deliveredRows).toBe(d.rawRows - d.duplicates - d.rejectedRows);
      expect(d.findingsManifest).toMatch(new RegExp(`^console=${d.console}/findings/`));
    }
    // Two networks of their own size: east's 250 hosts, west's 120.
    const assets = (id: string) =>
      report.datasets.find((d) => d.console === id && d.cycle === 1 && d.dataset === 'assets');
    expect([assets('east')?.rawRows, assets('west')?.rawRows]).toEqual([250, 120]);
  });

  it("reports each console's second-cycle changes exactly as its simulator's scan made them, after a baseline", () => {
    expect(report.lifecycles.map((l) => l.console)).toEqual(CONSOLES);
    for (const lifecycle of report.lifecycles) {
      expect(lifecycle.runs.map((r) => [r.cycle, r.dataset, r.baseline])).toEqual([
        [1, 'fixed', true],
        [1, 'vulns', true],
        [2, 'fixed', false],
        [2, 'vulns', false],
      ]);
      // A baseline takes every delivered finding as it is: vulns all new, fixed all fixed.
      const delivered = (n: number, dataset: string) =>
        report.datasets.find((d) => d.console === lifecycle.console && d.cycle === n && d.dataset === dataset)
          ?.deliveredRows;
      const run = (n: number, dataset: string) =>
        lifecycle.runs.find((r) => r.cycle === n && r.dataset === dataset);
      expect(run(1, 'vulns')?.counts.new).toBe(delivered(1, 'vulns'));
      expect(run(1, 'fixed')?.counts.fixed).toBe(delivered(1, 'fixed'));
      for (const t of ['new', 'fixed', 'reopened', 'risk_recast'] as const)
        expect(lifecycle.expected[t]).toBeGreaterThan(0);
      expect(lifecycle.observed).toEqual(lifecycle.expected);
      expect(lifecycle.idMismatches).toEqual([]);
      expect(lifecycle.windowsHoldScan).toBe(true);
      for (const r of lifecycle.runs) expect(r.eventAgrees).toBe(true);
    }
  });

  it("writes each console's change feed in its own folder, rows as the report counts them, baseline only in the first cycle", async () => {
    for (const lifecycle of report.lifecycles) {
      // Read the change runs from the bucket's copy, as a consumer would, without the report's code.
      const root = join(bucket, `console=${lifecycle.console}`, 'changes');
      const counted = new Map<string, { baseline: boolean[]; changes: string[]; consoles: string[] }>();
      for (const day of await readdir(root)) {
        if (!day.startsWith('dt=')) continue;
        for (const runDir of await readdir(join(root, day))) {
          const rows = { baseline: [] as boolean[], changes: [] as string[], consoles: [] as string[] };
          for (const file of await readdir(join(root, day, runDir))) {
            if (!file.endsWith('.ndjson.gz')) continue;
            for (const row of await gzipRows(join(root, day, runDir, file))) {
              rows.baseline.push(row.baseline as boolean);
              rows.changes.push(row.change as string);
              rows.consoles.push(row.console_id as string);
            }
          }
          counted.set(runDir.replace(/^run=/, ''), rows);
        }
      }
      expect(counted.size).toBe(lifecycle.runs.length);
      for (const r of lifecycle.runs) {
        const rows = counted.get(r.runId);
        expect(rows?.baseline.every((b) => b === (r.cycle === 1))).toBe(true);
        expect(new Set(rows?.consoles)).toEqual(new Set([lifecycle.console]));
        for (const [type, count] of Object.entries(r.counts))
          expect(rows?.changes.filter((c) => c === type)).toHaveLength(count);
      }
    }
    expect(stdout).toMatch(
      /the second cycle's change feed: +\d+ new, \d+ fixed, \d+ reopened, \d+ risk_recast/,
    );
  });

  it("commits each console's runs under its own console= folder of the one bucket, and nothing beside them", async () => {
    expect((await readdir(bucket)).sort()).toEqual(CONSOLES.map((id) => `console=${id}`));
    for (const id of CONSOLES) {
      expect((await readdir(join(bucket, `console=${id}`))).sort()).toEqual([
        'changes',
        'current',
        'findings',
        'ocsf',
        'raw',
        'state',
      ]);
      // Each raw manifest names the console whose folder holds it: forward-results reads it from there.
      const raw = join(bucket, `console=${id}`, 'raw');
      const manifests = (await readdir(raw, { recursive: true })).filter((f) => f.endsWith('_manifest.json'));
      expect(manifests).toHaveLength(6);
      for (const file of manifests) {
        const manifest = JSON.parse(await readFile(join(raw, file), 'utf8')) as { sc: { consoleId: string } };
        expect(manifest.sc.consoleId).toBe(id);
      }
    }
  });

  it('reads both consoles through the same tables: one reading of the committed lists across console=*/', async () => {
    // The assets table as a consumer reads it: every committed list of every console, every part it names.
    const perConsole = new Map<string, { rows: number; ipToAsset: Map<string, string> }>();
    for (const folder of await readdir(bucket)) {
      const lists = join(bucket, folder, 'findings', 'committed', 'dataset=assets');
      for (const file of await readdir(lists, { recursive: true })) {
        if (!file.endsWith('.txt')) continue;
        for (const address of (await readFile(join(lists, file), 'utf8'))
          .split('\n')
          .filter((l) => l !== '')) {
          for (const row of await gzipRows(join(bucket, '..', address.replace(/^s3:\/\/[^/]+\//, '')))) {
            const id = row.console_id as string;
            const seen = perConsole.get(id) ?? { rows: 0, ipToAsset: new Map<string, string>() };
            perConsole.set(id, seen);
            seen.rows += 1;
            seen.ipToAsset.set(row.ip as string, row.asset_id as string);
            expect(`console=${id}`).toBe(folder);
          }
        }
      }
    }
    expect([...perConsole.keys()].sort()).toEqual(CONSOLES);
    const tables = report.tables;
    expect(tables.consoles.map((t) => [t.console, t.assets])).toEqual(
      CONSOLES.map((id) => [id, perConsole.get(id)?.rows]),
    );
    for (const t of tables.consoles) {
      const delivered = (dataset: string) =>
        report.datasets
          .filter((d) => d.console === t.console && d.dataset === dataset)
          .reduce((sum, d) => sum + d.deliveredRows, 0);
      expect(t.findings).toEqual({ vulns: delivered('vulns'), fixed: delivered('fixed') });
      const changeRows = report.lifecycles
        .filter((l) => l.console === t.console)
        .flatMap((l) => l.runs)
        .reduce((sum, r) => sum + r.rows, 0);
      expect(t.changes).toBe(changeRows);
      expect(t.current).toBeGreaterThan(0);
      expect(t.foreign).toBe(0);
    }
    // West's hosts have the addresses of east's first 120: each of them two assets, one per console.
    const east = perConsole.get('east')?.ipToAsset ?? new Map<string, string>();
    const west = perConsole.get('west')?.ipToAsset ?? new Map<string, string>();
    const shared = [...west.keys()].filter((ip) => east.has(ip));
    expect(shared).toHaveLength(120);
    for (const ip of shared) expect(west.get(ip)).not.toBe(east.get(ip));
    expect(tables.sharedAddresses).toBe(120);
    expect(tables.sameHostAddresses).toBeGreaterThan(0);
    expect(tables.assetIdMismatches).toBe(0);
    const [sample] = tables.sample;
    expect(sample?.sameHost).toBe(true);
    expect(sample?.assets.map((a) => [a.console, a.asset_id])).toEqual([
      ['east', east.get(sample?.ip ?? '')],
      ['west', west.get(sample?.ip ?? '')],
    ]);
    expect(stdout).toContain(`${sample?.ip} is on east and west, the same host identity on both:`);
    for (const a of sample?.assets ?? []) expect(stdout).toContain(`asset_id ${a.asset_id}`);
    expect(stdout).toMatch(/^ {4}east +\d+ +\d+ +\d+ +\d+ +\d+ +0$/m);
    expect(stdout).toMatch(/^ {4}west +\d+ +\d+ +\d+ +\d+ +\d+ +0$/m);
  });

  it('publishes the events in the order the flow implies, each naming its console', () => {
    const own = report.events.filter((e) => e.source === 'sc2aws');
    expect(own.slice(0, 5).map((e) => [e.detailType, e.console])).toEqual([
      ['Key Validation Succeeded', 'east'],
      ['Key Validation Succeeded', 'west'],
      ['Key Validation Succeeded', 'east'],
      ['Key Rotation Completed', 'east'],
      ['Key Validation Succeeded', 'east'],
    ]);
    expect(own[5]?.detailType).toBe('Export Continuation Requested');
    for (const id of CONSOLES) {
      const types = own.filter((e) => e.console === id).map((e) => e.detailType);
      expect(types.filter((t) => t === 'Export Completed')).toHaveLength(6);
      expect(types.filter((t) => t === 'Findings Delivered')).toHaveLength(6);
      expect(types.filter((t) => t === 'Findings Changed')).toHaveLength(4);
      // Each run's events name the console whose folder holds the run.
      for (const d of report.datasets.filter((d) => d.console === id)) {
        const about = own.filter((e) => e.runId === d.runId && e.console === id).map((e) => e.detailType);
        expect(about).toContain('Export Completed');
        expect(about).toContain('Findings Delivered');
      }
    }
    expect(own.every((e) => e.console === 'east' || e.console === 'west')).toBe(true);
    expect(own.map((e) => e.detailType)).not.toContain('Key Validation Failed');
  });

  it('shows progress, delivered findings and where the files are', () => {
    for (const id of CONSOLES) {
      expect(stdout).toContain(`pull-analysis ← schedule (${id})`);
      expect(stdout).toContain(`pull-analysis ← Export Continuation Requested [${id}]`);
      expect(stdout).toContain(`forward-results ← Export Completed (vulns) [${id}]`);
    }
    expect(report.sampleFindings.length).toBeGreaterThan(0);
    expect(stdout).toContain(report.outputDir);
  });

  it('never prints or stores key material', () => {
    // East's simulator runs with seed 42, west's with 7: their users' pairs are predictable.
    const pairs = [keysFor(42, 'svc-sc2aws', 0), keysFor(42, 'svc-sc2aws', 1), keysFor(7, 'svc-sc2aws', 0)];
    expectNoKeyMaterial(
      stdout + stderr + JSON.stringify(report),
      ...pairs.flatMap((k) => [k.accessKey, k.secretKey]),
    );
    expect(report.keyMaterialFound).toBe(false);
  });
});
