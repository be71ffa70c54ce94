import { runCli } from './main';

// Entry point of the `sc2aws` binary (bundled to dist/cli.mjs).
// The first signal asks the command to stop at its next safe point; a second one ends the
// process at once (with the conventional 128 + signal number).
const stop = new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
  const first = (signal: 'SIGINT' | 'SIGTERM') => {
    process.off('SIGINT', first);
    process.off('SIGTERM', first);
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
    resolve(signal);
  };
  process.on('SIGINT', first);
  process.on('SIGTERM', first);
});
const code = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, env: process.env },
  stop,
);
process.exitCode = code;
// Flush and leave even if a handle (e.g. a keep-alive socket) lingers.
setImmediate(() => process.exit(code));
