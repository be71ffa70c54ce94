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
export const KEEP_ALIVE_TIMEOUT_MS = 30_000;
/** Only this much of an error body is kept for diagnostics. */
export const MAX_DIAGNOSTIC_BODY_CHARS = 300;
