import { createHash } from 'node:crypto';
import * as z from 'zod/mini';

/** A run's time window, as the export state keeps it. */
export const exportWindowSchema = z.object({
  /** Epoch seconds, inclusive. */
  start: z.number(),
  /** Epoch seconds, inclusive: the run's start time. */
  end: z.number(),
});
export type ExportWindow = z.infer<typeof exportWindowSchema>;

/**
 * The next window: `[checkpoint − overlap, now]`, or `[now − lookback, now]` on the first run.
 * The overlap re-reads results SC imported late (scan time is before import time, reference §7.5).
 */
export function nextWindow(
  checkpointEnd: number | undefined,
  now: number,
  overlapSeconds: number,
  lookbackSeconds: number,
): ExportWindow {
  const start =
    checkpointEnd === undefined ? now - lookbackSeconds : Math.min(checkpointEnd - overlapSeconds, now);
  return { start: Math.max(0, start), end: now };
}

/** `YYYY-MM-DD` (UTC) of the window end: the run's `dt=` partition. */
export function partitionDate(window: ExportWindow): string {
  return new Date(window.end * 1000).toISOString().slice(0, 10);
}

/**
 * A run id that is a pure function of (dataset, window), so a retried or resumed run writes the
 * same keys: `20261123T101500Z-<8 hex>`.
 */
export function runIdFor(dataset: string, window: ExportWindow): string {
  const stamp = new Date(window.end * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const hash = createHash('sha256')
    .update(`${dataset}|${window.start}|${window.end}`)
    .digest('hex')
    .slice(0, 8);
  return `${stamp}-${hash}`;
}

export function isoOf(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
