/**
 * The lifecycle state is split into this many partitions by host: a finding's partition is the
 * first three hex digits of its `asset_id` (a sha256, so hosts spread evenly), and every finding of
 * one host lives in one partition. SC scans host by host, so a run touches the partitions of the
 * hosts it scanned and no others. Fixed for the life of a state: another count needs a rebuild.
 */
export const PARTITIONS = 4096;
export const PARTITION_HEX_DIGITS = 3;

/** The version of the root and partition objects; another version is not read as this one. */
export const LIFECYCLE_VERSION = 1;

/**
 * A run's rows are applied in groups of neighbouring partitions, one group in memory at a time.
 * Rows of a run larger than this (uncompressed) are first routed into per-group work objects.
 */
export const GROUP_TARGET_BYTES = 32 * 1024 * 1024;

/** Partitions of a group worked on at once: each is a few small reads and writes, bound by latency. */
export const PARTITION_CONCURRENCY = 16;

/**
 * The runs the root remembers, newest last. The list is how a rerun or a duplicated event finds
 * its run already applied (and announces it as it was instead of applying it again); without a
 * bound the root, read and written at every commit, would grow by every run for the life of a
 * deployment. 8 192 covers the 14 days an event can wait in a dead-letter queue, for both finding
 * datasets, at a schedule as short as 5 minutes (14 × 288 × 2 = 8 064). A run older than that,
 * delivered again, is found by its change run's entry in the committed list instead.
 */
export const APPLIED_RUNS_KEPT = 8192;

/** How many times one invocation redoes the partitions another delivery changed meanwhile. */
export const MAX_COMMIT_ATTEMPTS = 5;

/**
 * The delivered fields whose change a consumer cares about: a new value of any of them is a
 * `changed` (or `risk_accepted` / `risk_recast`) change. Times (last_seen…) are not among them: a
 * finding seen again as it was is no change.
 */
export const TRACKED_FIELDS = [
  'severity',
  'vpr_score',
  'cvss_v2_base_score',
  'cvss_v3_base_score',
  'cvss_v4_base_score',
  'exploit_available',
  'accept_risk',
  'recast_risk',
  'plugin_output',
] as const;
export type TrackedField = (typeof TRACKED_FIELDS)[number];

/** The change types of the feed. */
export const CHANGE_TYPES = ['new', 'fixed', 'reopened', 'changed', 'risk_accepted', 'risk_recast'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
