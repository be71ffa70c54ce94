import { codeOf, ErrorCode, Sc2awsError } from '#lib/errors';

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
  /** An export or a delivery failed after partial writes; rerunning the same command resumes. */
  ExportInterrupted: 5,
  /** Stopped by Ctrl-C (SIGINT) at a safe point: what was stored is kept, the same command resumes. */
  Interrupted: 130,
  /** Stopped by SIGTERM at a safe point, as for {@link ExitCode.Interrupted}. */
  Terminated: 143,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A bad flag or argument, found before anything runs. */
export class CliUsageError extends Sc2awsError {
  constructor(message: string) {
    super(ErrorCode.CliUsage, message);
  }
}

/** An export stopped after writing some parts: they are kept, the checkpoint did not move. */
export class ExportInterruptedError extends Sc2awsError {
  constructor(cause: unknown) {
    super(
      ErrorCode.ExportInterrupted,
      `${(cause as Error).message} The parts written so far are kept and the checkpoint did not move: rerun the same command to resume where it stopped.`,
      { cause },
    );
  }
}

/** A delivery failed after writing some parts: nothing of it is committed, so no table reads them. */
export class DeliveryInterruptedError extends Sc2awsError {
  constructor(cause: unknown) {
    super(
      ErrorCode.DeliveryInterrupted,
      `${(cause as Error).message} Nothing of this run is committed yet (no table reads the parts written so far): rerun the same command to deliver it; it continues from the last saved state and writes the same objects.`,
      { cause },
    );
  }
}

/**
 * The exit code of every error code. A `Record` over the whole set, so a code added to
 * `ErrorCode` without a row here fails the typecheck.
 */
export const EXIT_CODE_BY_ERROR: Record<ErrorCode, ExitCode> = {
  [ErrorCode.CliUsage]: ExitCode.BadInput,
  [ErrorCode.ExportInterrupted]: ExitCode.ExportInterrupted,
  [ErrorCode.DeliveryInterrupted]: ExitCode.ExportInterrupted,
  // `sc2aws deliver` was given a run it cannot deliver: a missing or untrusted manifest, or a raw
  // part whose bytes are not those its manifest recorded. Input, not a transient failure: the same
  // command fails the same way until the run is exported again (or the right manifest named).
  [ErrorCode.RawManifestInvalid]: ExitCode.BadInput,
  [ErrorCode.RawPartCorrupt]: ExitCode.BadInput,
  [ErrorCode.ConfigInvalid]: ExitCode.BadInput,
  [ErrorCode.StateCorrupt]: ExitCode.BadInput,
  [ErrorCode.LayoutLegacy]: ExitCode.BadInput,
  [ErrorCode.ScConfig]: ExitCode.BadInput,
  [ErrorCode.ScInvalidQuery]: ExitCode.BadInput,
  [ErrorCode.SecretFormat]: ExitCode.BadInput,
  [ErrorCode.SecretNotFound]: ExitCode.BadInput,
  [ErrorCode.SecretAccessDenied]: ExitCode.BadInput,
  [ErrorCode.SecretSourceConfig]: ExitCode.BadInput,
  [ErrorCode.SecretUnavailable]: ExitCode.Unreachable,
  [ErrorCode.SecretWriteFailed]: ExitCode.BadInput,
  [ErrorCode.RotationNotEnabled]: ExitCode.BadInput,
  [ErrorCode.KeysWrongUser]: ExitCode.KeysRejected,
  [ErrorCode.ScKeysRejected]: ExitCode.KeysRejected,
  [ErrorCode.ScApiKeysDisabled]: ExitCode.KeysRejected,
  [ErrorCode.ScTokenAndKeys]: ExitCode.KeysRejected,
  [ErrorCode.ScPermissionDenied]: ExitCode.KeysRejected,
  [ErrorCode.ScUnreachable]: ExitCode.Unreachable,
  [ErrorCode.ScTimeout]: ExitCode.Unreachable,
  [ErrorCode.ScTls]: ExitCode.Unreachable,
  [ErrorCode.ScTransient]: ExitCode.Unreachable,
  [ErrorCode.ScProtocol]: ExitCode.Unreachable,
  [ErrorCode.ScPagingStalled]: ExitCode.Unreachable,
  [ErrorCode.ScPagingShort]: ExitCode.Unreachable,
  [ErrorCode.ExportInvocationLimit]: ExitCode.Unreachable,
  [ErrorCode.DeliveryInvocationLimit]: ExitCode.Unreachable,
  [ErrorCode.ScAborted]: ExitCode.Unreachable,
  [ErrorCode.ScDeadline]: ExitCode.Unreachable,
  [ErrorCode.ScRequestRejected]: ExitCode.Unreachable,
  // Storage and event delivery failures: transient or permissions; the run can be repeated.
  [ErrorCode.SinkWriteFailed]: ExitCode.Unreachable,
  [ErrorCode.SinkReadFailed]: ExitCode.Unreachable,
  [ErrorCode.StateConflict]: ExitCode.Unreachable,
  [ErrorCode.EventsPublishFailed]: ExitCode.Unreachable,
  // Raised only inside the Lambdas (events, leases, rotation steps, delivery) or by a wiring
  // mistake: the CLI does not expect them, so they count as unexpected.
  [ErrorCode.EventUnsupported]: ExitCode.Internal,
  [ErrorCode.EventDetailInvalid]: ExitCode.Internal,
  [ErrorCode.ExportLocked]: ExitCode.Internal,
  [ErrorCode.RotationTokenUnknown]: ExitCode.Internal,
  [ErrorCode.RotationTokenNotPending]: ExitCode.Internal,
  [ErrorCode.RotationNothingStaged]: ExitCode.Internal,
  [ErrorCode.RotationKeysAlreadyRejected]: ExitCode.Internal,
  [ErrorCode.RotationUntested]: ExitCode.Internal,
  [ErrorCode.ManifestOutsideDeployment]: ExitCode.Internal,
  [ErrorCode.FindingsRowRejected]: ExitCode.Internal,
  [ErrorCode.FindingsOptionInvalid]: ExitCode.Internal,
  [ErrorCode.OcsfInputCorrupt]: ExitCode.Internal,
  // `sc2aws lifecycle rebuild` found a committed findings run it cannot replay: input, not transient.
  [ErrorCode.FindingsManifestInvalid]: ExitCode.BadInput,
  [ErrorCode.SecurityLakeWriteFailed]: ExitCode.Unreachable,
  [ErrorCode.SecurityHubFindingInvalid]: ExitCode.Internal,
  [ErrorCode.SecurityHubImportFailed]: ExitCode.Unreachable,
  [ErrorCode.Internal]: ExitCode.Internal,
};

/** Maps any thrown value to the exit code the CLI contract promises. */
export function exitCodeFor(err: unknown): ExitCode {
  // The fallback only catches a code forced in with a cast: an undefined exit code would read as success.
  return EXIT_CODE_BY_ERROR[codeOf(err)] ?? ExitCode.Internal;
}
