/** Defaults and limits of the simulator, in one place. */

export const DEFAULT_SEED = 1;
export const DEFAULT_VULN_COUNT = 5000;
export const DEFAULT_FIXED_COUNT = 1000;
export const DEFAULT_HOST_COUNT = 300;
export const DEFAULT_REOPENED_RATIO = 0.1;
export const DEFAULT_SPAN_DAYS = 60;

/** Hosts beyond this make the per-filter match tables (hostCount × plugins per host) too big. */
export const MAX_HOST_COUNT = 20_000;
/** Keeps every computed epoch and index well inside exact double arithmetic. */
export const MAX_ROW_COUNT = 100_000_000;

export const SECONDS_PER_DAY = 86_400;
/** A patched row was last seen one scan before the scan that found it fixed. */
export const PATCH_LAG_SECONDS = 3 * SECONDS_PER_DAY;

/** SC answers without `endOffset` are not documented; the simulator serves this many rows then. */
export const DEFAULT_PAGE_WHEN_NO_END = 50;

/** Version reported by GET /rest/system. */
export const SC_VERSION = '6.4.0';
export const SC_BUILD_ID = '202406101455';

/** Request bodies above this size are refused (SC is not meant to receive big bodies). */
export const MAX_BODY_BYTES = 1_000_000;

/** Value that replaces secrets in recorded requests. */
export const REDACTED = '[present]';
