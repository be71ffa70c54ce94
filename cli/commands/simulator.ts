import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startSimulator } from '#sim';
import { intFlag, parseFlags } from '../args';
import { CliUsageError, ExitCode } from '../exit-codes';
import type { CliIo, StopSignal } from '../io';

export const SIMULATOR_HELP = `Usage: sc2aws simulator [--port N] [--seed N] [--vulns N] [--fixed N] [--hosts N] [--dir DIR] [--json]

Runs the bundled Tenable SC simulator on https://127.0.0.1 with a CA generated at start, until Ctrl-C.
It writes the CA certificate and the simulator user's API keys to files (keys never go to the terminal).

  --port N     port on 127.0.0.1 (default: a free one)
  --seed N     data seed (default 1); same seed, same data
  --vulns N    open findings (default 5000; up to 5000000, generated on the fly)
  --fixed N    fixed findings (default 1000)
  --hosts N    hosts (default 300)
  --dir DIR    where to write ca.pem and keys (default .sc2aws/simulator)
  --json       print one JSON line {url, caFile, keysFile} instead of the text banner
  -h, --help   this help
`;

const FLAGS = {
  port: { type: 'string' },
  seed: { type: 'string' },
  vulns: { type: 'string' },
  fixed: { type: 'string' },
  hosts: { type: 'string' },
  dir: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `sc2aws simulator`: serves until `stop` resolves; returns the exit code. */
export async function simulatorCommand(argv: string[], io: CliIo, stop: StopSignal): Promise<ExitCode> {
  const flags = parseFlags(argv, FLAGS, 'simulator');
  if (flags.help) {
    io.stdout.write(SIMULATOR_HELP);
    return ExitCode.Ok;
  }
  const port = intFlag('port', flags.port, 0, 65535);
  const seed = intFlag('seed', flags.seed, 0, 2 ** 31 - 1);
  const vulnCount = intFlag('vulns', flags.vulns, 0, 5_000_000);
  const fixedCount = intFlag('fixed', flags.fixed, 0, 5_000_000);
  const hostCount = intFlag('hosts', flags.hosts, 1, 100_000);
  const dir = resolve(flags.dir ?? '.sc2aws/simulator');
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new CliUsageError(
      `Cannot create ${dir} (${(err as NodeJS.ErrnoException).code}). Pass a writable --dir.`,
    );
  }
  const sim = await startSimulator({
    ...(port === undefined ? {} : { port }),
    ...(seed === undefined ? {} : { seed }),
    ...(vulnCount === undefined ? {} : { vulnCount }),
    ...(fixedCount === undefined ? {} : { fixedCount }),
    ...(hostCount === undefined ? {} : { hostCount }),
  });
  try {
    const caFile = resolve(dir, 'ca.pem');
    const keysFile = resolve(dir, 'keys');
    await writeFile(caFile, sim.caPem);
    await writeFile(keysFile, `accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};\n`, {
      mode: 0o600,
    });
    await chmod(keysFile, 0o600);
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ url: sim.url, caFile, keysFile })}\n`);
    } else {
      io.stdout.write(
        `SC simulator listening on ${sim.url}\n  CA certificate: ${caFile}\n  API keys:       ${keysFile}\n\nTry:\n  npx sc2aws validate --url ${sim.url} --keys-file ${keysFile} --ca-file ${caFile}\n\nCtrl-C stops it.\n`,
      );
    }
    await stop;
    return ExitCode.Ok;
  } finally {
    await sim.close();
  }
}
