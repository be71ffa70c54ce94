import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysFor } from '#sim';
import { expectNoKeyMaterial } from '#support/keys';
import type { DemoReport } from '../../demo/report';

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
      [DEMO, '--out', join(dir, 'demo'), '--report', join(dir, 'report.json')],
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
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finishes successfully with every check of its report passing', () => {
    expect(code, stderr).toBe(0);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('exports exactly the rows the simulator holds for each window and delivers them', () => {
    expect(report.datasets.map((d) => d.dataset).sort()).toEqual(['assets', 'fixed', 'vulns']);
    for (const d of report.datasets) {
      if (d.simulatorRows !== null) expect(d.rawRows).toBe(d.simulatorRows);
      expect(d.rawRows).toBeGreaterThan(100);
      expect(d.deliveredRows).toBe(d.rawRows - d.duplicates - d.rejectedRows);
      expect(d.findingsManifest).not.toBeNull();
    }
    expect(report.datasets.find((d) => d.dataset === 'vulns')?.invocations).toBeGreaterThan(1);
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
    expect(types.filter((t) => t === 'Export Completed')).toHaveLength(3);
    expect(types.filter((t) => t === 'Findings Delivered')).toHaveLength(3);
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
