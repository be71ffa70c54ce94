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

/**
 * `npm run demo` is the end-to-end test: the bundled Lambdas, real event shapes, the simulator,
 * s3rver and the AWS fake, on loopback. This runs it as users do and checks its report.
 */
describe('npm run demo', () => {
  let dir: string;
  let code: number | null;
  let stdout = '';
  let stderr = '';
  let report: DemoReport;

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
  }, 120_000);
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

  it('exports exactly the rows the simulator holds for each window and delivers them, in two cycles', () => {
    const cycle = (n: number) => report.datasets.filter((d) => d.cycle === n);
    for (const n of [1, 2]) expect(cycle(n).map((d) => d.dataset)).toEqual(['assets', 'fixed', 'vulns']);
    for (const d of report.datasets) {
      if (d.simulatorRows !== null) expect(d.rawRows).toBe(d.simulatorRows);
      expect(d.deliveredRows).toBe(d.rawRows - d.duplicates - d.rejectedRows);
      expect(d.findingsManifest).not.toBeNull();
    }
    for (const d of cycle(1)) expect(d.rawRows).toBeGreaterThan(100);
    // The second cycle reads from its checkpoint on: the overlap and what changed since, not the past.
    for (const d of cycle(2).filter((d) => d.dataset !== 'assets'))
      expect(d.rawRows).toBeLessThan(cycle(1).find((c) => c.dataset === d.dataset)?.rawRows ?? 0);
    expect(cycle(1).find((d) => d.dataset === 'vulns')?.invocations).toBeGreaterThan(1);
  });

  it("reports the second cycle's changes exactly as the simulator's scan made them, after a baseline", () => {
    const { lifecycle } = report;
    expect(lifecycle.runs.map((r) => [r.cycle, r.dataset, r.baseline])).toEqual([
      [1, 'fixed', true],
      [1, 'vulns', true],
      [2, 'fixed', false],
      [2, 'vulns', false],
    ]);
    // A baseline takes every delivered finding as it is: vulns all new, fixed all fixed.
    const delivered = (n: number, dataset: string) =>
      report.datasets.find((d) => d.cycle === n && d.dataset === dataset)?.deliveredRows;
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
  });

  it("writes the change feed's rows as the report counts them, baseline only in the first cycle", async () => {
    // Read the change runs from the bucket's copy, as a consumer would, without the report's code.
    const root = join(dir, 'demo', 'bucket', 'sc2aws', 'changes');
    const counted = new Map<string, { baseline: boolean[]; changes: string[] }>();
    for (const day of await readdir(root)) {
      if (!day.startsWith('dt=')) continue;
      for (const runDir of await readdir(join(root, day))) {
        const rows = { baseline: [] as boolean[], changes: [] as string[] };
        for (const file of await readdir(join(root, day, runDir))) {
          if (!file.endsWith('.ndjson.gz')) continue;
          const text = gunzipSync(await readFile(join(root, day, runDir, file))).toString('utf8');
          for (const line of text.split('\n').filter((l) => l !== '')) {
            const row = JSON.parse(line) as { baseline: boolean; change: string };
            rows.baseline.push(row.baseline);
            rows.changes.push(row.change);
          }
        }
        counted.set(runDir.replace(/^run=/, ''), rows);
      }
    }
    expect(counted.size).toBe(report.lifecycle.runs.length);
    for (const r of report.lifecycle.runs) {
      const rows = counted.get(r.runId);
      expect(rows?.baseline.every((b) => b === (r.cycle === 1))).toBe(true);
      for (const [type, count] of Object.entries(r.counts))
        expect(rows?.changes.filter((c) => c === type)).toHaveLength(count);
    }
    expect(stdout).toMatch(
      /the second cycle's change feed: +\d+ new, \d+ fixed, \d+ reopened, \d+ risk_recast/,
    );
  });

  it('publishes the events in the order the flow implies', () => {
    const types = report.events.filter((e) => e.source === 'sc2aws').map((e) => e.detailType);
    expect(types.slice(0, 4)).toEqual([
      'Key Validation Succeeded',
      'Key Validation Succeeded',
      'Key Rotation Completed',
      'Key Validation Succeeded',
    ]);
    expect(types[4]).toBe('Export Continuation Requested');
    expect(types.filter((t) => t === 'Export Completed')).toHaveLength(6);
    expect(types.filter((t) => t === 'Findings Delivered')).toHaveLength(6);
    expect(types.filter((t) => t === 'Findings Changed')).toHaveLength(4);
    expect(types).not.toContain('Key Validation Failed');
  });

  it('shows progress, delivered findings and where the files are', () => {
    expect(stdout).toMatch(/pull-analysis ← schedule/);
    expect(stdout).toMatch(/pull-analysis ← Export Continuation Requested/);
    expect(stdout).toMatch(/forward-results ← Export Completed \(vulns\)/);
    expect(report.sampleFindings.length).toBeGreaterThan(0);
    expect(stdout).toContain(report.outputDir);
  });

  it('never prints or stores key material', () => {
    // The demo's simulator runs with seed 42; its user's first and regenerated pairs are predictable.
    const pairs = [keysFor(42, 'svc-sc2aws', 0), keysFor(42, 'svc-sc2aws', 1)];
    expectNoKeyMaterial(
      stdout + stderr + JSON.stringify(report),
      ...pairs.flatMap((k) => [k.accessKey, k.secretKey]),
    );
    expect(report.keyMaterialFound).toBe(false);
  });
});
