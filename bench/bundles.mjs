// Section 4: each function artifact's size (minified, and gzipped) and its module init time.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { childEnv, lastJsonLine, ROOT, runNode } from './children.mjs';
import { median } from './stats.mjs';

export const FUNCTIONS = ['validate-keys', 'pull-analysis', 'forward-results'];
const PROBE = fileURLToPath(new URL('init-probe.mjs', import.meta.url));

/** What every function's cold start needs to pass its config check; no value reaches the network. */
const INIT_ENV = {
  SC_URL: 'https://sc.example.com',
  SC_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:sc2aws/bench-AbCdEf',
  DATA_BUCKET: 'bench-bucket',
  EVENT_BUS_NAME: 'default',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-not-used',
};

/**
 * The NODE_OPTIONS the deployment gives the functions (serverless.yml, provider environment), so
 * the probes start Node as Lambda does — e.g. `--enable-source-maps`, which reads the .map file.
 */
export async function deployedNodeOptions() {
  const yml = await readFile(join(ROOT, 'serverless.yml'), 'utf8').catch(() => '');
  return /^\s*NODE_OPTIONS:\s*['"]?([^'"\n#]*?)['"]?\s*$/m.exec(yml)?.[1] ?? '';
}

const artifactOf = (ctx, fn) => join(ctx.distDir, 'functions', fn, 'index.mjs');

async function probe(ctx, nodeOptions, fn) {
  const env = childEnv({
    ...INIT_ENV,
    ...(nodeOptions === '' ? {} : { NODE_OPTIONS: nodeOptions }),
    ...(fn === undefined ? {} : { AWS_LAMBDA_FUNCTION_NAME: `sc2aws-${fn}` }),
  });
  const args = fn === undefined ? [PROBE] : [PROBE, artifactOf(ctx, fn)];
  return lastJsonLine(`the init probe for ${fn ?? 'node'}`, await runNode(ctx, args, { env })).ms;
}

/**
 * Sizes: the artifact's bytes as built (minified) and gzipped at zlib's default level. Init: one
 * unmeasured probe each (file cache), then `initReps` rounds of {floor, each function}, all with the
 * deployment's NODE_OPTIONS.
 */
export async function measureBundles(ctx, { initReps }, log) {
  const sizes = {};
  for (const fn of FUNCTIONS) {
    const bytes = await readFile(artifactOf(ctx, fn));
    sizes[fn] = { minifiedBytes: bytes.length, gzipBytes: gzipSync(bytes).length };
  }
  const nodeOptions = await deployedNodeOptions();
  for (const fn of [undefined, ...FUNCTIONS]) await probe(ctx, nodeOptions, fn);
  const runs = { node: [], ...Object.fromEntries(FUNCTIONS.map((fn) => [fn, []])) };
  for (let rep = 0; rep < initReps; rep++) {
    runs.node.push(await probe(ctx, nodeOptions, undefined));
    for (const fn of FUNCTIONS) runs[fn].push(await probe(ctx, nodeOptions, fn));
  }
  const initMs = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, median(list)]));
  log(
    `  init medians: ${Object.entries(initMs)
      .map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`)
      .join(', ')}`,
  );
  return { sizes, initMs, initReps, nodeOptions, runs };
}
