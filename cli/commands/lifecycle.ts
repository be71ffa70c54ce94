import { stat } from 'node:fs/promises';
import { NodeCode } from '#lib/errors';
import {
  CHANGE_TYPES,
  committedFindingsRuns,
  LIFECYCLE_ROOT_KEY,
  type RebuildProgress,
  rebuildLifecycle,
} from '#lib/lifecycle';
import { refuseLegacyLayout } from '#lib/sink';
import { parseFlags } from '../args';
import { CliUsageError, ExitCode } from '../exit-codes';
import type { CliIo, StopSignal } from '../io';
import { keyListerFor } from '../key-listing';
import { stopping } from '../stopping';
import { CONSOLE_FLAGS, consoleFlag, type DataRoot, dataRootFor } from '../stores';

export const LIFECYCLE_REBUILD_HELP = `Usage: sc2aws lifecycle rebuild --from DIR|s3://bucket/prefix [--console ID] [--out DIR|s3://bucket/prefix] [--replace]

Rebuilds one console's finding lifecycle (state/lifecycle/, the current table current/, the change
feed changes/, all under console=<id>/) from its committed vulns and fixed findings runs under
--from, replayed in SC's time order
(window end, then fixed after vulns, then run id). The result is the state the deliveries would
have built run by run. Use it to backfill the lifecycle over runs delivered before it existed, or
after a STATE_CORRUPT error.

The new state is staged beside the old one and takes over in one write of state/lifecycle/root.json:
until then the old state stays whole and live. A stopped or failed rebuild continues when the same
command runs again. Each replayed run's change feed is written again under its own keys (the same
rows as its delivery wrote when runs arrived in SC's time order). No Findings Changed event and no
OCSF output are produced. Pause the deliveries while rebuilding a live bucket: a delivery that
commits meanwhile is replayed too, but makes the rebuild switch again.
Progress goes to stderr; a JSON summary to stdout.

  --from DIR|s3://b/p   the data root the deliveries wrote to (holding console=<id>/findings/)
  --console ID          the console whose lifecycle is rebuilt (default: default)
  --out DIR|s3://b/p    the data root the state goes to, under its console=<id>/ (default: --from)
  --replace             replace an existing state; it is moved to console=<id>/state/lifecycle-replaced/<time>/
                        after the switch (delete that folder once no longer needed)
  -h, --help            this help

AWS credentials, region and endpoint for s3:// come from the environment, as for "sc2aws export".

Exit codes: 0 rebuilt · 3 bad input (missing --from, no committed runs, a state exists without
            --replace, a committed run without a valid manifest) · 4 S3 unreachable or refusing,
            or deliveries kept committing during the switch · 130 / 143 stopped by Ctrl-C / SIGTERM
            (the old state is untouched; rerun to continue)
`;

const FLAGS = {
  ...CONSOLE_FLAGS,
  from: { type: 'string' },
  out: { type: 'string' },
  replace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FIX =
  'Fix: pass the directory or s3://bucket/prefix the deliveries write to (the one holding console=<id>/findings/), and the console with --console.';

/** `--from`: a directory that exists, or s3://bucket/prefix. */
async function sourceFor(from: string, env: NodeJS.ProcessEnv): Promise<DataRoot> {
  if (from === 'discard:' || (/^[a-z][a-z0-9+.-]*:/i.test(from) && !from.startsWith('s3://')))
    throw new CliUsageError(
      `--from "${from.slice(0, 80)}" is neither a directory nor s3://bucket/prefix. ${FIX}`,
    );
  if (!from.startsWith('s3://')) {
    const isDirectory = await stat(from).then(
      (s) => s.isDirectory(),
      (err: NodeJS.ErrnoException) => (err.code === NodeCode.NoSuchFile ? undefined : Promise.reject(err)),
    );
    if (isDirectory !== true)
      throw new CliUsageError(
        `--from ${from.slice(0, 200)} ${isDirectory === undefined ? 'does not exist' : 'is not a directory'}. ${FIX}`,
      );
  }
  return dataRootFor(from, env, '--from');
}

function progressLine(p: RebuildProgress): string {
  const { run, result } = p;
  const counts = CHANGE_TYPES.map((t) => `${result.counts[t]} ${t.replace('_', ' ')}`).join(', ');
  return `${run.dataset} ${run.runId} (${p.index}/${p.of}, window end ${run.window.endIso}): ${counts}, ${result.unchanged} unchanged\n`;
}

/** `sc2aws lifecycle rebuild`: returns the exit code. */
export async function lifecycleRebuildCommand(
  argv: string[],
  io: CliIo,
  stop?: StopSignal,
): Promise<ExitCode> {
  const flags = parseFlags(argv, FLAGS, 'lifecycle rebuild');
  if (flags.help) {
    io.stdout.write(LIFECYCLE_REBUILD_HELP);
    return ExitCode.Ok;
  }
  if (flags.from === undefined)
    throw new CliUsageError(
      'Missing --from: the directory or s3://bucket/prefix holding the delivered findings runs to rebuild from.',
    );
  if (flags.out === 'discard:') throw new CliUsageError('--out discard: cannot hold a lifecycle state.');
  const consoleId = consoleFlag(flags.console);
  const sourceRoot = await sourceFor(flags.from, io.env);
  const outRoot = flags.out === undefined ? sourceRoot : dataRootFor(flags.out, io.env);
  // As the Lambdas: a root from before consoles is moved first (sc2aws migrate-layout).
  await refuseLegacyLayout(sourceRoot.store);
  if (outRoot !== sourceRoot) await refuseLegacyLayout(outRoot.store);
  const source = sourceRoot.console(consoleId);
  const out = outRoot.console(consoleId);
  const listSourceKeys = keyListerFor(sourceRoot.consoleLocation(consoleId), io.env, '--from');
  if (!flags.replace && (await out.store.getText(LIFECYCLE_ROOT_KEY)) !== undefined)
    throw new CliUsageError(
      `${out.store.uri(LIFECYCLE_ROOT_KEY)} exists: ${out.store.location} already holds a finding lifecycle state. Fix: add --replace to replace it (the rebuilt state takes over in one step; the old one is moved to state/lifecycle-replaced/ beside it), or pass --out elsewhere.`,
    );
  const runs = await committedFindingsRuns(source.store, listSourceKeys);
  if (runs.length === 0)
    throw new CliUsageError(
      `${source.store.location} holds no committed vulns or fixed findings run (findings/committed/dataset=vulns|fixed/dt=…/<run>.txt) of the console ${consoleId}, so there is nothing to rebuild from. ${FIX}`,
    );

  const stopped = stopping(
    stop,
    io,
    () => 'stopping after the run being replayed (the old state is untouched)...',
  );
  io.stderr.write(
    `Replaying ${runs.length} committed findings runs of ${source.store.location} into ${out.store.location}...\n`,
  );
  const started = Date.now();
  const outcome = await rebuildLifecycle(
    {
      source: source.store,
      store: out.store,
      listSourceKeys,
      shouldStop: () => stopped.signal.aborted,
      onRun: (p) => {
        io.stderr.write(progressLine(p));
      },
    },
    { replace: flags.replace ?? false },
  );
  io.stdout.write(
    `${JSON.stringify({ from: sourceRoot.store.location, out: outRoot.store.location, consoleId, durationMs: Date.now() - started, ...outcome })}\n`,
  );
  if (outcome.status === 'stopped') {
    io.stderr.write(
      `Stopped after ${outcome.replayed} of ${outcome.runs} runs. The old state is untouched: run the same command again to continue.\n`,
    );
    return stopped.exitCode();
  }
  io.stderr.write(
    `Rebuilt from ${outcome.runs} runs: ${outcome.findings} findings, ${outcome.open} open (generation ${outcome.generation}).\n`,
  );
  const { replaced } = outcome;
  if (replaced !== undefined)
    io.stderr.write(
      replaced.parsed
        ? `The replaced state was moved to ${replaced.movedTo} (${replaced.moved} objects moved, ${replaced.left} left in place); delete it once no longer needed.\n`
        : `The replaced root did not parse, so only it and the current list were kept, in ${replaced.movedTo}; its other objects are left where they were.\n`,
    );
  return ExitCode.Ok;
}
