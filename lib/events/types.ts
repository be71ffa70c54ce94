import * as z from 'zod/mini';
import { ErrorCode } from '#lib/errors';
import { runWindowSchema } from '#lib/product';

/**
 * The events sc2aws publishes on EventBridge (source `sc2aws`). Detail shapes are part of the
 * product's contract with rules and consumers: add fields, never rename or remove them.
 * No detail ever holds key material. The publisher checks every detail against its schema here,
 * and the functions these events trigger parse them with the same schemas.
 *
 * Objects are named so a subscriber can fetch them as they stand: `manifest` is a full address
 * (`s3://bucket/key`, or a path for a local directory), and a key beside a `bucket` is that
 * object's key in that bucket, the data prefix included: `GetObject(bucket, manifestKey)`.
 */
export const EVENT_SOURCE = 'sc2aws';

export const DetailType = {
  KeyValidationSucceeded: 'Key Validation Succeeded',
  KeyValidationFailed: 'Key Validation Failed',
  KeyRotationCompleted: 'Key Rotation Completed',
  ExportCompleted: 'Export Completed',
  ExportContinuationRequested: 'Export Continuation Requested',
  FindingsDelivered: 'Findings Delivered',
  DeliveryContinuationRequested: 'Delivery Continuation Requested',
  FindingsChanged: 'Findings Changed',
  ExportFailed: 'Export Failed',
  SecurityHubFindingsFailed: 'Security Hub Findings Failed',
} as const;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];

const count = z.int().check(z.nonnegative());

/**
 * The console the event is about (README "Several SC consoles"): every detail carries it, stamped by
 * the publisher. Absent in details published before consoles, which were all the `default` console's.
 */
const consoleIdField = { consoleId: z.optional(z.string()) };

/** Why a validation ran. */
export const validationTriggerSchema = z.enum(['rotation', 'label-updated', 'direct', 'cli']);
export type ValidationTrigger = z.infer<typeof validationTriggerSchema>;

const namedIdSchema = z.object({ id: z.string(), name: z.string() });

export const keyValidationDetailSchema = z.object({
  ...consoleIdField,
  secretArn: z.string(),
  versionId: z.string(),
  versionStage: z.string(),
  trigger: validationTriggerSchema,
  /** Rotation step, when trigger is `rotation`. */
  step: z.optional(z.string()),
  /** SC base URL the keys were checked against. */
  scUrl: z.string(),
  /** Short, non-reversible label of the access key (`ak:` + 8 hex of its sha256). */
  keyLabel: z.optional(z.string()),
  user: z.optional(
    z.object({ id: z.string(), username: z.string(), role: namedIdSchema, organization: namedIdSchema }),
  ),
  /** Set when the keys belong to an SC Administrator (a service user is recommended). */
  administrator: z.optional(z.boolean()),
  /** Failure only: the stable error code and its human message. */
  errorCode: z.optional(z.enum(ErrorCode)),
  reason: z.optional(z.string()),
  checkedAt: z.string(),
});
export type KeyValidationDetail = z.infer<typeof keyValidationDetailSchema>;

/** AWSCURRENT moved to keys that testSecret proved. */
export const keyRotationCompletedDetailSchema = z.object({
  ...consoleIdField,
  secretArn: z.string(),
  versionId: z.string(),
  previousVersionId: z.optional(z.string()),
  completedAt: z.string(),
});
export type KeyRotationCompletedDetail = z.infer<typeof keyRotationCompletedDetailSchema>;

/**
 * The version of a detail that names objects by bucket and key. 2: `manifestKey` is the manifest's
 * key in `bucket`, the data prefix included (`sc2aws/raw/…/_manifest.json`). Absent (version 1,
 * before): `manifestKey` was relative to the data prefix, so `GetObject(bucket, manifestKey)` missed
 * the object; such details still parse, and `manifest` (the full address) meant the same in both.
 */
const detailVersionSchema = z.optional(z.literal(2));

/** A raw run is complete: its manifest exists. The trigger for forward-results. */
export const exportCompletedDetailSchema = z.object({
  ...consoleIdField,
  /** 2 (see `detailVersionSchema`); absent in details published before it. */
  detailVersion: detailVersionSchema,
  dataset: z.string(),
  runId: z.string(),
  /** The raw manifest's window. */
  window: runWindowSchema,
  /** `s3://bucket/prefix/raw/…/_manifest.json` (or a path for a local store). */
  manifest: z.string(),
  /** The S3 bucket the run is in; absent for a local directory. */
  bucket: z.optional(z.string()),
  /** The manifest's key in `bucket`, prefix included (`sc2aws/raw/…/_manifest.json`). */
  manifestKey: z.string(),
  rowCount: count,
  parts: count,
});
export type ExportCompletedDetail = z.infer<typeof exportCompletedDetailSchema>;

/** pull-analysis ran out of time: the rule routes this back to it to resume exactly there. */
export const exportContinuationDetailSchema = z.object({
  ...consoleIdField,
  datasets: z.array(z.string()),
  /** Run ids being resumed, per dataset, for tracing. */
  runs: z.record(z.string(), z.string()),
  requestedAt: z.string(),
});
export type ExportContinuationDetail = z.infer<typeof exportContinuationDetailSchema>;

/** forward-results delivered a run's findings. */
export const findingsDeliveredDetailSchema = z.object({
  ...consoleIdField,
  /** 2 (see `detailVersionSchema`); absent in details published before it. */
  detailVersion: detailVersionSchema,
  dataset: z.string(),
  runId: z.string(),
  /** `s3://bucket/prefix/findings/…/_manifest.json` (or a path for a local store). */
  manifest: z.string(),
  /** The S3 bucket the findings are in; absent for a local directory. */
  bucket: z.optional(z.string()),
  /** The findings manifest's key in `bucket`, prefix included (`sc2aws/findings/…/_manifest.json`). */
  manifestKey: z.string(),
  rowCount: count,
  rejectedCount: count,
  duplicateCount: count,
});
export type FindingsDeliveredDetail = z.infer<typeof findingsDeliveredDetailSchema>;

/** Change rows per change type: in `Findings Changed` and in the change manifest (lib/lifecycle). */
export const changeCountsSchema = z.object({
  new: count,
  fixed: count,
  reopened: count,
  changed: count,
  risk_accepted: count,
  risk_recast: count,
});

/** A delivered run's changes to the finding lifecycle are committed: one event per change run. */
export const findingsChangedDetailSchema = z.object({
  ...consoleIdField,
  /** 2 (see `detailVersionSchema`): `manifestKey` is the manifest's key in `bucket`. */
  detailVersion: detailVersionSchema,
  dataset: z.string(),
  runId: z.string(),
  /** `s3://bucket/prefix/changes/dt=…/run=…/_manifest.json` (or a path for a local store). */
  manifest: z.string(),
  bucket: z.optional(z.string()),
  /** The change manifest's key in `bucket`, the data prefix included (a path for a local store). */
  manifestKey: z.string(),
  /** Change rows written (one per transition). */
  rowCount: count,
  /** The run was the first of its dataset for this state: its changes are an initial import. */
  baseline: z.boolean(),
  counts: changeCountsSchema,
  /** The state's generation this run's commit made. */
  generation: count,
});
export type FindingsChangedDetail = z.infer<typeof findingsChangedDetailSchema>;

/** forward-results ran out of time delivering a run: the rule routes this back to it to continue. */
export const deliveryContinuationDetailSchema = z.object({
  ...consoleIdField,
  /** The raw manifest being delivered, its full address as in `Export Completed`. */
  manifest: z.string(),
  dataset: z.string(),
  runId: z.string(),
  /** Where it continues, for tracing: the phase and the part it starts at. */
  phase: z.string(),
  next: count,
  requestedAt: z.string(),
});
export type DeliveryContinuationDetail = z.infer<typeof deliveryContinuationDetailSchema>;

/**
 * A dataset's run failed: the parts stored so far are kept, the checkpoint did not move, and the
 * next invocation resumes the run (unless `errorCode` says it will not: EXPORT_INVOCATION_LIMIT).
 */
export const exportFailedDetailSchema = z.object({
  ...consoleIdField,
  dataset: z.string(),
  /** Undefined when the run failed before it had one (e.g. the state could not be read). */
  runId: z.optional(z.string()),
  errorCode: z.enum(ErrorCode),
  reason: z.string(),
  /** Invocations that worked on the run so far, this one included. */
  invocations: z.optional(count),
  /** Parts stored so far (kept for the next invocation). */
  parts: z.optional(count),
  failedAt: z.string(),
});
export type ExportFailedDetail = z.infer<typeof exportFailedDetailSchema>;

/**
 * Security Hub refused findings (`FailedFindings` of BatchImportFindings) after every retry: they
 * are named here (the first 50; `failed` counts all) and counted in the `SecurityHubFindingsFailed`
 * metric. The rest of the run was sent; a redelivery of the run sends them again.
 */
export const securityHubFindingsFailedDetailSchema = z.object({
  ...consoleIdField,
  /** What was being sent: a change run, the refresh of open findings, or a backfill. */
  source: z.enum(['changes', 'refresh', 'backfill']),
  dataset: z.optional(z.string()),
  runId: z.optional(z.string()),
  failed: count,
  findings: z.array(z.object({ id: z.string(), errorCode: z.string(), errorMessage: z.string() })),
  failedAt: z.string(),
});
export type SecurityHubFindingsFailedDetail = z.infer<typeof securityHubFindingsFailedDetailSchema>;

/** Each detail type's schema: what the publisher checks and the consumers parse. */
export const EVENT_DETAIL_SCHEMAS = {
  [DetailType.KeyValidationSucceeded]: keyValidationDetailSchema,
  [DetailType.KeyValidationFailed]: keyValidationDetailSchema,
  [DetailType.KeyRotationCompleted]: keyRotationCompletedDetailSchema,
  [DetailType.ExportCompleted]: exportCompletedDetailSchema,
  [DetailType.ExportContinuationRequested]: exportContinuationDetailSchema,
  [DetailType.FindingsDelivered]: findingsDeliveredDetailSchema,
  [DetailType.DeliveryContinuationRequested]: deliveryContinuationDetailSchema,
  [DetailType.FindingsChanged]: findingsChangedDetailSchema,
  [DetailType.ExportFailed]: exportFailedDetailSchema,
  [DetailType.SecurityHubFindingsFailed]: securityHubFindingsFailedDetailSchema,
} as const;

/** The detail of one detail type. */
export type EventDetail<T extends DetailType> = z.infer<(typeof EVENT_DETAIL_SCHEMAS)[T]>;

/** Any event sc2aws publishes: a detail type with its detail. */
export type Sc2awsEvent = { [T in DetailType]: { detailType: T; detail: EventDetail<T> } }[DetailType];
