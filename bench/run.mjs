// `npm run bench`: the transfer limit, export throughput, peak RSS, bundle sizes, module init, OCSF,
// delivery and the finding lifecycle, side by side in one run (issues 9, 15 and 21). Every measurement runs in fresh child processes; see
// bench/README.md for what each figure means. Exits 1 if a section failed to produce its figures
// (a slow machine is not a failure: goals are reported, never asserted).
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deployedNodeOptions, measureBundles } from './bundles.mjs';
import { benchContext, ROOT } from './children.mjs';
import { measureDelivery } from './delivery.mjs';
import { measureLifecycle } from './lifecycle.mjs';
import { measureMemory } from './memory.mjs';
import { measureOcsf } from './ocsf.mjs';
import { benchOptions, HELP } from './options.mjs';
import { machine, renderReport } from './report.mjs';
import { measureSecurityHub } from './securityhub.mjs';
import { measureThroughput } from './throughput.mjs';

const log = (line) => process.stderr.write(`${line}\n`);

let options;
try {
  options = benchOptions(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err.message}\n\n${HELP}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

if (options.build) {
  log('Building dist/ (scripts/build.mjs; --no-build skips this) …');
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

const startedAt = new Date().toISOString();
const scratch = await mkdtemp(join(tmpdir(), 'sc2aws-bench-'));
const results = { startedAt, settings: options, machine: machine(), errors: {} };
try {
  const ctx = await benchContext({ node: options.node, scratch });
  results.machine.node = ctx.nodeVersion;
  // Exports and init probes start Node as a default deployment starts the functions.
  ctx.nodeOptions = await deployedNodeOptions(scratch);
  results.nodeOptions = ctx.nodeOptions;
  const sections = {
    bundles: () => measureBundles(ctx, options, log),
    throughput: () => measureThroughput(ctx, options, log),
    memory: () => measureMemory(ctx, options, log),
    ocsf: () => measureOcsf(ctx, options, log),
    delivery: () => measureDelivery(ctx, options, log),
    lifecycle: () => measureLifecycle(ctx, options, log),
    securityhub: () => measureSecurityHub(ctx, options, log),
  };
  // Bundles first: the shortest section, and the one least disturbed by what the others leave behind.
  for (const name of ['bundles', 'throughput', 'memory', 'ocsf', 'delivery', 'lifecycle', 'securityhub']) {
    if (!options.sections.includes(name)) continue;
    log(`${name} …`);
    try {
      results[name] = await sections[name]();
    } catch (err) {
      results.errors[name] = err instanceof Error ? err.message : String(err);
      log(`  ${name} failed: ${results.errors[name]}`);
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
results.loadAverageAtEnd = loadavg();

const report = renderReport(results);
const resultsDir = resolve(ROOT, options.resultsDir);
await mkdir(resultsDir, { recursive: true });
// ':' is not allowed in file names everywhere.
const base = join(resultsDir, startedAt.replaceAll(':', '-'));
await writeFile(`${base}.md`, report);
await writeFile(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${report}\nWritten to ${base}.md (and .json).\n`);
process.exitCode = Object.keys(results.errors).length > 0 ? 1 : 0;
