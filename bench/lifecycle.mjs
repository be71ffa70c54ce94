// Section 7: the finding lifecycle (issue 21, point 2). Its rows/s beside the delivery's on the same
// run, applied to an empty and to a populated state; the objects a small run reads and writes in a
// large state; peak RSS there, and a large run applied with continuations as forward-results would.
// Every measurement runs in a fresh child (bench/lifecycle-child.ts, bundled here).
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { childEnv, lastJsonLine, ROOT, runDeliver, runExport, runNode, startSimulator } from './children.mjs';
import { median } from './stats.mjs';

/** Findings a host in the built state; a run's hosts are taken from the state's. */
const PER_HOST = 100;
const ROOT_KEY = 'state/lifecycle/root.json';

/** Bundles the child (lib/ is TypeScript) into the scratch directory. */
async function childScript(scratch) {
  const out = join(scratch, 'lifecycle-child.mjs');
  await build({
    entryPoints: [join(ROOT, 'bench/lifecycle-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  return out;
}

/** The default console's folder of a data root: where `sc2aws export --out` and `deliver` write. */
const consoleDir = (dir) => join(dir, 'console=default');

/** The run info of the one vulns findings run a `sc2aws deliver` wrote into the console folder `dir`. */
async function deliveredRunInfo(dir) {
  const base = join(dir, 'findings', 'dataset=vulns');
  const [dtDir] = await readdir(base);
  const [runDir] = await readdir(join(base, dtDir));
  const source = `findings/dataset=vulns/${dtDir}/${runDir}/_manifest.json`;
  const manifest = JSON.parse(await readFile(join(dir, source), 'utf8'));
  return {
    dataset: 'vulns',
    runId: manifest.runId,
    dt: dtDir.slice('dt='.length),
    window: manifest.window,
    createdAt: manifest.createdAt,
    source,
    parts: manifest.parts,
  };
}

/**
 * Applies `runFile` to the state in `dir` as forward-results would: invocations in fresh processes,
 * each stopping at the first boundary after `seconds` (0: never), the work carried over in a file,
 * until the run is committed (at most `maxInvocations`).
 */
async function applyRun(
  ctx,
  script,
  dir,
  runFile,
  { seconds = 0, groupBytes, boundaries, maxInvocations = 1 } = {},
) {
  const workFile = `${runFile}.work.json`;
  await rm(workFile, { force: true });
  const env = childEnv(ctx.nodeOptions ? { NODE_OPTIONS: ctx.nodeOptions } : {});
  const invocations = [];
  while (invocations.length < maxInvocations) {
    const args = [script, 'apply', dir, runFile, workFile, String(seconds)];
    args.push(groupBytes === undefined ? '' : String(groupBytes));
    if (boundaries !== undefined) args.push(String(boundaries));
    const run = lastJsonLine('applying a run to the lifecycle', await runNode(ctx, args, { env }));
    invocations.push(run);
    if (run.status === 'committed') {
      const last = run;
      const totalSeconds = invocations.reduce((s, r) => s + r.seconds, 0);
      return {
        rows: last.rows,
        invocations: invocations.length,
        seconds: totalSeconds,
        rowsPerSecond: last.rows / totalSeconds,
        longestInvocationSeconds: Math.max(...invocations.map((r) => r.seconds)),
        peakRssBytes: Math.max(...invocations.map((r) => r.peakRssBytes)),
        io: last.io,
        partitionsTouched: last.partitionsTouched,
        counts: last.counts,
        unchanged: last.unchanged,
        steps: invocations.map(({ status, seconds: s, step, next, groups, peakRssBytes }) => ({
          status,
          seconds: s,
          step,
          next,
          groups,
          peakRssBytes,
        })),
      };
    }
  }
  throw new Error(`the run was not committed after ${maxInvocations} invocations`);
}

/** Puts the built state's root back, so every run is applied to the same state. */
const restoreRoot = (dir, root) => writeFile(join(dir, ROOT_KEY), root);

/**
 * Builds the populated state once, then: per repetition, one simulator run exported, delivered,
 * redelivered (lifecycle already applied: the findings phases alone), and applied to an empty and
 * to the populated state; then a small run over few hosts and a large run with continuations, each
 * applied to the populated state.
 */
export async function measureLifecycle(ctx, options, log) {
  const { rows, reps, pageSize, lifecycleState, lifecycleSmallRun, lifecycleLargeRun } = options;
  const script = await childScript(ctx.scratch);
  const stateDir = join(ctx.scratch, 'lifecycle-state');
  const state = lastJsonLine(
    'building the lifecycle state',
    await runNode(ctx, [script, 'build-state', stateDir, String(lifecycleState), String(PER_HOST)]),
  );
  log(
    `  state: ${state.findings} findings, ${state.hosts} hosts, ${state.partitions} partitions, ${(state.bytes / 1e6).toFixed(0)} MB, built in ${state.seconds.toFixed(0)} s`,
  );
  const root = await readFile(join(stateDir, ROOT_KEY));

  const runs = { deliver: [], redeliver: [], empty: [], populated: [] };
  const sim = await startSimulator(ctx, rows, join(ctx.scratch, 'sim-lifecycle'));
  try {
    for (let rep = 0; rep < reps; rep++) {
      const dir = join(ctx.scratch, `out-lifecycle-${rep}`);
      try {
        await runExport(ctx, sim, dir, { pageSize });
        runs.deliver.push(await runDeliver(ctx, dir, { rows, threads: 1 }));
        runs.redeliver.push(await runDeliver(ctx, dir, { rows, threads: 1, redeliver: true }));
        // The lifecycle works in the console's folder, as the delivery kept it there.
        const delivered = consoleDir(dir);
        const info = await deliveredRunInfo(delivered);
        const runFile = join(ctx.scratch, `lifecycle-run-${rep}.json`);
        await writeFile(runFile, JSON.stringify(info));
        // The same delivered run, its lifecycle objects removed: applied to an empty state.
        for (const made of ['state/lifecycle', 'current', 'changes'])
          await rm(join(delivered, made), { recursive: true, force: true });
        runs.empty.push(await applyRun(ctx, script, delivered, runFile));
        await cp(join(delivered, 'findings'), join(stateDir, 'findings'), { recursive: true });
        await restoreRoot(stateDir, root);
        runs.populated.push(await applyRun(ctx, script, stateDir, runFile));
        const [d, e, p] = [runs.redeliver, runs.empty, runs.populated].map((l) => l.at(-1));
        log(
          `  rep ${rep + 1}/${reps}: delivery ${Math.round(d.rowsPerSecond)} rows/s, lifecycle ${Math.round(e.rowsPerSecond)} (empty) / ${Math.round(p.rowsPerSecond)} (populated) rows/s`,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await sim.stop();
  }

  const small = await syntheticRun(ctx, script, stateDir, root, state, lifecycleSmallRun, {});
  log(
    `  ${small.rows} rows over ${small.hosts} hosts: ${small.partitionsTouched} partitions, ${small.io.reads} reads, ${small.io.writes} writes, peak RSS ${(small.peakRssBytes / 1e6).toFixed(0)} MB`,
  );
  const large = await syntheticRun(ctx, script, stateDir, root, state, lifecycleLargeRun, {
    seconds: options.lifecycleInvocationSeconds,
    groupBytes: options.lifecycleGroupBytes,
    boundaries: options.lifecycleInvocationBoundaries,
    maxInvocations: 1000,
  });
  log(
    `  ${large.rows} rows over ${large.hosts} hosts: ${large.invocations} invocations, ${large.seconds.toFixed(0)} s, longest ${large.longestInvocationSeconds.toFixed(0)} s, peak RSS ${(large.peakRssBytes / 1e6).toFixed(0)} MB`,
  );
  const rate = (list) => median(list.map((r) => r.rowsPerSecond));
  return {
    rows,
    reps,
    state,
    deliverRowsPerSecond: rate(runs.deliver),
    deliveryRowsPerSecond: rate(runs.redeliver),
    emptyRowsPerSecond: rate(runs.empty),
    populatedRowsPerSecond: rate(runs.populated),
    empty: runs.empty.at(-1),
    populated: runs.populated.at(-1),
    small,
    large,
    invocationSeconds: options.lifecycleInvocationSeconds,
    runs,
  };
}

/** A generated run of `rows` rows over rows / PER_HOST of the state's hosts, applied to the state. */
async function syntheticRun(ctx, script, stateDir, root, state, rows, applyOptions) {
  const hosts = Math.max(1, Math.ceil(rows / PER_HOST));
  const runFile = join(ctx.scratch, `lifecycle-run-${rows}x${hosts}.json`);
  lastJsonLine(
    `writing a ${rows}-row run`,
    await runNode(ctx, [
      script,
      'write-run',
      stateDir,
      runFile,
      String(rows),
      String(hosts),
      String(state.hosts),
    ]),
  );
  await restoreRoot(stateDir, root);
  return { hosts, ...(await applyRun(ctx, script, stateDir, runFile, applyOptions)) };
}
