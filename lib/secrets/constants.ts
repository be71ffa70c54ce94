/**
 * Defaults and fixed names of lib/secrets, in one place.
 */

/** How long a container keeps keys it read from Secrets Manager before asking again: 5 minutes. */
export const DEFAULT_KEY_TTL_MS = 300_000;

/** Secrets Manager's staging label of the version in use. */
export const AWSCURRENT = 'AWSCURRENT';
/** Secrets Manager's staging label of the version a rotation (or `sc2aws keys stage`) is preparing. */
export const AWSPENDING = 'AWSPENDING';
/** Secrets Manager's staging label of the version that was current before the last rotation. */
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** The stage read when a request names neither a stage nor a version id. */
export const DEFAULT_VERSION_STAGE = AWSCURRENT;

/** SC shows an access key and a secret key of 32 hex characters each (tenable-sc-api.md §1.1). */
export const SC_KEY_LENGTH = 32;

/** What replaces key material in text that is about to leave the process. */
export const REDACTED = '[redacted]';

/** Field names longer than this are cut when an error message names them. */
export const MAX_FIELD_NAME_IN_MESSAGE = 32;

/** The fix every format error ends with. */
export const SECRET_FORMAT_FIX =
  'Store the secret as "accesskey=<access key>; secretkey=<secret key>;" (see README, "API keys").';

/** The fix for keys passed in directly (CLI `keys stage`), where there is no secret string. */
export const KEY_PARTS_FIX =
  'Pass the access key and the secret key exactly as Security Center showed them, 32 characters each (see README, "API keys").';
