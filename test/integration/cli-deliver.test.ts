import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '#sim';
import { type CliRun, runCliInProcess, runSc2aws } from '#support/cli';
import { expectNoKeyMaterial } from '#support/keys';
import { type LocalS3, startS3 } from '#support/s3';

interface RunSummary {
  dataset: string;
  runId: string;
  status: string;
  rows: number;
  rawRows: number;
  duplicates: number;
  rejected: number;
  manifest: string;
}
interface Summary {
  from: string;
  out: string;
  consoleId: string;
  threads: number;
  durationMs: number;
  peakRssBytes: number;
  runs: RunSummary[];
  events: string[];
}

/** Every file under `root`, path relative to it, in sorted order. */
async function filesUnder(root: string, dir = root): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(root, path)));
    else found.push(relative(root, path));
  }
  return found.sort();
}

/**
 * What a delivery wrote under `root` (findings, rejected, and any leftover delivery state), as
 * bytes; committed lists name parts by full address, so the root is replaced by `<root>`.
 */
/** A manifest written to a directory, as the same delivery writes it to `bucket` under `prefix`. */
function inBucket(
  manifest: Record<string, unknown>,
  bucket: string,
  prefix: string,
): Record<string, unknown> {
  type Parts = { key: string }[];
  const keyed = (parts: Parts) => parts.map((part) => ({ ...part, key: `${prefix}${part.key}` }));
  const details = manifest.details as { source: string; rejected?: { parts: Parts } } | undefined;
  return {
    ...manifest,
    bucket,
    parts: keyed(manifest.parts as Parts),
    ...(typeof manifest.source === 'string' ? { source: `${prefix}${manifest.source}` } : {}),
    ...(details === undefined
      ? {}
      : {
          details: {
            ...details,
            source: `${prefix}${details.source}`,
            ...(details.rejected === undefined
              ? {}
              : { rejected: { ...details.rejected, parts: keyed(details.rejected.parts) } }),
          },
        }),
  };
}

async function delivered(root: string, addressRoot = root): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const file of await filesUnder(root)) {
    if (!/^(findings|rejected|ocsf|changes|current)\/|^state\/(delivery|lifecycle)\//.test(file)) continue;
    const bytes = await readFile(join(root, file));
    out.set(
      file,
      file.includes('/committed/')
        ? bytes.toString('utf8').replaceAll(addressRoot, '<root>')
        : bytes.toString('base64'),
    );
  }
  return out;
}

/** The default console's folder of a data root, where an export without --console writes. */
const inConsole = (root: string) => join(root, 'console=default');

/** `sc2aws deliver` as users run it: the built binary and in-process, from an export directory and S3. */
describe('sc2aws deliver', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let exported: string;
  const runs: CliRun[] = [];
  const copyOfExport = async (name: string) => {
    const to = join(dir, name);
    await cp(exported, to, { recursive: true });
    return to;
  };

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, vulnCount: 4000, fixedCount: 500, hostCount: 60 });
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-cli-deliver-'));
    await writeFile(join(dir, 'ca.pem'), sim.caPem);
    await writeFile(join(dir, 'keys'), `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`);
    exported = join(dir, 'export');
    // Small parts: several per run, so two threads deliver side by side.
    const r = await runSc2aws([
      'export',
      ...['--url', sim.url, '--keys-file', join(dir, 'keys'), '--ca-file', join(dir, 'ca.pem')],
      ...[
        '--out',
        exported,
        '--part-size-mb',
        '1',
        '--severity-floor',
        '0',
        '--since',
        '2000-01-01T00:00:00Z',
      ],
    ]);
    runs.push(r);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    expectNoKeyMaterial(
      runs.map((r) => r.stdout + r.stderr).join('\n'),
      sim.keys.accessKey,
      sim.keys.secretKey,
    );
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  // With --ocsf, so the OCSF files made on threads are held to the inline ones too. On the Lambda's
  // Node as well: worker threads, the Buffers crossing them, gzip and the Parquet codec.
  it('delivers every committed run of an export directory on 2 threads, OCSF included, byte for byte as inline in-process', {
    tags: ['runtime'],
  }, async () => {
    // Prepare
    const threaded = await copyOfExport('threaded');
    const inline = await copyOfExport('inline');

    // Act
    const binary = await runSc2aws(['deliver', '--from', threaded, '--threads', '2', '--ocsf']);
    const inProcess = await runCliInProcess(['deliver', '--from', inline, '--threads', '1', '--ocsf']);
    runs.push(binary, inProcess);

    // Assert
    expect(binary.code, binary.stderr).toBe(0);
    expect(inProcess.code, inProcess.stderr).toBe(0);
    const summary = JSON.parse(binary.stdout) as Summary;
    expect(summary.threads).toBe(2);
    expect([summary.out, summary.consoleId]).toEqual([threaded, 'default']);
    expect(summary.runs.map((r) => [r.dataset, r.status])).toEqual([
      ['vulns', 'delivered'],
      ['fixed', 'delivered'],
      ['assets', 'delivered'],
    ]);
    expect(summary.runs[0]?.rawRows).toBe(4000);
    expect(summary.runs[0]?.rows).toBe(4000 - (summary.runs[0]?.duplicates ?? 0));
    expect(summary.events).toEqual([
      'Findings Delivered',
      'Findings Changed',
      'Findings Delivered',
      'Findings Changed',
      'Findings Delivered',
    ]);
    expect(summary.peakRssBytes).toBeGreaterThan(0);
    expect(binary.stderr).toMatch(/^vulns \S+: transform part 1\/\d+, \d+ rows, \d+ rows\/s$/m);
    const findingsParts = (await filesUnder(inConsole(threaded))).filter((f) =>
      /^findings\/dataset=vulns\/.*part-/.test(f),
    );
    expect(findingsParts.length).toBeGreaterThan(1);
    const threadedBytes = await delivered(inConsole(threaded));
    expect([...threadedBytes.keys()].some((k) => k.startsWith('state/delivery/'))).toBe(false);
    expect(threadedBytes.has('state/lifecycle/root.json')).toBe(true);
    expect([...threadedBytes.keys()].filter((k) => k.endsWith('.parquet')).length).toBeGreaterThan(2);
    expect(threadedBytes).toEqual(await delivered(inConsole(inline)));
  });

  it('skips runs already delivered, and --redeliver writes the same objects again', async () => {
    // Prepare
    const out = await copyOfExport('redeliver');
    expect((await runCliInProcess(['deliver', '--from', out])).code).toBe(0);
    const first = await delivered(inConsole(out));

    // Act
    const again = await runCliInProcess(['deliver', '--from', out, '--dataset', 'vulns']);
    const redelivered = await runCliInProcess(['deliver', '--from', out, '--redeliver', '--threads', '1']);

    // Assert
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      runs: [{ dataset: 'vulns', status: 'skipped' }],
      events: [],
    });
    expect(redelivered.code).toBe(0);
    expect((JSON.parse(redelivered.stdout) as Summary).runs.map((r) => r.status)).toEqual([
      'delivered',
      'delivered',
      'delivered',
    ]);
    expect(await delivered(inConsole(out))).toEqual(first);
  });

  it('delivers one named local manifest to another --out directory', async () => {
    // Prepare
    const source = await copyOfExport('named-source');
    const target = join(dir, 'named-target');
    const [list] = (await filesUnder(inConsole(source))).filter((f) =>
      f.startsWith('raw/committed/dataset=fixed/'),
    );
    const [, dt, runId] = /dt=([^/]+)\/(.+)\.txt$/.exec(list ?? '') ?? [];
    const manifest = join(inConsole(source), `raw/dataset=fixed/dt=${dt}/run=${runId}/_manifest.json`);

    // Act
    const r = await runCliInProcess(['deliver', '--from', manifest, '--out', target]);

    // Assert
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Summary;
    expect(summary.runs).toEqual([expect.objectContaining({ dataset: 'fixed', runId, status: 'delivered' })]);
    expect(summary.runs[0]?.manifest).toBe(
      join(inConsole(target), `findings/dataset=fixed/dt=${dt}/run=${runId}/_manifest.json`),
    );
    expect((await filesUnder(inConsole(source))).some((f) => f.startsWith('findings/'))).toBe(false);
    expect(await stat(summary.runs[0]?.manifest ?? '')).toBeTruthy();
  });

  it('writes the change feed and the current table under --out as the Lambda does, and DuckDB reads both', async () => {
    // Prepare
    const from = await copyOfExport('lifecycle-from');
    const out = join(dir, 'lifecycle-out');

    // Act
    const r = await runCliInProcess(['deliver', '--from', from, '--out', out]);
    runs.push(r);

    // Assert
    expect(r.code, r.stderr).toBe(0);
    const files = await filesUnder(inConsole(out));
    expect(files.filter((f) => /^changes\/committed\/dt=[\d-]+\/[\w-]+\.txt$/.test(f))).toHaveLength(2);
    expect(files).toContain('current/committed/current.txt');
    const list = async (file: string) =>
      (await readFile(join(inConsole(out), file), 'utf8')).split('\n').filter((l) => l !== '');
    const currentFiles = await list('current/committed/current.txt');
    const changeFiles = (
      await Promise.all(files.filter((f) => f.startsWith('changes/committed/')).map(list))
    ).flat();
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    const query = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJS();
    const json = (paths: string[]) =>
      `read_json([${paths.map((p) => `'${p}'`).join(',')}], format = 'newline_delimited', compression = 'gzip')`;
    try {
      const byChange = await query(
        `SELECT dataset, change, baseline, count(*)::INTEGER AS n FROM ${json(changeFiles)} GROUP BY ALL ORDER BY ALL`,
      );
      // A first import: every open finding new, every fixed one fixed, all baseline.
      expect(byChange).toEqual([
        { dataset: 'fixed', change: 'fixed', baseline: true, n: expect.any(Number) },
        { dataset: 'vulns', change: 'new', baseline: true, n: expect.any(Number) },
      ]);
      const [current] = await query(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT finding_id)::INTEGER AS ids, count_if(lifecycle_state NOT IN ('open', 'reopened'))::INTEGER AS other FROM ${json(currentFiles)}`,
      );
      const delivered = JSON.parse(r.stdout) as Summary;
      const vulnsRows = delivered.runs.find((x) => x.dataset === 'vulns')?.rows ?? 0;
      const [fixedIds] = await query(
        `SELECT count(DISTINCT finding_id)::INTEGER AS n FROM ${json(changeFiles)} WHERE change = 'fixed' AND finding_id IN (SELECT finding_id FROM ${json(changeFiles)} WHERE change = 'new')`,
      );
      // Open now: every delivered open finding, less those the fixed run says were fixed after.
      expect(current).toEqual({ n: current?.ids, ids: expect.any(Number), other: 0 });
      expect(current?.n).toBeLessThanOrEqual(vulnsRows);
      expect(current?.n).toBeGreaterThanOrEqual(vulnsRows - (fixedIds?.n as number));
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it('--ocsf also writes every delivered run as committed OCSF Parquet, row for row', async () => {
    const out = await copyOfExport('ocsf');
    const r = await runCliInProcess(['deliver', '--from', out, '--ocsf', '--threads', '1']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Summary;
    const delivered = summary.runs as Array<{
      dataset: string;
      rows: number;
      ocsf?: { manifest: string; rows: number };
    }>;
    expect(delivered.map((run) => run.dataset).sort()).toEqual(['assets', 'fixed', 'vulns']);
    for (const run of delivered) {
      expect(run.ocsf?.rows, run.dataset).toBe(run.rows);
      const manifest = JSON.parse(await readFile(run.ocsf?.manifest ?? '', 'utf8')) as {
        className: string;
        totals: { rows: number };
      };
      expect(manifest.className).toBe(
        run.dataset === 'assets' ? 'device_inventory_info' : 'vulnerability_finding',
      );
      expect(manifest.totals.rows).toBe(run.rows);
    }
    const files = await filesUnder(inConsole(out));
    expect(files.filter((f) => f.startsWith('ocsf/committed/'))).toHaveLength(3);
  });

  it('--ocsf --ocsf-version 1.1.0 writes OCSF 1.1.0, as the Lambda with OCSF_VERSION=1.1.0', async () => {
    const out = await copyOfExport('ocsf-1.1.0');
    const r = await runCliInProcess([
      'deliver',
      '--from',
      out,
      '--ocsf',
      '--ocsf-version',
      '1.1.0',
      '--threads',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const runs = (JSON.parse(r.stdout) as Summary).runs as Array<{ ocsf?: { manifest: string } }>;
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      const manifest = JSON.parse(await readFile(run.ocsf?.manifest ?? '', 'utf8')) as {
        ocsfVersion: string;
      };
      expect(manifest.ocsfVersion).toBe('1.1.0');
    }
  });

  it('exits 3 with one line naming a missing manifest and the fix', async () => {
    const missing = join(
      inConsole(exported),
      'raw/dataset=vulns/dt=2026-01-01/run=20260101T000000Z-nope/_manifest.json',
    );

    const r = await runCliInProcess(['deliver', '--from', missing]);

    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: Cannot deliver .*_manifest\.json: it does not exist .*Fix: /);
  });

  it('exits 5 when a write fails after parts were written, and the same command then delivers the run', async () => {
    // Prepare: a directory where the second findings part of vulns must go, so storing it fails.
    const out = await copyOfExport('partial');
    const [list] = (await filesUnder(inConsole(out))).filter((f) =>
      f.startsWith('raw/committed/dataset=vulns/'),
    );
    const [, dt, runId] = /dt=([^/]+)\/(.+)\.txt$/.exec(list ?? '') ?? [];
    const blocked = join(inConsole(out), `findings/dataset=vulns/dt=${dt}/run=${runId}/part-00001.ndjson.gz`);
    await mkdir(join(blocked, 'in-the-way'), { recursive: true });

    // Act
    const failed = await runCliInProcess(['deliver', '--from', out, '--dataset', 'vulns', '--threads', '1']);
    await rm(blocked, { recursive: true });
    const again = await runCliInProcess(['deliver', '--from', out, '--dataset', 'vulns', '--threads', '1']);

    // Assert
    expect(failed.code, failed.stderr).toBe(5);
    expect(failed.stderr).toMatch(
      /part-00001\.ndjson\.gz.*Nothing of this run is committed.*rerun the same command/,
    );
    expect(failed.stdout).toBe('');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).runs).toEqual([
      expect.objectContaining({ dataset: 'vulns', runId, status: 'delivered', rawRows: 4000 }),
    ]);
  });

  it('exits 3 on a corrupt raw part, naming it, with nothing committed', async () => {
    // Prepare: flip the bytes of the first raw part of vulns.
    const out = await copyOfExport('corrupt');
    const [part] = (await filesUnder(inConsole(out))).filter((f) =>
      /^raw\/dataset=vulns\/.*part-00000/.test(f),
    );
    const bytes = await readFile(join(inConsole(out), part ?? ''));
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
    await writeFile(join(inConsole(out), part ?? ''), bytes);

    // Act
    const r = await runCliInProcess(['deliver', '--from', out, '--dataset', 'vulns']);

    // Assert
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`Raw part ${join(inConsole(out), part ?? '')} is not what its manifest`);
    expect(r.stderr).toContain("Fix: restore the part's earlier version");
    expect((await filesUnder(inConsole(out))).some((f) => f.startsWith('findings/committed/'))).toBe(false);
  });

  describe('with S3', () => {
    let s3: LocalS3;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      s3 = await startS3('deliver-bucket');
      env = {
        ...s3.environment(),
      };
      const client = s3.client();
      for (const file of (await filesUnder(inConsole(exported))).filter((f) => f.startsWith('raw/'))) {
        await client.send(
          new PutObjectCommand({
            Bucket: s3.bucket,
            Key: `sc2aws/console=default/${file}`,
            Body: await readFile(join(inConsole(exported), file)),
          }),
        );
      }
    });
    afterAll(async () => {
      await s3.close();
    });

    // On the Lambda's Node as well: the S3 SDK's streams, read and written from worker threads.
    it('delivers an s3:// raw manifest beside its raw run, with the bytes of a local delivery', {
      tags: ['runtime'],
    }, async () => {
      // Prepare
      const local = await copyOfExport('s3-reference');
      expect((await runCliInProcess(['deliver', '--from', local, '--dataset', 'vulns'])).code).toBe(0);
      const [list] = (await filesUnder(inConsole(exported))).filter((f) =>
        f.startsWith('raw/committed/dataset=vulns/'),
      );
      const [, dt, runId] = /dt=([^/]+)\/(.+)\.txt$/.exec(list ?? '') ?? [];
      const key = `raw/dataset=vulns/dt=${dt}/run=${runId}/_manifest.json`;

      // Act
      const r = await runSc2aws(
        ['deliver', '--from', `s3://${s3.bucket}/sc2aws/console=default/${key}`, '--threads', '2'],
        env,
      );
      runs.push(r);

      // Assert
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as Summary;
      expect([summary.out, summary.consoleId]).toEqual([`s3://${s3.bucket}/sc2aws`, 'default']);
      expect(summary.runs[0]?.manifest).toBe(
        `s3://${s3.bucket}/sc2aws/console=default/findings/dataset=vulns/dt=${dt}/run=${runId}/_manifest.json`,
      );
      const client = s3.client();
      const reference = await delivered(inConsole(local));
      expect(reference.size).toBeGreaterThan(2);
      for (const [file, expected] of reference) {
        const got = await client.send(
          new GetObjectCommand({
            Bucket: s3.bucket,
            Key: `sc2aws/console=default/${file}`,
          }),
        );
        const body = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
        if (file.endsWith('_manifest.json')) {
          // In a bucket a manifest names its bucket and each key as it stands there, prefix included.
          const local = JSON.parse(Buffer.from(expected, 'base64').toString('utf8'));
          expect(JSON.parse(body.toString('utf8')), file).toEqual(
            inBucket(local, s3.bucket, 'sc2aws/console=default/'),
          );
          continue;
        }
        const actual = file.includes('/committed/')
          ? body.toString('utf8').replaceAll(`s3://${s3.bucket}/sc2aws/console=default`, '<root>')
          : body.toString('base64');
        expect(actual, file).toBe(expected);
      }
    });

    // On the Lambda's Node as well: what a refused connection looks like to the SDK there.
    it('exits 3 on a missing s3:// manifest and 4 when S3 cannot be reached', {
      tags: ['runtime'],
    }, async () => {
      const key = 'raw/dataset=vulns/dt=2026-01-01/run=20260101T000000Z-nope/_manifest.json';

      const address = `s3://${s3.bucket}/sc2aws/console=default/${key}`;
      const missing = await runSc2aws(['deliver', '--from', address], env);
      const unreachable = await runSc2aws(['deliver', '--from', address], {
        ...env,
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
      });

      expect(missing.code).toBe(3);
      expect(missing.stderr).toMatch(/it does not exist/);
      expect(unreachable.code).toBe(4);
      expect(unreachable.stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  });
});
