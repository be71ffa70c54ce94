import { stat } from 'node:fs/promises';
import { NodeCode } from '#lib/errors';
import { consoleFolder } from '#lib/product';
import { migrateToConsoleLayout } from '#lib/sink';
import { parseFlags } from '../args';
import { CliUsageError, ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { keyListerFor } from '../key-listing';
import { CONSOLE_FLAGS, consoleFlag, dataRootFor } from '../stores';

export const MIGRATE_LAYOUT_HELP = `Usage: sc2aws migrate-layout --data DIR|s3://bucket/prefix [--console ID]

Moves a data prefix written before consoles (<prefix>/state/…, <prefix>/raw/…) into the folder of
one console, <prefix>/console=<id>/, where the Lambdas and the CLI now keep each console's data. Until
it has run, the Lambdas refuse that prefix with LAYOUT_LEGACY, and so do export, deliver, lifecycle
rebuild and securityhub.

Copied into console=<id>/: all of state/ (checkpoints, deliveries in flight, the finding lifecycle,
the Security Hub ledger), the current table current/, and every committed list (raw/, findings/,
changes/ and ocsf/ committed/), so the tables keep every past run. Parts and manifests stay where
they are: the committed lists name them by their full addresses. The old state/ objects are removed
last, once everything is copied: an interrupted migration is simply run again, and a migrated prefix
has nothing left to migrate. Stop the schedules (or let no export or delivery run) meanwhile.
Progress goes to stderr; a JSON summary to stdout.

  --data DIR|s3://b/p   the data root (a directory "sc2aws export --out" wrote, or the deployment's
                        s3://<data bucket>/<prefix>)
  --console ID          the console the old data belongs to (default: default, the one console of a
                        single-console deployment)
  -h, --help            this help

AWS credentials, region and endpoint for s3:// come from the environment, as for "sc2aws export".

Exit codes: 0 migrated, or nothing to migrate · 3 bad input (missing --data, no such directory)
            4 S3 unreachable or refusing (rerun to finish)
`;

const FLAGS = {
  ...CONSOLE_FLAGS,
  data: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `sc2aws migrate-layout`: returns the exit code. */
export async function migrateLayoutCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const flags = parseFlags(argv, FLAGS, 'migrate-layout');
  if (flags.help) {
    io.stdout.write(MIGRATE_LAYOUT_HELP);
    return ExitCode.Ok;
  }
  const data = flags.data;
  if (data === undefined)
    throw new CliUsageError('Missing --data (the data root to migrate: a directory, or s3://bucket/prefix).');
  if (data === 'discard:') throw new CliUsageError('--data discard: holds nothing to migrate.');
  const consoleId = consoleFlag(flags.console);
  const root = dataRootFor(data, io.env, '--data');
  // A mistyped directory would otherwise read as "nothing to migrate".
  if (!data.startsWith('s3://')) {
    const isDirectory = await stat(data).then(
      (s) => s.isDirectory(),
      (err: NodeJS.ErrnoException) => (err.code === NodeCode.NoSuchFile ? undefined : Promise.reject(err)),
    );
    if (isDirectory !== true)
      throw new CliUsageError(
        `--data ${data.slice(0, 200)} ${isDirectory === undefined ? 'does not exist' : 'is not a directory'}. Fix: pass the directory or s3://bucket/prefix to migrate.`,
      );
  }
  const started = Date.now();
  let lastLine = 0;
  let copied = 0;
  const outcome = await migrateToConsoleLayout(
    root.store,
    keyListerFor(data, io.env, '--data'),
    consoleId,
    (key) => {
      copied += 1;
      const now = Date.now();
      if (now - lastLine < 1000) return;
      lastLine = now;
      io.stderr.write(`copied ${copied} objects into ${consoleFolder(consoleId)} (last: ${key})\n`);
    },
  );
  io.stderr.write(
    outcome.status === 'migrated'
      ? `Migrated: ${outcome.copied} objects copied into ${root.consoleLocation(consoleId)}, ${outcome.removed} old state objects removed. Exports and deliveries may run again.\n`
      : `Nothing to migrate: ${root.store.location} holds no state from before consoles.\n`,
  );
  io.stdout.write(
    `${JSON.stringify({ data: root.store.location, ...outcome, durationMs: Date.now() - started })}\n`,
  );
  return ExitCode.Ok;
}
