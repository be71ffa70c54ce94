/**
 * Defaults and fixed vocabularies of lib/findings, in one place.
 */

/**
 * Default cap on `plugin_output`, in UTF-8 bytes. Plugin output is the one unbounded field of a
 * row (software inventories run to megabytes); 8 KiB keeps every useful line of typical outputs
 * while a delivered row stays a few KiB.
 */
export const DEFAULT_PLUGIN_OUTPUT_MAX_BYTES = 8192;

/** A cap above this is a wiring mistake (one row would outgrow a page): 1 MiB. */
export const MAX_PLUGIN_OUTPUT_MAX_BYTES = 1_048_576;

/** SC severity ids 0–4 and their names, used when a row carries an id without a name (reference §3.3). */
export const SEVERITY_NAMES = ['Info', 'Low', 'Medium', 'High', 'Critical'] as const;

/** The `<plugin_output>` wrapper SC puts around `pluginText` (reference §3.3). */
export const PLUGIN_OUTPUT_OPEN = '<plugin_output>';
export const PLUGIN_OUTPUT_CLOSE = '</plugin_output>';

/** Version tags mixed into the identity hashes: changing the canonical form means a new tag. */
export const FINDING_ID_TAG = 'sc2aws/finding/v1';
export const ASSET_ID_TAG = 'sc2aws/asset/v1';

/** Hex characters kept from the sha256 of an identity: 128 bits, collision-free at any SC's scale. */
export const ID_HEX_LENGTH = 32;

/** Largest epoch second a delivered timestamp can hold (9999-12-31T23:59:59Z). */
export const MAX_EPOCH_SECONDS = 253_402_300_799;

/** The Athena table names the rendered DDL uses unless told otherwise. */
export const DEFAULT_FINDINGS_TABLE = 'sc2aws_findings';
export const DEFAULT_ASSETS_TABLE = 'sc2aws_assets';

/** The timestamp text every delivered time uses: `Date.prototype.toISOString`, always UTC, milliseconds. */
export const ISO_TIMESTAMP_JODA_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";
