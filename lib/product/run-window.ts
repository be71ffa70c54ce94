import * as z from 'zod/mini';

/**
 * The time window a run covers on `field` (epoch seconds, both ends inclusive) and as ISO-8601: as
 * the raw and findings manifests record it and `Export Completed` carries it. One schema, so the
 * event's copy of a manifest's window cannot drift from it.
 */
export const runWindowSchema = z.object({
  field: z.string(),
  start: z.number(),
  end: z.number(),
  startIso: z.string(),
  endIso: z.string(),
});
export type RunWindow = z.infer<typeof runWindowSchema>;
