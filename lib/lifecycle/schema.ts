/**
 * The lifecycle's own objects, parsed on every read (never cast): the root, the partition states
 * and the change runs' manifests. A version other than {@link LIFECYCLE_VERSION} does not parse.
 */
import * as z from 'zod/mini';
import { changeCountsSchema } from '#lib/events';
import { runWindowSchema } from '#lib/product';
import { partInfoSchema } from '#lib/sink';
import { type APPLIED_RUNS_KEPT, CHANGE_TYPES, LIFECYCLE_VERSION, PARTITIONS } from './constants';

const count = z.int().check(z.nonnegative());
const hex32 = z.string().check(z.regex(/^[0-9a-f]{32}$/));
/** ISO-8601 UTC as `Date.prototype.toISOString` writes it: compared as text. */
const isoTime = z.string().check(z.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/));
const datasetSchema = z.enum(['vulns', 'fixed']);

/** Which row the state reflects: the newest in SC's time (see ./finding-state.ts). */
const observationSchema = z.object({
  /** last_seen of an open row, last_mitigated of a fixed one; '' when SC sent none. */
  time: z.string(),
  kind: z.enum(['open', 'fixed']),
  /** Of the tracked fields (./digest.ts). */
  digest: z.string(),
  runId: z.string(),
});
export type Observation = z.infer<typeof observationSchema>;

/** One finding's state. */
export const findingStateSchema = z.object({
  finding_id: hex32,
  asset_id: hex32,
  state: z.enum(['open', 'reopened', 'fixed']),
  /** SC severity id (0–4) of the newest row, after any recast. */
  severity: z.nullable(z.int()),
  accept_risk: z.nullable(z.boolean()),
  recast_risk: z.nullable(z.boolean()),
  /** SC's own times: the earliest first_seen, the newest last_seen and last_mitigated of any row. */
  first_seen: z.nullable(isoTime),
  last_seen: z.nullable(isoTime),
  last_mitigated: z.nullable(isoTime),
  /** SC's `hasBeenMitigated` on the newest open row. */
  sc_reopened: z.boolean(),
  latest: observationSchema,
  /** The oldest row in SC's time: its run is the run that first delivered the finding. */
  earliest: observationSchema,
  /** The run whose row made the last change (the feed's `source run`). */
  changed_run_id: z.string(),
});
export type FindingState = z.infer<typeof findingStateSchema>;

/**
 * `state/lifecycle/partition=PPP/…json.gz` as written before partitions were stored host by host:
 * the states of one partition's findings in one document. Still read; never written.
 */
export const partitionDocumentSchema = z.object({
  lifecycleVersion: z.literal(LIFECYCLE_VERSION),
  partition: z.int().check(z.nonnegative(), z.lt(PARTITIONS)),
  findings: z.array(findingStateSchema),
});
export type PartitionDocument = z.infer<typeof partitionDocumentSchema>;

/** Where one partition's state and current rows are. */
const partitionObjectsSchema = z.object({
  state: z.string(),
  /** Null when none of its findings is open. */
  current: z.nullable(z.string()),
  findings: count,
  open: count,
  /**
   * The bytes of the index member at the start of `state` (./partition-file.ts). Absent: the state
   * object is one JSON document, as written before partitions were stored host by host.
   */
  index: z.optional(count),
});
export type PartitionObjects = z.infer<typeof partitionObjectsSchema>;

const appliedRunSchema = z.object({
  dataset: datasetSchema,
  runId: z.string(),
  /** The change run's manifest (a key beside the bucket). */
  changes: z.string(),
  generation: count,
  /** The delivered rows it applied: a run of none is no import, and uses up no baseline. */
  rows: count,
});
export type AppliedRun = z.infer<typeof appliedRunSchema>;

/** `state/lifecycle/root.json`: the commit point of the whole state. */
export const lifecycleRootSchema = z.object({
  lifecycleVersion: z.literal(LIFECYCLE_VERSION),
  partitions: z.literal(PARTITIONS),
  /** One more at every commit. */
  generation: count,
  /**
   * The last {@link APPLIED_RUNS_KEPT} runs applied, oldest first: one of them applied again is
   * skipped, not applied twice.
   */
  applied: z.array(appliedRunSchema),
  /**
   * The datasets of which a run with rows was ever applied (kept when its run leaves `applied`).
   * Absent in a root written before the list was bounded, whose `applied` still holds every run.
   */
  imported: z.optional(z.array(datasetSchema)),
  /** Runs that left `applied`, oldest first, to keep it within {@link APPLIED_RUNS_KEPT}. */
  forgotten: z.optional(count),
  /** Partitions that hold findings, by number (decimal text). */
  objects: z.record(z.string(), partitionObjectsSchema),
  /** Objects the last commits replaced, removed two commits later (a reader may still be on them). */
  retired: z.array(z.object({ generation: count, keys: z.array(z.string()) })),
});
export type LifecycleRoot = z.infer<typeof lifecycleRootSchema>;

/**
 * Whether a run of `dataset` is its dataset's first import for this state: no run of it with rows
 * was applied before. The one rule, for a first apply and for a commit after another delivery's.
 */
export function isBaseline(root: LifecycleRoot | undefined, dataset: 'vulns' | 'fixed'): boolean {
  return !importedOf(root).includes(dataset);
}

/** The datasets of which a run with rows was applied, by {@link LifecycleRoot.imported} or the list. */
export function importedOf(root: LifecycleRoot | undefined): ('vulns' | 'fixed')[] {
  const datasets = new Set(root?.imported ?? []);
  for (const a of root?.applied ?? []) if (a.rows > 0) datasets.add(a.dataset);
  return [...datasets].sort();
}

/** The same counts `Findings Changed` carries (one schema for both). */
export { changeCountsSchema };
export type ChangeCounts = z.infer<typeof changeCountsSchema>;

export function zeroCounts(): ChangeCounts {
  return Object.fromEntries(CHANGE_TYPES.map((t) => [t, 0])) as ChangeCounts;
}

/** `changes/dt=…/run=…/_manifest.json`: one run's changes. */
export const changesManifestSchema = z.object({
  /** 2, as the other manifests: part keys are keys in `bucket`, the data prefix included. */
  manifestVersion: z.literal(2),
  kind: z.literal('changes'),
  dataset: datasetSchema,
  runId: z.string(),
  /** The S3 bucket the keys are in; absent for a local directory (keys relative to it). */
  bucket: z.optional(z.string()),
  window: runWindowSchema,
  parts: z.array(partInfoSchema),
  totals: z.object({ parts: count, rows: count, bytes: count, uncompressedBytes: count }),
  createdAt: z.string(),
  details: z.object({
    /** The findings run's manifest the changes come from (a key in `bucket`, as the parts). */
    source: z.string(),
    /** The state's generation this run's commit made. */
    generation: count,
    /** The run was the first of its dataset for this state: its rows are an initial import. */
    baseline: z.boolean(),
    counts: changeCountsSchema,
    /** Rows that changed nothing (seen again as they were, or older than the state). */
    unchanged: count,
    partitionsTouched: count,
  }),
});
export type ChangesManifest = z.infer<typeof changesManifestSchema>;

/** A committed change run, as a delivery reports it (and keeps it while its OCSF phase runs). */
export const lifecycleResultSchema = z.object({
  /** The change run's manifest key (relative to the store) and full address. */
  manifestKey: z.string(),
  manifest: z.string(),
  rows: count,
  counts: changeCountsSchema,
  unchanged: count,
  baseline: z.boolean(),
  generation: count,
  partitionsTouched: count,
  /** Groups applied again because another delivery committed their partitions first. */
  redone: count,
  /** Objects read and written by this run's lifecycle (this invocation's share when it continued). */
  io: z.object({ reads: count, writes: count }),
});
export type LifecycleResult = z.infer<typeof lifecycleResultSchema>;
