/** What a command may touch: injected so tests run commands in-process and capture everything. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: NodeJS.ProcessEnv;
}

/** Resolves when the process is asked to stop (Ctrl-C, kill); the simulator command waits on it. */
export type StopSignal = Promise<void>;
