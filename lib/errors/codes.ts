/**
 * Every code an sc2aws error carries: one closed set, so callers (the CLI's exit codes, event
 * details, metric dimensions) branch on a type the compiler checks, never on message text or on
 * the shape of a string.
 *
 * The values are a stable contract: they appear in `Key Validation Failed` events, the `code`
 * dimension of `ScErrors`, logs, the CLI's `--json` output and the README. Add codes; never rename
 * or reuse one. Keys are the value in PascalCase (`SC_KEYS_REJECTED` → `ScKeysRejected`).
 *
 * @example
 * ```ts
 * if (isSc2awsError(err) && err.code === ErrorCode.ScKeysRejected) { ... }
 * ```
 */
export const ErrorCode = {
  // Configuration and input: nothing was sent anywhere yet.
  /** A Lambda's environment variable is missing or unusable (lib/config). */
  ConfigInvalid: 'CONFIG_INVALID',
  /** A CLI flag or argument is wrong, found before anything runs. */
  CliUsage: 'CLI_USAGE',
  /** A Lambda received an event it does not handle (pull-analysis, forward-results, validate-keys). */
  EventUnsupported: 'EVENT_UNSUPPORTED',
  /** An sc2aws event's detail does not fit its type's schema (a forged event, or a bug before publishing). */
  EventDetailInvalid: 'EVENT_DETAIL_INVALID',

  // The SC client (lib/tenable).
  /** The base URL or an option is invalid, or SC redirected; nothing was sent. */
  ScConfig: 'SC_CONFIG',
  /** SC refused the API keys (regenerated, deleted, locked user, wrong pair). */
  ScKeysRejected: 'SC_KEYS_REJECTED',
  /** API-key authentication is switched off on the SC server. */
  ScApiKeysDisabled: 'SC_API_KEYS_DISABLED',
  /** The request carried a session token and API keys together (documented 400). */
  ScTokenAndKeys: 'SC_TOKEN_AND_KEYS',
  /** The keys work but the user may not see what was asked for (error 146 on a repository). */
  ScPermissionDenied: 'SC_PERMISSION_DENIED',
  /** SC refused the query itself (unknown filter, bad filter value, bad tool). */
  ScInvalidQuery: 'SC_INVALID_QUERY',
  /** Any other refusal from SC, with SC's own message. */
  ScRequestRejected: 'SC_REQUEST_REJECTED',
  /** 429/5xx/"database is locked"/resets kept happening until the attempts ran out. */
  ScTransient: 'SC_TRANSIENT',
  /** No connection could be made (DNS, refused, connect timeout). */
  ScUnreachable: 'SC_UNREACHABLE',
  /** SC did not answer (headers or body) within the timeout. */
  ScTimeout: 'SC_TIMEOUT',
  /** The TLS handshake failed: unknown CA, wrong host name, expired certificate. */
  ScTls: 'SC_TLS',
  /** The answer was not SC's JSON envelope (HTML page, truncated or non-JSON body), or paging broke. */
  ScProtocol: 'SC_PROTOCOL',
  /** The caller's abort signal, or closing the client, ended the request. */
  ScAborted: 'SC_ABORTED',
  /**
   * Paging made no progress: SC (or a proxy) answers the same rows whatever the offset, full pages
   * bring no new row, or far more pages came than SC's `totalRecords` allows. Stopped, not looped.
   */
  ScPagingStalled: 'SC_PAGING_STALLED',
  /** A page came back short while SC's `totalRecords` says rows remain, and paging could not recover. */
  ScPagingShort: 'SC_PAGING_SHORT',
  /**
   * The invocation's time ran out (remaining time minus a margin) before SC answered: SC is hung or
   * too slow for what is left. The call was cut short so the caller can still report it.
   */
  ScDeadline: 'SC_DEADLINE',

  // The API keys in Secrets Manager (lib/secrets, lib/rotation).
  /** The secret's value is not a pair of SC API keys in a form we read. */
  SecretFormat: 'SECRET_FORMAT',
  /** The secret, or the requested stage or version, does not exist (or cannot be read in its state). */
  SecretNotFound: 'SECRET_NOT_FOUND',
  /** IAM, the secret's resource policy, KMS or missing AWS credentials stopped the read. */
  SecretAccessDenied: 'SECRET_ACCESS_DENIED',
  /** Throttling, a service fault or the network, after the SDK's own retries: transient. */
  SecretUnavailable: 'SECRET_UNAVAILABLE',
  /** `createApiKeySource` got an option it cannot work with (a programming or wiring mistake). */
  SecretSourceConfig: 'SECRET_SOURCE_CONFIG',
  /** Secrets Manager refused a write (PutSecretValue, RotateSecret). */
  SecretWriteFailed: 'SECRET_WRITE_FAILED',

  // Key validation and rotation (lib/rotation).
  /** The keys work but belong to another SC user than the one configured (SC_EXPECTED_USERNAME). */
  KeysWrongUser: 'KEYS_WRONG_USER',
  /** The secret has no rotation configured, yet a rotation was asked for. */
  RotationNotEnabled: 'ROTATION_NOT_ENABLED',
  /** The rotation's ClientRequestToken is not a version of the secret. */
  RotationTokenUnknown: 'ROTATION_TOKEN_UNKNOWN',
  /** The token's version is neither AWSCURRENT nor AWSPENDING. */
  RotationTokenNotPending: 'ROTATION_TOKEN_NOT_PENDING',
  /** createSecret found no keys staged for the rotation (no longer raised: such a rotation re-validates AWSCURRENT). */
  RotationNothingStaged: 'ROTATION_NOTHING_STAGED',
  /** Secrets Manager retried a rotation whose keys SC already refused for good; they are not tested again. */
  RotationKeysAlreadyRejected: 'ROTATION_KEYS_ALREADY_REJECTED',
  /** finishSecret was asked to promote a version testSecret did not prove. */
  RotationUntested: 'ROTATION_UNTESTED',

  // Exports (lib/export) and their state object.
  /** Another invocation holds the dataset's lease; this one skips the dataset. */
  ExportLocked: 'EXPORT_LOCKED',
  /** A run was continued more times than allowed (EXPORT_MAX_INVOCATIONS): it is abandoned. */
  ExportInvocationLimit: 'EXPORT_INVOCATION_LIMIT',
  /** The CLI's export failed after writing parts: they are kept, the checkpoint did not move. */
  ExportInterrupted: 'EXPORT_INTERRUPTED',
  /** The export state object is not JSON, or not of the state's schema. */
  StateCorrupt: 'STATE_CORRUPT',
  /** The data prefix holds state from before consoles; `sc2aws migrate-layout` moves it (lib/sink). */
  LayoutLegacy: 'LAYOUT_LEGACY',
  /** A conditional write lost a race: another run changed the object since it was read. */
  StateConflict: 'STATE_CONFLICT',

  // The output store (lib/sink) and EventBridge (lib/events).
  /** Writing an object (S3 or a local directory) failed. */
  SinkWriteFailed: 'SINK_WRITE_FAILED',
  /** Reading an object (S3 or a local directory) failed. */
  SinkReadFailed: 'SINK_READ_FAILED',
  /** EventBridge kept refusing an entry after the retries. */
  EventsPublishFailed: 'EVENTS_PUBLISH_FAILED',

  // Delivery of a raw run as findings (lib/delivery, lib/findings).
  /** A raw part's bytes do not match the sha256 its manifest recorded. */
  RawPartCorrupt: 'RAW_PART_CORRUPT',
  /**
   * The raw manifest to deliver is missing, not of the raw manifest's schema, or not to be trusted
   * (parts outside its own run, counts out of bounds or not adding up).
   */
  RawManifestInvalid: 'RAW_MANIFEST_INVALID',
  /** The manifest to deliver lies outside the deployment's bucket and prefix. */
  ManifestOutsideDeployment: 'MANIFEST_OUTSIDE_DEPLOYMENT',
  /** A delivery was continued more times than allowed (MAX_INVOCATIONS_PER_RUN): it stops. */
  DeliveryInvocationLimit: 'DELIVERY_INVOCATION_LIMIT',
  /** The CLI's delivery failed after writing parts: nothing is committed, the rerun writes the same objects. */
  DeliveryInterrupted: 'DELIVERY_INTERRUPTED',
  /** One SC row cannot be delivered: an identity field is missing or a value cannot be read. */
  FindingsRowRejected: 'FINDINGS_ROW_REJECTED',
  /** A findings option (run id, time, cap, DDL location…) is unusable: a wiring mistake. */
  FindingsOptionInvalid: 'FINDINGS_OPTION_INVALID',

  // OCSF output (lib/ocsf).
  /** A delivered findings part does not match its manifest (sha256, size, rows) or is not gzip NDJSON. */
  OcsfInputCorrupt: 'OCSF_INPUT_CORRUPT',
  /** The Security Lake provider role could not be assumed, or its bucket refused a write. */
  SecurityLakeWriteFailed: 'SECURITY_LAKE_WRITE_FAILED',

  // Security Hub output (lib/securityhub).
  /** A finding does not fit AWS's model of ASFF (a bug in the mapping): it was not sent. */
  SecurityHubFindingInvalid: 'SECURITY_HUB_FINDING_INVALID',
  /**
   * Security Hub refused a call (access denied, no custom-integration product, invalid input), or
   * throttled or failed it until the attempts ran out.
   */
  SecurityHubImportFailed: 'SECURITY_HUB_IMPORT_FAILED',

  // Finding lifecycle rebuild (lib/lifecycle).
  /**
   * A committed findings run the lifecycle reads (to apply or to replay) has no manifest, one that
   * does not parse or match its run, or a part that is not what the manifest records.
   */
  FindingsManifestInvalid: 'FINDINGS_MANIFEST_INVALID',

  // Not raised by an Sc2awsError: the code reported for anything that is not one of ours (a bug).
  /** An unexpected failure (see `codeOf`). */
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
