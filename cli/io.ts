/** What a command may touch: injected so tests run commands in-process and capture everything. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: NodeJS.ProcessEnv;
}

/**
 * Resolves with the signal's name when the process is asked to stop (Ctrl-C: SIGINT, kill:
 * SIGTERM). The simulator waits on it; an export stops at its next safe point.
 */
export type StopSignal = Promise<'SIGINT' | 'SIGTERM'>;
