// Section 8: Security Hub (issue 24, point 5). ASFF encoding rows/s (read the change run, encode,
// check against AWS's model, batch) beside the lifecycle's on the same rows and beside the
// delivery section's figure when it ran, and what an initial import of 500 000 findings costs in
// time at BatchImportFindings' 10 calls/s: rate-bound, not CPU-bound. Runs in a fresh child
// (bench/securityhub-child.ts, bundled here).
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { childEnv, lastJsonLine, ROOT, runNode } from './children.mjs';
import { fixed, grouped, mb, median } from './stats.mjs';

const row = (cells) => `| ${cells.join(' | ')} |`;

/** BatchImportFindings: findings a call, calls a second (burst 30). */
const PER_CALL = 100;
const CALLS_PER_SECOND = 10;
const BURST = 30;
export const INITIAL_IMPORT = 500_000;

/** Seconds to import `findings` at the quota, with the CPU's encoding rate alongside. */
export function importSeconds(findings, asffRowsPerSecond) {
  const calls = Math.ceil(findings / PER_CALL);
  const rateBound = Math.max(0, calls - BURST) / CALLS_PER_SECOND;
  const cpuBound = findings / asffRowsPerSecond;
  return {
    calls,
    rateBoundSeconds: rateBound,
    encodeSeconds: cpuBound,
    seconds: Math.max(rateBound, cpuBound),
  };
}

export async function measureSecurityHub(ctx, options, log) {
  const script = join(ctx.scratch, 'securityhub-child.mjs');
  await build({
    entryPoints: [join(ROOT, 'bench/securityhub-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  const rows = options.rows;
  const runs = [];
  for (let rep = 0; rep < options.reps; rep += 1) {
    const dir = await mkdtemp(join(ctx.scratch, 'securityhub-'));
    try {
      const env = childEnv(ctx.nodeOptions ? { NODE_OPTIONS: ctx.nodeOptions } : {});
      const prepared = lastJsonLine(
        'making a change run',
        await runNode(ctx, [script, 'prepare', dir, String(rows)], { env }),
      );
      const run = lastJsonLine(
        'encoding a change run as ASFF',
        await runNode(ctx, [script, 'asff', dir, prepared.manifestKey], { env }),
      );
      log(
        `  ${rows} rows: ASFF ${Math.round(run.asffRowsPerSecond)} rows/s, lifecycle ${Math.round(prepared.lifecycleRowsPerSecond)} rows/s`,
      );
      runs.push({ ...prepared, ...run });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const asffRowsPerSecond = median(runs.map((r) => r.asffRowsPerSecond));
  return {
    rows,
    reps: runs.length,
    asffRowsPerSecond,
    lifecycleRowsPerSecond: median(runs.map((r) => r.lifecycleRowsPerSecond)),
    meanCallBytes: median(runs.map((r) => r.meanCallBytes)),
    peakRssBytes: Math.max(...runs.map((r) => r.peakRssBytes)),
    initialImport: { findings: INITIAL_IMPORT, ...importSeconds(INITIAL_IMPORT, asffRowsPerSecond) },
  };
}

/** Section 8 (bench/securityhub.mjs): ASFF rows/s beside the delivery's, and the 500k initial import. */
export function securityHubRows(h, delivery) {
  const deliveryRate = delivery?.deliveryRowsPerSecond?.[1];
  const i = h.initialImport;
  return [
    row([
      `Security Hub: ASFF encoding of a change run (read, encode, check against AWS's model, batch; ${grouped(h.rows)} new findings, median of ${h.reps})`,
      `${grouped(h.asffRowsPerSecond)} rows/s (the lifecycle on the same rows: ${grouped(h.lifecycleRowsPerSecond)} rows/s${deliveryRate === undefined ? '' : `; delivery, 1 thread: ${grouped(deliveryRate)} rows/s`}); ${fixed(h.meanCallBytes / 1e6, 2)} MB a call; peak RSS ${`${fixed(mb(h.peakRssBytes), 0)} MB`}`,
      '—',
      '—',
    ]),
    row([
      `Security Hub: initial import of ${grouped(i.findings)} findings at 10 calls/s (burst 30), 100 a call`,
      `${grouped(i.calls)} calls, ${fixed(i.seconds / 60, 1)} min (rate-bound ${fixed(i.rateBoundSeconds, 0)} s; encoding ${fixed(i.encodeSeconds, 0)} s of CPU)`,
      '—',
      '—',
    ]),
  ];
}
