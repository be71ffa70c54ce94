import { CONSOLE_ID } from '#lib/config';
import { takeSenderLease } from '#lib/delivery';
import { createConsoleLogger } from '#lib/logging';
import {
  backfillOpenFindings,
  createSecurityHubSession,
  refreshOpenFindings,
  sendChangeRun,
} from '#lib/securityhub';
import { refuseLegacyLayout } from '#lib/sink';
import { intFlag, parseFlags } from '../args';
import { CliUsageError, ExitCode } from '../exit-codes';
import type { CliIo, StopSignal } from '../io';
import { recordingPublisher } from '../recorded-events';
import { asffTargetFor, SECURITY_HUB_FLAGS, securityHubDeliveryFor } from '../securityhub-output';
import { stopping } from '../stopping';
import { CONSOLE_FLAGS, consoleFlag, dataRootFor } from '../stores';

export const SECURITY_HUB_HELP = `Usage: sc2aws securityhub send --changes PATH|s3://…/console=ID/changes/dt=…/run=…/_manifest.json
       sc2aws securityhub backfill --state DIR|s3://bucket/prefix [--console ID]
       sc2aws securityhub refresh --state DIR|s3://bucket/prefix [--console ID]
         [--asff OUTDIR] [--account ID] [--region R] [--severity-floor N] [--refresh-days N]

Sends to Security Hub CSPM with the code forward-results runs (SECURITY_HUB_OUTPUT=on):
  send      one committed change run ("sc2aws deliver" writes them under console=<id>/changes/);
            its console is the folder it lies in
  backfill  every open finding of the console's state (the current table) that Security Hub was
            never sent: the first import of a state that existed before Security Hub output was on
  refresh   the open findings not updated for --refresh-days (Security Hub deletes findings after 90)
What was sent is kept under console=<id>/state/securityhub/ beside the data, so nothing is sent twice
and CreatedAt / UpdatedAt stay right; Ctrl-C stops between batches and the same command continues.

  --console ID          backfill / refresh: the console (default: default); send: must be the
                        manifest's console if given

  --asff OUTDIR         write one JSON file per BatchImportFindings call ({"Findings": […]}) instead
                        of sending (nothing is recorded as sent)
  --account ID          the account whose custom-integration product receives the findings (default:
                        the caller's, from STS; with --asff 000000000000)
  --region R            Security Hub's Region (default AWS_REGION; with --asff us-east-1)
  --severity-floor N    SC severity id below which a finding is not sent, 0–4 (default 1: not Info)
  --refresh-days N      refresh: findings last sent this many days ago or more, 1–89 (default 30)
  -h, --help            this help

Exit codes: 0 done · 3 bad input · 4 Security Hub or S3 refusing or unreachable
            130 / 143 stopped by Ctrl-C / SIGTERM between batches (rerun to continue)
`;

const FLAGS = {
  ...CONSOLE_FLAGS,
  changes: { type: 'string' },
  state: { type: 'string' },
  asff: { type: 'string' },
  'refresh-days': { type: 'string' },
  ...SECURITY_HUB_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * A change manifest's data root, console and key: `<root>/console=<id>/changes/dt=…/run=…/_manifest.json`
 * (the console unset when the path has no console folder: a layout from before consoles).
 */
function splitChangeManifest(path: string): { root: string; consoleId?: string; key: string } {
  const at = path.lastIndexOf('/changes/dt=');
  if (at < 0 || !/\/changes\/dt=[^/]+\/run=[^/]+\/_manifest\.json$/.test(path))
    throw new CliUsageError(
      `--changes "${path.slice(0, 200)}" is not a change run's manifest (<data root>/console=<id>/changes/dt=<day>/run=<id>/_manifest.json, local or s3://).`,
    );
  const key = path.slice(at + 1);
  const folder = /^(?:(.*)\/)?console=([^/]*)$/.exec(path.slice(0, at));
  if (folder === null) return { root: path.slice(0, at) || '/', key };
  return { root: folder[1] === undefined ? '.' : folder[1] || '/', consoleId: folder[2] as string, key };
}

/** The console of `send` (its manifest's folder; a `--console` naming another is refused) or of `--console`. */
function consoleOf(changes: string | undefined, manifestConsole: string | undefined, flag?: string): string {
  const chosen = flag === undefined ? undefined : consoleFlag(flag);
  if (changes === undefined) return chosen ?? consoleFlag(undefined);
  if (manifestConsole === undefined || !CONSOLE_ID.pattern.test(manifestConsole))
    throw new CliUsageError(
      `--changes "${changes.slice(0, 200)}" is not in a console's folder (<data root>/console=<id>/changes/…).`,
    );
  if (chosen !== undefined && chosen !== manifestConsole)
    throw new CliUsageError(
      `--console ${chosen} disagrees with --changes, a change run of the console "${manifestConsole}". Fix: leave --console out, or pass a change run of the console ${chosen}.`,
    );
  return manifestConsole;
}

/** `sc2aws securityhub send|backfill|refresh`: returns the exit code. */
export async function securityHubCommand(argv: string[], io: CliIo, stop?: StopSignal): Promise<ExitCode> {
  const [action, ...rest] = argv;
  const flags = parseFlags(rest, FLAGS, `securityhub ${action ?? ''}`.trim());
  if (flags.help || action === '--help' || action === '-h' || action === undefined) {
    io.stdout.write(SECURITY_HUB_HELP);
    return action === undefined ? ExitCode.BadInput : ExitCode.Ok;
  }
  if (action !== 'send' && action !== 'backfill' && action !== 'refresh')
    throw new CliUsageError(
      `"sc2aws securityhub" has send, backfill and refresh (got "${action.slice(0, 40)}").`,
    );
  const changes = action === 'send' ? flags.changes : undefined;
  if (action === 'send' && changes === undefined)
    throw new CliUsageError("send needs --changes (a change run's _manifest.json).");
  if (action !== 'send' && flags.state === undefined)
    throw new CliUsageError(`${action} needs --state (the data directory or s3://bucket/prefix).`);
  const where: { root: string; consoleId?: string; key: string } =
    changes === undefined ? { root: flags.state as string, key: '' } : splitChangeManifest(changes);
  const root = dataRootFor(where.root, io.env, changes === undefined ? '--state' : '--changes');
  // As the Lambdas: a root from before consoles is moved first (sc2aws migrate-layout).
  await refuseLegacyLayout(root.store);
  const consoleId = consoleOf(changes, where.consoleId, flags.console);
  const { store } = root.console(consoleId);
  const severityFloor = intFlag('severity-floor', flags['severity-floor'], 0, 4);
  const refreshDays = intFlag('refresh-days', flags['refresh-days'], 1, 89);
  const sending = flags.asff === undefined;
  const target = await asffTargetFor(flags, io.env, sending);
  const { delivery, files } = await securityHubDeliveryFor(
    {
      ...(flags.asff === undefined ? {} : { asffDir: flags.asff }),
      label: action,
      target,
      ...(severityFloor === undefined ? {} : { severityFloor }),
    },
    io.env,
  );

  const logger = createConsoleLogger(io.stderr);
  const { events, published } = recordingPublisher(consoleId);
  const stopped = stopping(
    stop,
    io,
    () => 'stopping after the batch in flight (where it is is saved first)...',
  );
  const shouldStop = () => stopped.signal.aborted;
  const session = createSecurityHubSession({
    ...delivery,
    store,
    logger,
    events,
    shouldStop,
    ...(refreshDays === undefined ? {} : { refreshDays }),
  });
  const lease = sending
    ? await takeSenderLease({
        // The deployment's one sender lease, shared by its consoles (as forward-results takes it).
        store: root.store,
        logger,
        dataset: 'securityhub',
        runId: action,
        owner: `cli-${process.pid}`,
        timeGuardMs: 0,
        shouldStop,
      })
    : undefined;
  if (lease !== undefined && !lease.held) {
    io.stderr.write('Stopped while waiting for another sender to finish.\n');
    return stopped.exitCode();
  }
  let outcome: { status: 'sent' | 'stopped'; counts: object };
  try {
    if (action === 'send') outcome = await sendChangeRun(session, where.key);
    else if (action === 'backfill') outcome = await backfillOpenFindings(session);
    else outcome = await refreshOpenFindings(session);
  } finally {
    if (lease?.held) await lease.release();
  }
  io.stdout.write(
    `${JSON.stringify({
      action,
      consoleId,
      target: session.target,
      ...outcome,
      ...(flags.asff === undefined ? {} : { asffFiles: files.length }),
      events: published.map((e) => e.detailType),
      ...(outcome.status === 'stopped' ? { interrupted: stopped.received ?? 'SIGINT' } : {}),
    })}\n`,
  );
  if (outcome.status === 'sent') return ExitCode.Ok;
  io.stderr.write('Stopped. Where it stood is saved: run the same command again to continue.\n');
  return stopped.exitCode();
}
