import { runCli } from './main';

// Entry point of the `sc2aws` binary (bundled to dist/cli.mjs).
const stop = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
const code = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, env: process.env },
  stop,
);
process.exitCode = code;
// Flush and leave even if a handle (e.g. a keep-alive socket) lingers.
setImmediate(() => process.exit(code));
