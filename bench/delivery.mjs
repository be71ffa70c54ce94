// Section 6: delivery (forward-results' code, run by `sc2aws deliver`) beside the export on the same
// data: rows/s on one thread and on one per core, the OCSF phase's rows/s and peak RSS on the same
// run and thread counts (`deliver --ocsf`), peak RSS at a small and a large run, and the end to end
// figure from SC rows to delivered findings.

import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runDeliver, runExport, startSimulator } from './children.mjs';
import { median } from './stats.mjs';

/**
 * Thread counts to deliver with: one, and one per core here. Lambda gives a vCPU's worth of CPU per
 * 1 769 MB and forward-results runs that many threads, so threads stand for the memory setting.
 */
export const deliveryThreadCounts = () => [...new Set([1, availableParallelism()])];

/** forward-results' default memory: what the OCSF runs' peak RSS is judged against (half of it). */
const OCSF_ENV = { AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' };

/**
 * For `reps` repetitions against one simulator of `rows` rows: an export to a fresh directory,
 * then deliveries of it on each thread count (the first delivers it, the others redeliver: the
 * same work, the same objects), the deliveries' order rotated per repetition so that a change in
 * background load hits each alike. Then, per size of `deliveryMemSizes`, one export and its
 * delivery on each thread count, for their peak RSS.
 */
export async function measureDelivery(ctx, { rows, reps, pageSize, deliveryMemSizes }, log) {
  const threadCounts = deliveryThreadCounts();
  const runs = {
    export: [],
    endToEnd: [],
    ...Object.fromEntries(threadCounts.map((t) => [t, []])),
    ...Object.fromEntries(threadCounts.map((t) => [`ocsf-${t}`, []])),
  };
  const sim = await startSimulator(ctx, rows, join(ctx.scratch, 'sim-delivery'));
  try {
    for (let rep = 0; rep < reps; rep++) {
      const dir = join(ctx.scratch, `out-delivery-${rep}`);
      try {
        const exported = await runExport(ctx, sim, dir, { pageSize });
        runs.export.push(exported);
        log(`  export  rep ${rep + 1}/${reps}: ${Math.round(exported.rowsPerSecond)} rows/s`);
        const order = threadCounts.map((_, i) => threadCounts[(i + rep) % threadCounts.length]);
        for (const [i, threads] of order.entries()) {
          const delivered = await runDeliver(ctx, dir, { rows, threads, redeliver: i > 0 });
          runs[threads].push(delivered);
          log(
            `  deliver --threads ${threads} rep ${rep + 1}/${reps}: ${Math.round(delivered.rowsPerSecond)} rows/s`,
          );
          if (threads === threadCounts.at(-1)) {
            const wallMs = exported.wallMs + delivered.wallMs;
            runs.endToEnd.push({ wallMs, rowsPerSecond: rows / (wallMs / 1000) });
          }
        }
        // The same run again with OCSF output, on each thread count: its OCSF phase beside the
        // delivery above, and its peak RSS as forward-results at its default 1024 MB.
        for (const threads of order) {
          const made = await runDeliver(ctx, dir, {
            rows,
            threads,
            redeliver: true,
            ocsf: true,
            env: OCSF_ENV,
          });
          runs[`ocsf-${threads}`].push(made);
          log(
            `  deliver --ocsf --threads ${threads} rep ${rep + 1}/${reps}: OCSF ${Math.round(made.ocsf.rowsPerSecond)} rows/s (${made.ocsf.files} files), peak RSS ${(made.peakRssBytes / 1e6).toFixed(0)} MB`,
          );
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await sim.stop();
  }
  const memory = [];
  for (const size of deliveryMemSizes) memory.push(await deliveryMemory(ctx, size, pageSize, log));
  const rate = (list) => median(list.map((r) => r.rowsPerSecond));
  return {
    rows,
    reps,
    threadCounts,
    exportRowsPerSecond: rate(runs.export),
    deliveryRowsPerSecond: Object.fromEntries(threadCounts.map((t) => [t, rate(runs[t])])),
    // OCSF rows/s on the same run, same thread count, and the delivery's in the same process
    // before its OCSF phase (a redelivery: the findings phases, as the redeliveries above); the
    // ratio per repetition, then the median.
    ocsfRowsPerSecond: Object.fromEntries(
      threadCounts.map((t) => [t, median(runs[`ocsf-${t}`].map((r) => r.ocsf.rowsPerSecond))]),
    ),
    ocsfDeliveryRowsPerSecond: Object.fromEntries(
      threadCounts.map((t) => [t, median(runs[`ocsf-${t}`].map((r) => r.ocsf.deliveryRowsPerSecond))]),
    ),
    ocsfRatio: Object.fromEntries(
      threadCounts.map((t) => [
        t,
        median(runs[`ocsf-${t}`].map((r) => r.ocsf.rowsPerSecond / r.ocsf.deliveryRowsPerSecond)),
      ]),
    ),
    ocsfPeakRssBytes: Object.fromEntries(
      threadCounts.map((t) => [t, Math.max(...runs[`ocsf-${t}`].map((r) => r.peakRssBytes))]),
    ),
    endToEnd: {
      rowsPerSecond: rate(runs.endToEnd),
      wallMs: median(runs.endToEnd.map((r) => r.wallMs)),
      exportWallMs: median(runs.export.map((r) => r.wallMs)),
      deliverWallMs: median(runs[threadCounts.at(-1)].map((r) => r.wallMs)),
    },
    memory,
    runs,
  };
}

/**
 * One export of `rows` rows, then its delivery on each thread count (the later ones redeliver):
 * each delivery's peak RSS. Memory follows the parts in flight, one per thread plus one being read.
 */
async function deliveryMemory(ctx, rows, pageSize, log) {
  const sim = await startSimulator(ctx, rows, join(ctx.scratch, `sim-delivery-memory-${rows}`));
  const dir = join(ctx.scratch, `out-delivery-memory-${rows}`);
  try {
    await runExport(ctx, sim, dir, { pageSize });
    await sim.stop();
    const byThreads = [];
    for (const [i, threads] of deliveryThreadCounts().entries()) {
      const run = await runDeliver(ctx, dir, { rows, threads, redeliver: i > 0 });
      log(
        `  deliver ${rows} rows --threads ${threads}: peak RSS ${(run.peakRssBytes / 1e6).toFixed(0)} MB, ${Math.round(run.rowsPerSecond)} rows/s`,
      );
      byThreads.push(run);
    }
    return { rows, byThreads };
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
