// Module init time of one function artifact, run as a fresh process by bench/bundles.mjs:
//
//   node bench/init-probe.mjs [dist/functions/<fn>/index.mjs]
//
// Importing the artifact runs its cold-start path: config parsed from process.env, logger, metrics
// and SDK clients constructed (nothing is sent; the parent sets a harmless environment). Prints
// {ms}: milliseconds from the process's time origin (its start) to after the import. Without an
// argument it imports nothing: Node's own start-up, the floor under every figure.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const artifact = process.argv[2];
if (artifact !== undefined) {
  const module = await import(pathToFileURL(resolve(artifact)).href);
  if (typeof module.handler !== 'function') throw new Error(`${artifact} exports no handler function`);
}
const ms = performance.now();
process.stdout.write(`${JSON.stringify({ ms })}\n`);
