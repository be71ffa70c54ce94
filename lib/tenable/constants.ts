/** Defaults for the SC client. Every one can be overridden through {@link ScClientOptions}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** SC can take a while to compute a large analysis page before it sends headers (reference §7.1). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 120_000;
/** Longest pause allowed between two chunks of a response body. */
export const DEFAULT_BODY_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_RETRY_BASE_DELAY_MS = 500;
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;
/** Tenable and every mature integration default to 1000 rows a page (reference §4.3). */
export const DEFAULT_PAGE_SIZE = 1000;
export const MIN_PAGE_SIZE = 1;
/** Large pages produced SC's bad counts (PT #823); keep pages well under 10k (reference §7.2). */
export const MAX_PAGE_SIZE = 5000;
export const DEFAULT_CONNECTIONS = 4;
/**
 * Kept back from the invocation's remaining time for what follows a failed SC call: the validation
 * event and metrics, the export's failure record. Under half the smallest export time guard (5 s),
 * so the export's own stop at guard/2 always comes first and the deadline is only the backstop.
 */
export const DEFAULT_DEADLINE_MARGIN_MS = 2_000;
/** An attempt (or a retry's wait plus an attempt) needs at least this long, or it is not started. */
export const MIN_ATTEMPT_MS = 500;
/** How long close() lets requests in flight finish before it cuts them off. */
export const CLOSE_GRACE_MS = 1_000;
/**
 * The most a `/rest/analysis` page may weigh. 1000 rows are ~2.3 MB; long plugin output makes some
 * pages far larger, yet a body past this is a proxy gone wrong, not a page (the pager holds up to
 * three pages at once).
 */
export const DEFAULT_MAX_PAGE_BYTES = 64 * 1024 * 1024;
/** Any other SC answer (current user, system, error pages) is a few kB; past this it is not SC's. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const KEEP_ALIVE_TIMEOUT_MS = 30_000;
/**
 * `GET /rest/system` only names SC's version for the manifest: a hung SC must not spend a run's
 * whole invocation on it (the run then starts without the version).
 */
export const SYSTEM_VERSION_TIMEOUT_MS = 10_000;
/** Only this much of an error body is kept for diagnostics. */
export const MAX_DIAGNOSTIC_BODY_CHARS = 300;
