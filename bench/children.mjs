// Everything the benchmark measures runs in a fresh child process: the simulator, the exports, the
// transfer-limit loop and the init probes. This file starts them and collects what they print.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// s3rver is a devDependency and ships no types; the benchmark runs from a dev install.
import S3rver from 's3rver';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TRANSFER_LIMIT = fileURLToPath(new URL('transfer-limit.mjs', import.meta.url));

/** Everything since this start is inside any export window (the simulator's data is recent). */
export const SINCE_ISO = '2000-01-01T00:00:00Z';
export const S3_BUCKET = 'bench-bucket';

/** GNU time, when installed, reports a child's peak RSS from outside as a cross-check. */
const GNU_TIME = '/usr/bin/time';
export const hasGnuTime =
  existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

/**
 * What every child needs: the Node binary to run and a private copy of dist/ (a rebuild by someone
 * else during the run, which starts by deleting dist/, cannot pull the files from under it).
 */
export async function benchContext({ node, scratch }) {
  const distDir = join(scratch, 'dist');
  try {
    await cp(join(ROOT, 'dist'), distDir, { recursive: true });
  } catch (err) {
    throw new Error(`cannot copy dist/ (${err.code ?? err.message}); run npm run build first`);
  }
  const version = spawnSync(node, ['-v'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error(`--node ${node} does not run`);
  return { node, nodeVersion: version.stdout.trim(), distDir, cli: join(distDir, 'cli.mjs'), scratch };
}

/**
 * The environment for children: this one without NODE_OPTIONS (a test runner's loaders would
 * slow every start) and without the SDK's Node-version warning.
 */
export function childEnv(extra = {}) {
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

/**
 * Runs `node <args>` to completion. With `timeRssPath`, runs it under GNU time, which writes the
 * child's peak RSS (KiB) there.
 */
export function runNode(ctx, args, { env = childEnv(), timeRssPath } = {}) {
  const [command, argv] =
    timeRssPath !== undefined && hasGnuTime
      ? [GNU_TIME, ['-f', '%M', '-o', timeRssPath, ctx.node, ...args]]
      : [ctx.node, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last line of a child's stdout as JSON, or an error quoting what it said. */
export function lastJsonLine(what, run) {
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.code !== 0 || !line.startsWith('{')) {
    throw new Error(
      `${what} failed (exit ${run.code}): ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`,
    );
  }
  return JSON.parse(line);
}

/** `sc2aws simulator --json` with `vulns` rows, in its own process; `stop()` ends it. */
export async function startSimulator(ctx, vulns, dir) {
  await mkdir(dir, { recursive: true });
  const child = spawn(
    ctx.node,
    [ctx.cli, 'simulator', '--json', '--dir', dir, '--vulns', String(vulns), '--fixed', '0', '--seed', '9'],
    { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise((resolve) => child.on('close', resolve));
  const info = await new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.stdout.on('data', (d) => {
      out += d;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(out.slice(0, newline)));
    });
    child.on('close', (code) =>
      reject(new Error(`the simulator exited (${code}) before it started: ${err.trim()}`)),
    );
  });
  return {
    ...info,
    rows: vulns,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** s3rver on 127.0.0.1 (random port) with the benchmark's bucket, and the env that points the CLI at it. */
export async function startS3rver(directory) {
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: S3_BUCKET }],
  });
  const { port } = await server.run();
  return {
    env: {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    },
    close: () => server.close(),
  };
}

/** One run of the transfer-limit loop against the simulator. */
export async function runTransferLimit(ctx, sim, pageSize) {
  const run = await runNode(ctx, [
    TRANSFER_LIMIT,
    ...['--url', sim.url, '--keys-file', sim.keysFile, '--ca-file', sim.caFile],
    ...['--rows', String(sim.rows), '--page-size', String(pageSize)],
    ...['--since-epoch', String(Date.parse(SINCE_ISO) / 1000), '--severity-floor', '0'],
  ]);
  return lastJsonLine('the transfer-limit loop', run);
}

/**
 * One `sc2aws export` of every row of the simulator to `out` (discard:, a directory, s3://…).
 * Returns rows/s from the export's own duration and its peak RSS (its summary, and GNU time's).
 */
export async function runExport(ctx, sim, out, { pageSize, env: base = childEnv() }) {
  // The export runs with the NODE_OPTIONS a default deployment gives pull-analysis (bench/run.mjs).
  const env = ctx.nodeOptions ? { ...base, NODE_OPTIONS: ctx.nodeOptions } : base;
  const timeRssPath = join(ctx.scratch, `time-${process.hrtime.bigint()}.txt`);
  const started = performance.now();
  const run = await runNode(
    ctx,
    [
      ctx.cli,
      'export',
      ...['--url', sim.url, '--keys-file', sim.keysFile, '--ca-file', sim.caFile, '--out', out],
      ...[
        '--dataset',
        'vulns',
        '--severity-floor',
        '0',
        '--since',
        SINCE_ISO,
        '--page-size',
        String(pageSize),
      ],
    ],
    { env, timeRssPath },
  );
  const wallMs = performance.now() - started;
  const summary = lastJsonLine(`sc2aws export --out ${out}`, run);
  const outcome = summary.datasets?.[0];
  if (outcome?.status !== 'completed' || outcome.rows !== sim.rows) {
    throw new Error(
      `sc2aws export --out ${out} exported ${outcome?.rows} rows (${outcome?.status}), expected ${sim.rows}`,
    );
  }
  return {
    rows: outcome.rows,
    durationMs: summary.durationMs,
    wallMs,
    rowsPerSecond: outcome.rows / (summary.durationMs / 1000),
    peakRssBytes: summary.peakRssBytes,
    timeRssBytes: await gnuTimeRss(timeRssPath),
  };
}

/** The peak RSS GNU time wrote for a child (NaN without GNU time). */
async function gnuTimeRss(path) {
  if (!hasGnuTime) return Number.NaN;
  const kib = Number((await readFile(path, 'utf8')).trim().split('\n').at(-1));
  await rm(path, { force: true });
  return kib * 1024;
}

/**
 * One `sc2aws deliver --from <export directory>` of its single vulns run of `rows` rows, on
 * `threads` threads (`redeliver`: deliver it again; `ocsf`: with OCSF output, whose own rows/s
 * comes from the OCSF phase's time in the summary; `env`: added to the child's environment). Rows/s comes from the delivery's own duration
 * (its summary: from the manifest read to the run committed; process start-up excluded), as the
 * export's does; `wallMs` is the whole process, start-up included.
 */
export async function runDeliver(
  ctx,
  from,
  { rows, threads, redeliver = false, ocsf = false, env: extra = {} },
) {
  const base = childEnv(extra);
  const env = ctx.nodeOptions ? { ...base, NODE_OPTIONS: ctx.nodeOptions } : base;
  const timeRssPath = join(ctx.scratch, `time-${process.hrtime.bigint()}.txt`);
  const started = performance.now();
  const args = [ctx.cli, 'deliver', '--from', from, '--threads', String(threads)];
  if (redeliver) args.push('--redeliver');
  if (ocsf) args.push('--ocsf');
  const run = await runNode(ctx, args, { env, timeRssPath });
  const wallMs = performance.now() - started;
  const summary = lastJsonLine(`sc2aws deliver --from ${from}`, run);
  const delivered = summary.runs?.filter((r) => r.status === 'delivered') ?? [];
  if (delivered.length !== 1 || delivered[0].rawRows !== rows) {
    throw new Error(
      `sc2aws deliver --from ${from} delivered ${JSON.stringify(summary.runs).slice(0, 300)}, expected one run of ${rows} rows`,
    );
  }
  const { durationMs } = delivered[0];
  const made = delivered[0].ocsf;
  if (ocsf && made === undefined) throw new Error(`sc2aws deliver --ocsf --from ${from} wrote no OCSF run`);
  return {
    rows,
    threads: summary.threads,
    durationMs,
    wallMs,
    rowsPerSecond: rows / (durationMs / 1000),
    peakRssBytes: summary.peakRssBytes,
    timeRssBytes: await gnuTimeRss(timeRssPath),
    // With --ocsf: the OCSF phase alone (files made, stored and committed), from the summary.
    ...(made === undefined
      ? {}
      : {
          ocsf: {
            rows: made.rows,
            files: made.files,
            durationMs: made.durationMs,
            rowsPerSecond: made.rows / (made.durationMs / 1000),
            // The same process's delivery before its OCSF phase: the findings phases of that run.
            deliveryRowsPerSecond: rows / ((durationMs - made.durationMs) / 1000),
          },
        }),
  };
}
