import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../cli/main';

export const CLI = fileURLToPath(new URL('../../bin/sc2aws.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Sends `signal` to the command once its stderr matches `when` (e.g. its first progress line). */
export interface Interrupt {
  signal: 'SIGINT' | 'SIGTERM';
  when: RegExp;
}

/**
 * Runs the built `sc2aws` binary in a child process and captures everything it prints. Leading
 * arguments that start with `--` before the command are Node options (e.g. a heap cap). With
 * `interrupt`, the signal is sent once stderr shows the awaited line; `afterSignalMs` is how long
 * the command took to exit after it.
 */
export function runSc2aws(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  interrupt?: Interrupt,
): Promise<CliRun & { afterSignalMs: number }> {
  const nodeOptions = args.filter(
    (a, i) => a.startsWith('--') && args.slice(0, i).every((b) => b.startsWith('--')),
  );
  const rest = args.slice(nodeOptions.length);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, CLI, ...rest], {
      env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (interrupt !== undefined && sentAt === 0 && interrupt.when.test(stderr)) {
        sentAt = Date.now();
        child.kill(interrupt.signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, stderr, afterSignalMs: sentAt === 0 ? 0 : Date.now() - sentAt }),
    );
  });
}

/** A stop signal that never fires: for commands run in-process that must not be interrupted. */
const NEVER_STOPPED: Promise<'SIGINT' | 'SIGTERM'> = new Promise(() => {});

/**
 * Runs one CLI command in this process (no build needed), with the AWS region and dummy credentials
 * the SDK clients want, never interrupted, capturing what it prints.
 */
export async function runCliInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    args,
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', ...env },
    },
    NEVER_STOPPED,
  );
  return { code, stdout, stderr };
}
