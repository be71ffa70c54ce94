import { ExitCode } from './exit-codes';
import type { CliIo, StopSignal } from './io';

type Received = 'SIGINT' | 'SIGTERM';

/** Ctrl-C or kill as a command sees it: an abort signal, the signal that came, and its exit code. */
export interface Stopping {
  /** Aborted when the first signal comes. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: Received | undefined;
  /** The exit code of a command that stopped at a safe point: 143 after SIGTERM, else 130. */
  exitCode(): ExitCode;
}

/**
 * Listens for the process's stop signal: says on stderr what the command does now (`says`, after
 * the signal's name) and aborts {@link Stopping.signal}. A second signal is the process's own
 * business (cli/index.ts ends the process at once).
 */
export function stopping(
  stop: StopSignal | undefined,
  io: CliIo,
  says: (received: Received) => string,
): Stopping {
  const cancel = new AbortController();
  let received: Received | undefined;
  void stop?.then((signal) => {
    received = signal;
    io.stderr.write(`${signal}: ${says(signal)}\n`);
    cancel.abort();
  });
  return {
    signal: cancel.signal,
    get received() {
      return received;
    },
    exitCode: () => (received === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted),
  };
}

/** "a second Ctrl-C" or "a second signal": what quits at once after `received`. */
export function secondSignal(received: Received): string {
  return `a second ${received === 'SIGINT' ? 'Ctrl-C' : 'signal'}`;
}
