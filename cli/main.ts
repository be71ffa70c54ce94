import { codeOf, Sc2awsError } from '#lib/errors';
import { redactText } from '#lib/logging';
import { PRODUCT_VERSION } from '#lib/product';
import { deliverCommand } from './commands/deliver';
import { exportCommand } from './commands/export';
import { KEYS_STAGE_HELP, keysStageCommand } from './commands/keys-stage';
import { LIFECYCLE_REBUILD_HELP, lifecycleRebuildCommand } from './commands/lifecycle';
import { migrateLayoutCommand } from './commands/migrate-layout';
import { securityHubCommand } from './commands/securityhub';
import { simulatorCommand } from './commands/simulator';
import { validateCommand } from './commands/validate';
import { ExitCode, exitCodeFor } from './exit-codes';
import type { CliIo, StopSignal } from './io';

export const MAIN_HELP = `sc2aws ${PRODUCT_VERSION} — Tenable Security Center to AWS

Usage: sc2aws <command> [flags]

Commands:
  validate    prove SC API keys against GET /rest/currentUser
  keys stage  prove newly generated SC keys, stage them in Secrets Manager, optionally rotate them in
  export      run the pull-analysis job outside Lambda (to a directory or S3)
  deliver     run the forward-results job outside Lambda: deliver or redeliver raw runs as findings
  lifecycle rebuild  rebuild the finding lifecycle state from the delivered findings runs
  securityhub send|backfill|refresh  send change runs or open findings to Security Hub CSPM as ASFF
  migrate-layout  move a data prefix from before consoles into a console's folder (once)
  simulator   run the bundled SC simulator on 127.0.0.1 (HTTPS, generated CA)

Run "sc2aws <command> --help" for a command's flags.
Exit codes: 0 ok · 1 internal error · 2 keys rejected · 3 bad input · 4 SC unreachable/TLS/transient
            5 export or delivery failed after partial writes (rerun to resume)
            130 / 143 export or delivery stopped by Ctrl-C / SIGTERM (rerun to resume)
`;

/**
 * Runs one CLI invocation and returns its exit code. Never throws: every failure becomes one line
 * on stderr (and, with --json, one JSON object on stdout).
 */
export async function runCli(argv: string[], io: CliIo, stop: StopSignal): Promise<ExitCode> {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  try {
    switch (command) {
      case 'validate':
        return await validateCommand(rest, io);
      case 'simulator':
        return await simulatorCommand(rest, io, stop);
      case 'export':
        return await exportCommand(rest, io, stop);
      case 'deliver':
        return await deliverCommand(rest, io, stop);
      case 'securityhub':
        return await securityHubCommand(rest, io, stop);
      case 'migrate-layout':
        return await migrateLayoutCommand(rest, io);
      case 'keys':
        if (rest[0] === 'stage') return await keysStageCommand(rest.slice(1), io);
        if (rest[0] === '--help' || rest[0] === '-h') {
          io.stdout.write(KEYS_STAGE_HELP);
          return ExitCode.Ok;
        }
        io.stderr.write('error: "sc2aws keys" has one subcommand: stage. See "sc2aws keys stage --help".\n');
        return ExitCode.BadInput;
      case 'lifecycle':
        if (rest[0] === 'rebuild') return await lifecycleRebuildCommand(rest.slice(1), io, stop);
        if (rest[0] === '--help' || rest[0] === '-h') {
          io.stdout.write(LIFECYCLE_REBUILD_HELP);
          return ExitCode.Ok;
        }
        io.stderr.write(
          'error: "sc2aws lifecycle" has one subcommand: rebuild. See "sc2aws lifecycle rebuild --help".\n',
        );
        return ExitCode.BadInput;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(MAIN_HELP);
        return command === undefined ? ExitCode.BadInput : ExitCode.Ok;
      case '--version':
      case '-v':
        io.stdout.write(`${PRODUCT_VERSION}\n`);
        return ExitCode.Ok;
      default:
        io.stderr.write(
          `error: unknown command "${command.slice(0, 40)}". Commands: validate, keys stage, export, deliver, lifecycle rebuild, securityhub, migrate-layout, simulator. See "sc2aws --help".\n`,
        );
        return ExitCode.BadInput;
    }
  } catch (err) {
    const code = exitCodeFor(err);
    const known = err instanceof Sc2awsError;
    // Our errors never carry key material; anything else is redacted and reported as a bug.
    const message = known
      ? err.message
      : `unexpected failure: ${redactText(String((err as Error)?.message ?? err))}. Please report it.`;
    io.stderr.write(`error: ${message}\n`);
    if (json) {
      io.stdout.write(`${JSON.stringify({ valid: false, error: { code: codeOf(err), message } })}\n`);
    }
    return code;
  }
}
