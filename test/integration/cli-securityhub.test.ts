import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandInput,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DetailType } from '#lib/events';
import { exportDataset } from '#lib/export';
import { asffProblems } from '#lib/securityhub';
import { createLocalStore } from '#lib/sink';
import { runCliInProcess } from '#support/cli';
import { type ExportHarness, exportHarness } from '#support/export-harness';
import { runCli } from '../../cli/main';

const securityHub = mockClient(SecurityHubClient);
const calls = (): AwsSecurityFinding[][] =>
  securityHub
    .commandCalls(BatchImportFindingsCommand)
    .map((c) => (c.args[0].input as BatchImportFindingsCommandInput).Findings ?? []);

async function asffFiles(dir: string): Promise<AwsSecurityFinding[][]> {
  const names = (await readdir(dir)).sort();
  return Promise.all(
    names.map(
      async (n) =>
        (JSON.parse(await readFile(join(dir, n), 'utf8')) as { Findings: AwsSecurityFinding[] }).Findings,
    ),
  );
}

/** `sc2aws deliver --asff` and `sc2aws securityhub`, in-process, on an export of the simulator. */
describe('sc2aws and Security Hub', () => {
  let h: ExportHarness;
  let root: string;
  let changesManifest: string;

  beforeAll(async () => {
    h = await exportHarness({ store: 'local' });
    // The data root holds the default console's folder, where the Lambda and the CLI keep its runs.
    root = h.store.location;
    await exportDataset(
      h.deps({ store: createLocalStore(join(root, 'console=default')) }),
      h.settings(),
      'vulns',
    );
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    securityHub.reset();
    securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
  });

  it('deliver --asff writes one {"Findings": […]} file per BatchImportFindings call, each finding within AWS model', async () => {
    const out = join(root, '..', 'asff-deliver');

    const run = await runCliInProcess(['deliver', '--from', root, '--dataset', 'vulns', '--asff', out]);

    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      runs: { securityHub?: { sent: number }; changes?: { manifestKey: string } }[];
      asffFiles: number;
    };
    const batches = await asffFiles(out);
    expect(batches).toHaveLength(summary.asffFiles);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(100);
    const findings = batches.flat();
    expect(findings).toHaveLength(summary.runs[0]?.securityHub?.sent ?? -1);
    for (const f of findings) expect(asffProblems(f)).toEqual([]);
    expect(new Set(findings.map((f) => f.AwsAccountId))).toEqual(new Set(['000000000000']));
    // Written, not sent; and nothing was recorded as sent.
    expect(calls()).toEqual([]);
    changesManifest = join(root, 'console=default', summary.runs[0]?.changes?.manifestKey as string);
  });

  it('securityhub send stops between batches on Ctrl-C, and the same command sends the rest, nothing twice', async () => {
    let stop!: (signal: 'SIGINT') => void;
    const stopped = new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
      stop = resolve;
    });
    securityHub.on(BatchImportFindingsCommand).callsFake(() => {
      stop('SIGINT');
      return { FailedCount: 0, SuccessCount: 100 };
    });
    let stdout = '';
    const io = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: () => true },
      env: { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' },
    };
    const args = ['securityhub', 'send', '--changes', changesManifest, '--account', '123456789012'];

    const first = await runCli(args, io, stopped);
    await new Promise((resolve) => setImmediate(resolve));
    const afterFirst = calls().length;
    const second = await runCliInProcess(args, { AWS_REGION: 'eu-west-1' });

    expect(first).toBe(130);
    expect(JSON.parse(stdout).consoleId).toBe('default');
    expect(JSON.parse(stdout)).toMatchObject({ status: 'stopped', interrupted: 'SIGINT' });
    expect(afterFirst).toBe(1);
    expect(second.code, second.stderr).toBe(0);
    const ids = calls()
      .flat()
      .map((f) => f.Id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'sent', counts: { failed: 0 } });
    expect(
      calls()
        .flat()
        .every((f) => f.ProductArn?.endsWith(':product/123456789012/default')),
    ).toBe(true);
  });

  it('securityhub backfill --asff writes every open finding of the state the ledger does not hold', async () => {
    const out = join(root, '..', 'asff-backfill');

    const run = await runCliInProcess(['securityhub', 'backfill', '--state', root, '--asff', out]);

    expect(run.code, run.stderr).toBe(0);
    const findings = (await asffFiles(out)).flat();
    const summary = JSON.parse(run.stdout) as { counts: { sent: number }; events: string[] };
    expect(findings.length).toBe(summary.counts.sent);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.RecordState === 'ACTIVE')).toBe(true);
    expect(summary.events).not.toContain(DetailType.SecurityHubFindingsFailed);
  });

  it("takes send's console from the change run's folder, refusing a --console that disagrees", async () => {
    const args = ['securityhub', 'send', '--changes', changesManifest, '--asff', join(root, '..', 'asff-x')];

    const other = await runCliInProcess([...args, '--console', 'emea']);
    const outside = await runCliInProcess([
      ...args.slice(0, 3),
      changesManifest.replace('/console=default/', '/'),
      ...args.slice(4),
    ]);

    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(
      /--console emea disagrees with --changes, a change run of the console "default"/,
    );
    expect(outside.code).toBe(3);
    expect(outside.stderr).toMatch(/is not in a console's folder/);
    expect(calls()).toEqual([]);
  });

  it('backfill --console works on that console alone, which here has no open finding to send', async () => {
    const out = join(root, '..', 'asff-emea');

    const run = await runCliInProcess([
      'securityhub',
      'backfill',
      '--state',
      root,
      '--console',
      'emea',
      '--asff',
      out,
    ]);

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ consoleId: 'emea', counts: { sent: 0 } });
  });
});
