import { Sc2awsError } from '#lib/errors';

/** The CLI's exit codes: scripts and later issues depend on them, keep them stable. */
export const ExitCode = {
  Ok: 0,
  /** Something unexpected; a bug report is welcome. */
  Internal: 1,
  /** SC rejected the keys, or API keys are disabled on SC. */
  KeysRejected: 2,
  /** Bad input: flags, URL, secret format, files. Nothing was sent to SC. */
  BadInput: 3,
  /** SC unreachable, TLS failure, or transient errors after the retries. */
  Unreachable: 4,
  /** An export failed after partial writes; the checkpoint did not move. */
  ExportInterrupted: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A bad flag or argument, found before anything runs. */
export class CliUsageError extends Sc2awsError {
  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

/** An export stopped after writing some parts: they are kept, the checkpoint did not move. */
export class ExportInterruptedError extends Sc2awsError {
  constructor(cause: unknown) {
    super(
      'EXPORT_INTERRUPTED',
      `${(cause as Error).message} The parts written so far are kept and the checkpoint did not move: rerun the same command to resume where it stopped.`,
      { cause },
    );
  }
}

const BY_CODE: Record<string, ExitCode> = {
  CLI_USAGE: ExitCode.BadInput,
  EXPORT_INTERRUPTED: ExitCode.ExportInterrupted,
  CONFIG_INVALID: ExitCode.BadInput,
  STATE_CORRUPT: ExitCode.BadInput,
  SC_CONFIG: ExitCode.BadInput,
  SC_INVALID_QUERY: ExitCode.BadInput,
  SECRET_FORMAT: ExitCode.BadInput,
  SECRET_NOT_FOUND: ExitCode.BadInput,
  SECRET_ACCESS_DENIED: ExitCode.BadInput,
  SECRET_SOURCE_CONFIG: ExitCode.BadInput,
  SECRET_UNAVAILABLE: ExitCode.Unreachable,
  SECRET_WRITE_FAILED: ExitCode.BadInput,
  ROTATION_NOT_ENABLED: ExitCode.BadInput,
  KEYS_WRONG_USER: ExitCode.KeysRejected,
  SC_KEYS_REJECTED: ExitCode.KeysRejected,
  SC_API_KEYS_DISABLED: ExitCode.KeysRejected,
  SC_TOKEN_AND_KEYS: ExitCode.KeysRejected,
  SC_PERMISSION_DENIED: ExitCode.KeysRejected,
  SC_UNREACHABLE: ExitCode.Unreachable,
  SC_TIMEOUT: ExitCode.Unreachable,
  SC_TLS: ExitCode.Unreachable,
  SC_TRANSIENT: ExitCode.Unreachable,
  SC_PROTOCOL: ExitCode.Unreachable,
  SC_ABORTED: ExitCode.Unreachable,
  SC_REQUEST_REJECTED: ExitCode.Unreachable,
  // Storage and event delivery failures: transient or permissions; the run can be repeated.
  SINK_WRITE_FAILED: ExitCode.Unreachable,
  SINK_READ_FAILED: ExitCode.Unreachable,
  STATE_CONFLICT: ExitCode.Unreachable,
  EVENTS_PUBLISH_FAILED: ExitCode.Unreachable,
};

/** Maps any thrown value to the exit code the CLI contract promises. */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof Sc2awsError) return BY_CODE[err.code] ?? ExitCode.Internal;
  return ExitCode.Internal;
}
