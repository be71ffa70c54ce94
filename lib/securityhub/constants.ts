/**
 * Security Hub CSPM's contract for `BatchImportFindings`, in one place. The field limits are AWS's
 * service model's (test/support/securityhub/asff-model.json, a test holds these equal to it); the
 * call limits are the user guide's (shared reference "AWS Security Hub (ASFF)").
 */

/** The only ASFF version there is. */
export const ASFF_SCHEMA_VERSION = '2018-10-08';

/** Findings per `BatchImportFindings` call (the model's `BatchImportFindingsRequestFindingList` max). */
export const MAX_FINDINGS_PER_CALL = 100;
/** Bytes of one call's request body: 6 MB, less room for the `{"Findings":[…]}` around the findings. */
export const MAX_CALL_BYTES = 6 * 1000 * 1000 - 1024;
/** Bytes of one finding's JSON: "240 KB"; read as 240 000 so it holds whichever kilobyte AWS means. */
export const MAX_FINDING_BYTES = 240_000;

/** The quota of `BatchImportFindings`: calls a second per account and Region, and its burst. */
export const CALLS_PER_SECOND = 10;
export const CALL_BURST = 30;

/** How often one call is tried when Security Hub throttles it or fails (5xx) before giving up. */
export const MAX_CALL_ATTEMPTS = 8;
/** How often a finding named in `FailedFindings` is sent again before it is reported as failed. */
export const MAX_FINDING_ATTEMPTS = 4;
/** First backoff; doubled on every attempt, with full jitter, capped at {@link MAX_BACKOFF_MS}. */
export const BASE_BACKOFF_MS = 200;
export const MAX_BACKOFF_MS = 20_000;

/** Security Hub deletes a finding not updated for 90 days; an open one is re-sent after this many. */
export const DEFAULT_REFRESH_DAYS = 30;
/** SC severity id below which a finding is not sent (1 = Low: Info findings are not sent). */
export const DEFAULT_SEVERITY_FLOOR = 1;

/** Where ASFF's `Types` put a vulnerability (namespace/category/classifier). */
export const TYPE_VULNERABILITY = 'Software and Configuration Checks/Vulnerabilities';
export const TYPE_CVE = 'Software and Configuration Checks/Vulnerabilities/CVE';

/** Most entries in a FieldMap (`UserDefinedFields`, `ProductFields`, `Resources[].Details.Other`). */
export const FIELD_MAP_MAX_PAIRS = 50;
export const FIELD_MAP_KEY_MAX = 128;
/** `UserDefinedFields` and `Details.Other` values; `ProductFields` values may be twice as long. */
export const FIELD_MAP_VALUE_MAX = 1024;
export const PRODUCT_FIELD_VALUE_MAX = 2048;

/** The failed findings one `Security Hub Findings Failed` event names (the rest are counted). */
export const MAX_FAILED_IN_EVENT = 50;
