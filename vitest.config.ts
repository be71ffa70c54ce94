import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { configDefaults, coverageConfigDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files holding the tests whose behaviour depends on the Node runtime, run a second time on the
 * Lambda runtime's Node (`npm run test:lambda-node`): worker threads and what crosses them (structured
 * clone, Buffer's shared pool: Node 24 refused a pooled Buffer transfer with DataCloneError where
 * Node 20 did not), zlib codecs (gzip, and zstd, which only newer Node has), undici, TLS and sockets,
 * the S3 SDK's streams, memory, signals, and the bundle end to end. The rest is plain TypeScript over
 * these and runs once, on the machine's Node.
 *
 * Which tests of these files run there is the `runtime` tag: a whole file (`// @module-tag runtime`)
 * or single tests (`{ tags: ['runtime'] }`) where a file's other tests only repeat the same runtime
 * path with other inputs (the CLI's delivery and signal tests). A file tagged `lambda-node-only` as
 * well runs there only: the bundled demo end to end, whose Node 20 run repeated what the in-process
 * tests already run on Node 20 (its own code is held to Node 20's API by the typecheck: @types/node
 * 20, ES2023). `runtime-dependent-tests.test.ts` keeps the list and the tags in step.
 */
export const RUNTIME_DEPENDENT_TESTS = [
  // Worker threads, structured clone, Buffer pools.
  'test/unit/delivery/part-runner.test.ts',
  'test/integration/delivery-worker-threads.test.ts',
  'test/integration/cli-deliver.test.ts',
  'test/integration/cli-deliver-signals.test.ts',
  // zlib: gzip parts, Parquet codecs.
  'test/unit/sink/part-writer.test.ts',
  'test/integration/ocsf-parquet.test.ts',
  'test/integration/forward-results-ocsf.test.ts',
  // undici, TLS, sockets and timers against a hung or slow SC.
  'test/unit/tenable/client.test.ts',
  'test/unit/tenable/deadline.test.ts',
  'test/unit/simulator/tls.test.ts',
  'test/integration/sc-client.test.ts',
  'test/integration/sc-client-byte-cap.test.ts',
  'test/integration/sc-client-deadline.test.ts',
  'test/integration/sc-client-factory.test.ts',
  'test/integration/pull-analysis-hung-sc.test.ts',
  'test/integration/validate-keys-hung-sc.test.ts',
  // The S3 SDK's multipart streams, memory as an export grows, the bundled demo end to end.
  'test/faults/s3-multipart.test.ts',
  'test/integration/export-memory.test.ts',
  'test/e2e/demo.test.ts',
];

/** The tag of the tests that run again on the Lambda runtime's Node (`--tags-filter=runtime`). */
export const RUNTIME_TAG = 'runtime';

/** The tag of the tests that run on the Lambda runtime's Node only (`--tags-filter='!lambda-node-only'`). */
export const LAMBDA_NODE_ONLY_TAG = 'lambda-node-only';

/** `SC2AWS_TESTS=runtime-dependent`: only {@link RUNTIME_DEPENDENT_TESTS} (the Node 24 pass). */
const runtimeDependentOnly = process.env.SC2AWS_TESTS === 'runtime-dependent';

const included = runtimeDependentOnly ? RUNTIME_DEPENDENT_TESTS : ['test/**/*.test.ts'];
const isUnit = (pattern: string) => pattern.startsWith('test/unit/');

/**
 * The longest files, longest first. Vitest starts the files its results cache knows to be long
 * first, but a fresh clone (CI) has no cache, and the Node 24 pass finds the demo recorded as
 * skipped by the first pass: each time a long file started last and ran alone at the end (the
 * demo's 18 s made the Node 24 pass ~10 s longer).
 */
export const LONGEST_FIRST = [
  'test/e2e/demo.test.ts',
  'test/faults/fault-matrix-aws.test.ts',
  'test/faults/fault-matrix-sc.test.ts',
  'test/deploy/consoles.test.ts',
  'test/integration/cli-deliver.test.ts',
  'test/bench/quick.test.ts',
  'test/integration/consoles.test.ts',
  'test/integration/cli-deliver-signals.test.ts',
  'test/integration/sc-client.test.ts',
  'test/integration/cli-validate.test.ts',
  'test/deploy/serverless-package.test.ts',
  'test/bench/lifecycle.test.ts',
];

/** Vitest's order, with {@link LONGEST_FIRST} moved to the front. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = LONGEST_FIRST.indexOf(relative(this.ctx.config.root, spec.moduleId));
      return at < 0 ? LONGEST_FIRST.length : at;
    };
    return sorted
      .map((spec, at) => ({ spec, at, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.at - b.at)
      .map(({ spec }) => spec);
  }
}

export default defineConfig({
  test: {
    /**
     * Unit tests (plain TypeScript, no servers) share their workers' module cache: each file
     * otherwise re-imports the lib and its dependencies, which took half the unit tests' time.
     * They pass in any order (checked with `--sequence.shuffle`). Every other test keeps a fresh
     * process per file.
     */
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: runtimeDependentOnly ? included.filter(isUnit) : ['test/unit/**/*.test.ts'],
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // The build, once: the CLI, bench and worker-thread tests run the bundles that ship.
          globalSetup: ['test/support/global-setup.ts'],
          include: runtimeDependentOnly ? included.filter((p) => !isUnit(p)) : included,
          exclude: [...configDefaults.exclude, 'test/unit/**'],
        },
      },
    ],
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine, though most
    // of the suite waits on sockets, child processes and worker threads. A worker per core, and at
    // least two, keeps both cores busy; the longest files (the fault matrix, the bench smoke tests)
    // are split or small enough that no single file sets the pace.
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: LongestFirst },
    tags: [
      {
        name: RUNTIME_TAG,
        description:
          "depends on the Node runtime: runs again on the Lambda runtime's Node (npm run test:lambda-node)",
      },
      {
        name: LAMBDA_NODE_ONLY_TAG,
        description: "runs on the Lambda runtime's Node only, not in the first pass (npm test)",
      },
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    coverage: {
      provider: 'v8',
      include: ['lib/**/*.ts', 'simulator/**/*.ts'],
      // Coverage globs match anywhere in a path, so the simulator's own tests would count as simulator code.
      exclude: [...coverageConfigDefaults.exclude, 'test/unit/simulator/**'],
      // A floor under lib/ (the product's core) and the simulator (it ships: `sc2aws simulator`, the
      // demo, the bench), measured on the in-process tests.
      thresholds: { lines: 90, functions: 80, branches: 80, statements: 90 },
    },
  },
});
