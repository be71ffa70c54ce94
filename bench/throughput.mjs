// Sections 1 and 2: the transfer limit and the export's throughput to each sink, for the same data.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  childEnv,
  runExport,
  runTransferLimit,
  S3_BUCKET,
  startS3rver,
  startSimulator,
} from './children.mjs';
import { median } from './stats.mjs';

export const SINKS = ['discard', 'dir', 's3'];

/**
 * Runs the transfer-limit loop and the three exports `reps` times against one simulator of `rows`
 * rows. Repetitions are interleaved (and their order rotated) so that a change in background load
 * hits every kind of run alike. One transfer-limit run first warms the simulator up and is dropped.
 */
export async function measureThroughput(ctx, { rows, reps, pageSize }, log) {
  const sim = await startSimulator(ctx, rows, join(ctx.scratch, 'sim-throughput'));
  const s3 = await startS3rver(join(ctx.scratch, 's3rver'));
  const runs = { limit: [], discard: [], dir: [], s3: [] };
  try {
    await runTransferLimit(ctx, sim, pageSize);
    const kinds = ['limit', ...SINKS];
    for (let rep = 0; rep < reps; rep++) {
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[(k + rep) % kinds.length];
        const result = await runOnce(ctx, kind, sim, s3, { pageSize, rep });
        runs[kind].push(result);
        log(`  ${kind.padEnd(7)} rep ${rep + 1}/${reps}: ${Math.round(result.rowsPerSecond)} rows/s`);
      }
    }
  } finally {
    await sim.stop();
    await s3.close();
  }
  const rowsPerSecond = Object.fromEntries(
    Object.entries(runs).map(([kind, list]) => [kind, median(list.map((r) => r.rowsPerSecond))]),
  );
  return {
    rows,
    reps,
    pageSize,
    limitBytesPerSecond: median(runs.limit.map((r) => r.bytesPerSecond)),
    limitBytes: runs.limit[0]?.bytes,
    rowsPerSecond,
    ratio: Object.fromEntries(SINKS.map((sink) => [sink, rowsPerSecond[sink] / rowsPerSecond.limit])),
    runs,
  };
}

async function runOnce(ctx, kind, sim, s3, { pageSize, rep }) {
  if (kind === 'limit') return runTransferLimit(ctx, sim, pageSize);
  if (kind === 'discard') return runExport(ctx, sim, 'discard:', { pageSize });
  if (kind === 's3') {
    return runExport(ctx, sim, `s3://${S3_BUCKET}/throughput-${rep}`, { pageSize, env: childEnv(s3.env) });
  }
  const dir = join(ctx.scratch, `out-throughput-${rep}`);
  try {
    return await runExport(ctx, sim, dir, { pageSize });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
