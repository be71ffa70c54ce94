// Section 3: the export's peak RSS at growing sizes, each export in its own process.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { childEnv, runExport, S3_BUCKET, startS3rver, startSimulator } from './children.mjs';
import { LARGE_EXPORT_ROWS } from './options.mjs';
import { median } from './stats.mjs';

/**
 * For each size, a simulator of exactly that many rows and `memReps` exports of all of them
 * (`memRepsLarge` from {@link LARGE_EXPORT_ROWS} rows on) to `memSink`. Reports the median peak RSS
 * per size, as the export's summary states it and as GNU time saw it.
 */
export async function measureMemory(ctx, { memSizes, memReps, memRepsLarge, memSink, pageSize }, log) {
  const s3 = memSink === 's3' ? await startS3rver(join(ctx.scratch, 's3rver-memory')) : undefined;
  const sizes = [];
  try {
    for (const rows of memSizes) {
      const reps = rows >= LARGE_EXPORT_ROWS ? memRepsLarge : memReps;
      const sim = await startSimulator(ctx, rows, join(ctx.scratch, `sim-memory-${rows}`));
      const runs = [];
      try {
        for (let rep = 0; rep < reps; rep++) {
          const run = await exportTo(ctx, memSink, sim, s3, { pageSize, tag: `${rows}-${rep}` });
          runs.push(run);
          log(
            `  ${rows} rows rep ${rep + 1}/${reps}: peak RSS ${(run.peakRssBytes / 1e6).toFixed(0)} MB, ${Math.round(run.rowsPerSecond)} rows/s`,
          );
        }
      } finally {
        await sim.stop();
      }
      sizes.push({
        rows,
        reps,
        peakRssBytes: median(runs.map((r) => r.peakRssBytes)),
        timeRssBytes: median(runs.map((r) => r.timeRssBytes)),
        rowsPerSecond: median(runs.map((r) => r.rowsPerSecond)),
        runs,
      });
    }
  } finally {
    await s3?.close();
  }
  const smallest = sizes[0];
  const largest = sizes.at(-1);
  return {
    sink: memSink,
    sizes,
    ratio: {
      of: `${largest.rows}/${smallest.rows}`,
      value: largest.peakRssBytes / smallest.peakRssBytes,
    },
  };
}

async function exportTo(ctx, sink, sim, s3, { pageSize, tag }) {
  if (sink === 'discard') return runExport(ctx, sim, 'discard:', { pageSize });
  if (sink === 's3') {
    return runExport(ctx, sim, `s3://${S3_BUCKET}/memory-${tag}`, { pageSize, env: childEnv(s3.env) });
  }
  const dir = join(ctx.scratch, `out-memory-${tag}`);
  try {
    return await runExport(ctx, sim, dir, { pageSize });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
