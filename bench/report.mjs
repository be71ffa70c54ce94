// The report: the machine, one markdown table of figures with their goals, and the raw repetitions.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { FUNCTIONS } from './bundles.mjs';
import { ocsfRows } from './ocsf.mjs';
import { LAMBDA_TIMEOUT_SECONDS, LARGE_EXPORT_ROWS } from './options.mjs';
import { securityHubRows } from './securityhub.mjs';
import { fixed, grouped, mb } from './stats.mjs';

/** The goals of issue 9, in one place. Sizes in MB = 10^6 bytes. */
export const GOALS = {
  discardRatio: 0.8,
  s3Ratio: 0.7,
  rssRatio: 1.3,
  rssBytesAtLarge: 200e6,
  minifiedBytes: { 'validate-keys': 1.0e6, 'pull-analysis': 1.5e6, 'forward-results': 1.5e6 },
  initMs: 100,
  /** Delivery rows/s over the export's on the same data (issue 15). */
  deliveryRatio: 0.6,
  /** Lifecycle rows/s over the delivery's on the same run (issue 21). */
  lifecycleRatio: 0.5,
  /** Half of forward-results' default 1024 MB (DESIGN.md: peak RSS within half the memory). */
  lifecycleRssBytes: 512e6,
  /** OCSF rows/s over the delivery's, same run and thread count (issue 22). */
  ocsfRatio: 0.5,
  /** OCSF peak RSS at forward-results' default 1024 MB, a full part per thread (issue 22). */
  ocsfRssBytes: 512e6,
};

function firstMatch(path, pattern) {
  try {
    return pattern.exec(readFileSync(path, 'utf8'))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** What the figures were measured on. */
export function machine() {
  const git = spawnSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' });
  return {
    cpu: firstMatch('/proc/cpuinfo', /^model name\s*:(.*)$/m) ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramBytes: totalmem(),
    node: process.version,
    os: `${firstMatch('/etc/os-release', /^PRETTY_NAME="?([^"\n]*)"?$/m) ?? process.platform} (kernel ${release()})`,
    commit: git.status === 0 ? git.stdout.trim() : 'unknown',
    loadAverage: loadavg(),
  };
}

const verdict = (ok) => (ok === undefined ? '—' : ok ? '✅ met' : '❌ missed');
const row = (cells) => `| ${cells.join(' | ')} |`;

function throughputRows(t) {
  const rate = (kind) => `${grouped(t.rowsPerSecond[kind])} rows/s`;
  const ratio = (sink) => `${fixed(t.ratio[sink], 2)}×`;
  return [
    row([
      `Transfer limit (${grouped(t.rows)} rows, page ${t.pageSize}, TLS, bodies discarded unparsed)`,
      `${rate('limit')} · ${fixed(mb(t.limitBytesPerSecond), 1)} MB/s`,
      'the ceiling',
      '—',
    ]),
    row([
      'Export → discarding sink (`--out discard:`)',
      `${rate('discard')} · ${ratio('discard')} limit`,
      `≥ ${GOALS.discardRatio}× limit`,
      verdict(t.ratio.discard >= GOALS.discardRatio),
    ]),
    row(['Export → local directory', `${rate('dir')} · ${ratio('dir')} limit`, '—', '—']),
    row([
      'Export → s3rver',
      `${rate('s3')} · ${ratio('s3')} limit`,
      `≥ ${GOALS.s3Ratio}× limit`,
      verdict(t.ratio.s3 >= GOALS.s3Ratio),
    ]),
  ];
}

function memoryRows(m) {
  const reachesLarge = m.sizes.at(-1).rows >= LARGE_EXPORT_ROWS;
  const out = m.sizes.map((s) => {
    const isLarge = s === m.sizes.at(-1) && reachesLarge;
    const gnu = Number.isFinite(s.timeRssBytes) ? ` (GNU time ${fixed(mb(s.timeRssBytes), 0)} MB)` : '';
    return row([
      `Peak RSS, export of ${grouped(s.rows)} rows → ${m.sink}`,
      `${fixed(mb(s.peakRssBytes), 0)} MB${gnu}`,
      isLarge ? `< ${mb(GOALS.rssBytesAtLarge)} MB` : '—',
      isLarge ? verdict(s.peakRssBytes < GOALS.rssBytesAtLarge) : '—',
    ]);
  });
  const [big, small] = m.ratio.of.split('/').map((n) => grouped(Number(n)));
  out.push(
    row([
      `Peak RSS ratio ${big} / ${small} rows`,
      `${fixed(m.ratio.value, 2)}×`,
      `≤ ${GOALS.rssRatio}× (1M / 10k)`,
      reachesLarge ? verdict(m.ratio.value <= GOALS.rssRatio) : 'not judged: 1M not run',
    ]),
  );
  if (!reachesLarge) {
    out.push(
      row([`Peak RSS, export of 1 000 000 rows`, 'not run', `< ${mb(GOALS.rssBytesAtLarge)} MB`, '—']),
    );
  }
  return out;
}

function deliveryRows(d) {
  const exportRate = d.exportRowsPerSecond;
  const out = [
    row([
      `Export → local directory, the data delivered below (${grouped(d.rows)} rows, median of ${d.reps})`,
      `${grouped(exportRate)} rows/s`,
      '—',
      '—',
    ]),
  ];
  for (const threads of d.threadCounts) {
    const rate = d.deliveryRowsPerSecond[threads];
    out.push(
      row([
        `Delivery (\`sc2aws deliver --threads ${threads}\`: as forward-results at ~${grouped(threads * 1769)} MB${threads > 1 ? ', one thread per core here' : ''}) of that run`,
        `${grouped(rate)} rows/s · ${fixed(rate / exportRate, 2)}× export`,
        `≥ ${GOALS.deliveryRatio}× export`,
        verdict(rate / exportRate >= GOALS.deliveryRatio),
      ]),
    );
  }
  for (const threads of d.threadCounts) {
    const rate = d.ocsfRowsPerSecond?.[threads];
    if (rate === undefined) continue;
    const rss = d.ocsfPeakRssBytes[threads];
    out.push(
      row([
        `OCSF (\`sc2aws deliver --redeliver --ocsf --threads ${threads}\` of that run: its OCSF phase, files made, stored and committed, beside the same process's delivery before it)`,
        `${grouped(rate)} rows/s · ${fixed(d.ocsfRatio[threads], 2)}× the delivery's ${grouped(d.ocsfDeliveryRowsPerSecond[threads])} rows/s`,
        `≥ ${GOALS.ocsfRatio}× delivery`,
        verdict(d.ocsfRatio[threads] >= GOALS.ocsfRatio),
      ]),
      row([
        `OCSF peak RSS, that delivery (--threads ${threads}, AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024, largest of ${d.reps})`,
        `${fixed(mb(rss), 0)} MB`,
        `≤ ${fixed(mb(GOALS.ocsfRssBytes), 0)} MB`,
        verdict(rss <= GOALS.ocsfRssBytes),
      ]),
    );
  }
  const e = d.endToEnd;
  out.push(
    row([
      `End to end: SC rows → delivered findings (export + deliver --threads ${d.threadCounts.at(-1)}, both processes' wall time)`,
      `${grouped(e.rowsPerSecond)} rows/s (${fixed(e.exportWallMs / 1000, 1)} s + ${fixed(e.deliverWallMs / 1000, 1)} s)`,
      '—',
      '—',
    ]),
  );
  for (const threads of d.threadCounts) {
    for (const m of d.memory) {
      const run = m.byThreads.find((r) => r.threads === threads);
      if (run === undefined) continue;
      const gnu = Number.isFinite(run.timeRssBytes) ? ` (GNU time ${fixed(mb(run.timeRssBytes), 0)} MB)` : '';
      out.push(
        row([
          `Peak RSS, delivery of ${grouped(m.rows)} rows (--threads ${threads})`,
          `${fixed(mb(run.peakRssBytes), 0)} MB${gnu} · ${grouped(run.rowsPerSecond)} rows/s`,
          '—',
          '—',
        ]),
      );
    }
  }
  const [small, large] = [d.memory[0], d.memory.at(-1)];
  if (small !== undefined && large !== undefined && small !== large) {
    const ratios = d.threadCounts.map((threads) => {
      const rss = (m) => m.byThreads.find((r) => r.threads === threads)?.peakRssBytes;
      return `${fixed(rss(large) / rss(small), 2)}× (--threads ${threads})`;
    });
    out.push(
      row([
        `Delivery peak RSS ratio ${grouped(large.rows)} / ${grouped(small.rows)} rows`,
        ratios.join(' · '),
        '—',
        '—',
      ]),
    );
  }
  return out;
}

function lifecycleRows(l) {
  const delivery = l.deliveryRowsPerSecond;
  const state = `${grouped(l.state.findings)}-finding state (${grouped(l.state.hosts)} hosts, in ${grouped(l.state.partitions)} partitions)`;
  const mbOf = (bytes) => `${fixed(mb(bytes), 0)} MB`;
  const io = (r) =>
    `objects: ${grouped(r.io.reads)} read, ${grouped(r.io.writes)} written; ${grouped(r.partitionsTouched)} of 4 096 partitions touched`;
  const out = [
    row([
      `Delivery of the run below (\`sc2aws deliver --threads 1 --redeliver\`: the findings phases; its lifecycle is already applied) (${grouped(l.rows)} rows, median of ${l.reps})`,
      `${grouped(delivery)} rows/s (first delivery, lifecycle on an empty state included: ${grouped(l.deliverRowsPerSecond)} rows/s)`,
      '—',
      '—',
    ]),
  ];
  for (const [label, rate, run] of [
    ['an empty state', l.emptyRowsPerSecond, l.empty],
    [`the ${state}`, l.populatedRowsPerSecond, l.populated],
  ]) {
    out.push(
      row([
        `Lifecycle: that run applied to ${label} (applyLifecycle in a fresh process)`,
        `${grouped(rate)} rows/s · ${fixed(rate / delivery, 2)}× delivery · ${io(run)} · ${mbOf(run.peakRssBytes)} peak RSS`,
        `≥ ${GOALS.lifecycleRatio}× delivery`,
        verdict(rate / delivery >= GOALS.lifecycleRatio),
      ]),
    );
  }
  const s = l.small;
  out.push(
    row([
      `Lifecycle: a ${grouped(s.rows)}-row run over ${grouped(s.hosts)} hosts applied to the ${state}: ${grouped(l.state.objects)} state and current objects`,
      `${io(s)} · ${fixed(s.seconds, 1)} s`,
      '∝ the run',
      '—',
    ]),
    row([
      `Lifecycle peak RSS: that run on the ${grouped(l.state.findings)}-finding state`,
      mbOf(s.peakRssBytes),
      `≤ ${mbOf(GOALS.lifecycleRssBytes)}`,
      verdict(s.peakRssBytes <= GOALS.lifecycleRssBytes),
    ]),
  );
  const g = l.large;
  out.push(
    row([
      `Lifecycle: a ${grouped(g.rows)}-row run over ${grouped(g.hosts)} hosts applied to the ${grouped(l.state.findings)}-finding state, invocations stopped after ${l.invocationSeconds} s`,
      `${g.invocations} invocations, ${fixed(g.seconds, 0)} s in all (longest ${fixed(g.longestInvocationSeconds, 0)} s) · ${grouped(g.rowsPerSecond)} rows/s · ${io(g)}`,
      `commits; each invocation ≤ ${LAMBDA_TIMEOUT_SECONDS} s (900 s at 1024 MB's CPU share)`,
      verdict(g.longestInvocationSeconds <= LAMBDA_TIMEOUT_SECONDS),
    ]),
    row([
      `Lifecycle peak RSS: that run, largest invocation`,
      mbOf(g.peakRssBytes),
      `≤ ${mbOf(GOALS.lifecycleRssBytes)}`,
      verdict(g.peakRssBytes <= GOALS.lifecycleRssBytes),
    ]),
  );
  return out;
}

const onNode = (b) => `Node ${b.initNode}${b.initOnLambdaNode ? ", Lambda's runtime" : ''}`;

function bundleRows(b) {
  const out = FUNCTIONS.map((fn) =>
    row([
      `${fn} artifact, minified (gzip)`,
      `${fixed(mb(b.sizes[fn].minifiedBytes), 3)} MB (${fixed(mb(b.sizes[fn].gzipBytes), 3)} MB)`,
      `≤ ${fixed(mb(GOALS.minifiedBytes[fn]), 1)} MB minified`,
      verdict(b.sizes[fn].minifiedBytes <= GOALS.minifiedBytes[fn]),
    ]),
  );
  out.push(
    row([
      `Node start-up, importing nothing (floor; median of ${b.initReps}; ${onNode(b)})`,
      `${fixed(b.initMs.node, 1)} ms`,
      '—',
      '—',
    ]),
  );
  for (const fn of FUNCTIONS) {
    out.push(
      row([
        `${fn} module init: process start → imported (median of ${b.initReps}; ${onNode(b)})`,
        `${fixed(b.initMs[fn], 1)} ms (${fixed(b.initMs[fn] - b.initMs.node, 1)} ms above the floor)`,
        `≤ ${GOALS.initMs} ms`,
        verdict(b.initMs[fn] <= GOALS.initMs),
      ]),
    );
  }
  return out;
}

function details(results) {
  const lines = ['## Repetitions', ''];
  const list = (values, unit, digits = 0) => values.map((v) => fixed(v, digits)).join(', ') + unit;
  if (results.throughput) {
    for (const [kind, runs] of Object.entries(results.throughput.runs)) {
      lines.push(
        `- throughput ${kind}: ${list(
          runs.map((r) => r.rowsPerSecond),
          ' rows/s',
        )}`,
      );
    }
  }
  if (results.memory) {
    for (const s of results.memory.sizes) {
      lines.push(
        `- peak RSS ${s.rows} rows: ${list(
          s.runs.map((r) => mb(r.peakRssBytes)),
          ' MB',
        )}`,
      );
    }
  }
  if (results.delivery) {
    for (const [kind, runs] of Object.entries(results.delivery.runs)) {
      if (kind.startsWith('ocsf-')) {
        const threads = kind.slice(5);
        lines.push(
          `- delivery section, deliver --ocsf --threads ${threads}, OCSF phase: ${list(
            runs.map((r) => r.ocsf.rowsPerSecond),
            ' rows/s',
          )}; peak RSS ${list(
            runs.map((r) => mb(r.peakRssBytes)),
            ' MB',
          )}`,
        );
        continue;
      }
      const label = /^\d+$/.test(kind) ? `deliver --threads ${kind}` : kind;
      lines.push(
        `- delivery section, ${label}: ${list(
          runs.map((r) => r.rowsPerSecond),
          ' rows/s',
        )}`,
      );
    }
  }
  if (results.lifecycle) {
    const { runs, large, state } = results.lifecycle;
    for (const [kind, measured] of Object.entries(runs))
      lines.push(
        `- lifecycle section, ${kind}: ${list(
          measured.map((r) => r.rowsPerSecond),
          ' rows/s',
        )}`,
      );
    lines.push(
      `- lifecycle state built in ${fixed(state.seconds, 0)} s (${fixed(mb(state.bytes), 0)} MB gzip level 1)`,
      `- lifecycle large run, per invocation: ${large.steps
        .map(
          (st) =>
            `${st.status}${st.step ? ` at ${st.step} ${st.next}/${st.groups}` : ''} ${fixed(st.seconds, 0)} s ${fixed(mb(st.peakRssBytes), 0)} MB`,
        )
        .join('; ')}`,
    );
  }
  if (results.bundles) {
    for (const [name, runs] of Object.entries(results.bundles.runs)) {
      lines.push(`- init ${name}: ${list(runs, ' ms', 1)}`);
    }
  }
  return lines;
}

function settingsLine({ settings: s, throughput, memory, bundles, delivery, lifecycle }) {
  const parts = [];
  if (throughput)
    parts.push(`throughput ${grouped(s.rows)} rows × ${s.reps} repetitions, page size ${s.pageSize}`);
  if (memory) parts.push(`RSS at ${s.memSizes.map(grouped).join(', ')} rows → ${s.memSink}`);
  if (bundles) parts.push(`init median of ${s.initReps}`);
  if (delivery)
    parts.push(
      `delivery ${grouped(s.rows)} rows × ${s.reps} repetitions, delivery RSS at ${s.deliveryMemSizes.map(grouped).join(', ')} rows`,
    );
  if (lifecycle)
    parts.push(
      `lifecycle ${grouped(s.rows)} rows × ${s.reps} repetitions, state ${grouped(s.lifecycleState)} findings, runs of ${grouped(s.lifecycleSmallRun)} and ${grouped(s.lifecycleLargeRun)} rows`,
    );
  return parts.length > 0 ? parts.join('; ') : 'no section ran';
}

/** The whole markdown report. */
export function renderReport(results) {
  const { machine: m, settings: s } = results;
  const lines = [
    `# sc2aws benchmark — ${results.startedAt}${s.quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${fixed(m.ramBytes / 2 ** 30, 1)} GiB RAM; Node ${m.node}; ${m.os}.`,
    `Load average at start ${m.loadAverage.map((l) => l.toFixed(2)).join(' ')}, at end ${results.loadAverageAtEnd.map((l) => l.toFixed(2)).join(' ')}. Commit ${m.commit}.`,
    `Settings: ${settingsLine(results)}. Medians throughout; MB = 10^6 bytes.`,
    `Exports and init probes run with \`NODE_OPTIONS=${results.nodeOptions ?? ''}\`, as a default deployment starts the functions.`,
    '',
    row(['Figure', 'Measured', 'Goal', 'Met']),
    row(['---', '---', '---', '---']),
  ];
  if (results.throughput) lines.push(...throughputRows(results.throughput));
  if (results.memory) lines.push(...memoryRows(results.memory));
  if (results.bundles) lines.push(...bundleRows(results.bundles));
  if (results.ocsf) lines.push(...ocsfRows(results.ocsf));
  if (results.delivery) lines.push(...deliveryRows(results.delivery));
  if (results.lifecycle) lines.push(...lifecycleRows(results.lifecycle));
  if (results.securityhub) lines.push(...securityHubRows(results.securityhub, results.delivery));
  for (const [section, message] of Object.entries(results.errors)) {
    lines.push(row([`${section}: FAILED`, message.replaceAll('|', '/').slice(0, 300), '—', '—']));
  }
  lines.push('', ...details(results), '');
  return lines.join('\n');
}
