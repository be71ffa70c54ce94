/**
 * Where a run's lifecycle stands, saved with the delivery's state when an invocation stops, so the
 * next one continues there. Steps: `route` (large runs: rows sorted into groups, part `next`
 * onwards), `apply` (group `next` onwards), `commit` (every group applied).
 */
import * as z from 'zod/mini';
import { partInfoSchema } from '#lib/sink';
import { changeCountsSchema } from './schema';

const count = z.int().check(z.nonnegative());

export const lifecycleWorkSchema = z.object({
  step: z.enum(['route', 'apply', 'commit']),
  next: count,
  groups: count,
  /** Per group: the parts that routed rows into it (large runs only). */
  routed: z.array(z.array(count)),
  /** The run's changes are an initial import (no run of its dataset was applied before). */
  baseline: z.boolean(),
  /**
   * Every partition with rows in the run, by number: the state object it was applied to (`base`)
   * and the objects written (`state` null: the run changed nothing there).
   */
  written: z.record(
    z.string(),
    z.object({
      base: z.nullable(z.string()),
      state: z.nullable(z.string()),
      current: z.nullable(z.string()),
      findings: count,
      open: count,
      /** The index member's bytes in `state` (./partition-file.ts). */
      index: z.optional(count),
    }),
  ),
  /** Groups applied, by number: their change part (none when nothing changed) and counts. */
  applied: z.record(
    z.string(),
    z.object({ part: z.nullable(partInfoSchema), counts: changeCountsSchema, unchanged: count }),
  ),
  /** Groups applied again because another delivery committed their partitions first. */
  redone: count,
  io: z.object({ reads: count, writes: count }),
});
export type LifecycleWork = z.infer<typeof lifecycleWorkSchema>;
