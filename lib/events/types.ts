import type { ErrorCode } from '#lib/errors';

/**
 * The events sc2aws publishes on EventBridge (source `sc2aws`). Detail shapes are part of the
 * product's contract with rules and consumers: add fields, never rename or remove them.
 * No detail ever holds key material.
 */
export const EVENT_SOURCE = 'sc2aws';

export const DetailType = {
  KeyValidationSucceeded: 'Key Validation Succeeded',
  KeyValidationFailed: 'Key Validation Failed',
  KeyRotationCompleted: 'Key Rotation Completed',
  ExportCompleted: 'Export Completed',
  ExportContinuationRequested: 'Export Continuation Requested',
  FindingsDelivered: 'Findings Delivered',
} as const;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];

/** Why a validation ran. */
export type ValidationTrigger = 'rotation' | 'label-updated' | 'direct' | 'cli';

export interface KeyValidationDetail {
  secretArn: string;
  versionId: string;
  versionStage: string;
  trigger: ValidationTrigger;
  /** Rotation step, when trigger is `rotation`. */
  step?: string;
  /** SC base URL the keys were checked against. */
  scUrl: string;
  /** Short, non-reversible label of the access key (`ak:` + 8 hex of its sha256). */
  keyLabel?: string;
  user?: {
    id: string;
    username: string;
    role: { id: string; name: string };
    organization: { id: string; name: string };
  };
  /** Set when the keys belong to an SC Administrator (a service user is recommended). */
  administrator?: boolean;
  /** Failure only: the stable error code and its human message. */
  errorCode?: ErrorCode;
  reason?: string;
  checkedAt: string;
}

/** AWSCURRENT moved to keys that testSecret proved. */
export interface KeyRotationCompletedDetail {
  secretArn: string;
  versionId: string;
  previousVersionId?: string;
  completedAt: string;
}

/** A raw run is complete: its manifest exists. The trigger for forward-results. */
export interface ExportCompletedDetail {
  dataset: string;
  runId: string;
  window: { field: string; start: number; end: number; startIso: string; endIso: string };
  /** `s3://bucket/prefix/raw/…/_manifest.json` (or a path for a local store). */
  manifest: string;
  bucket?: string;
  manifestKey: string;
  rowCount: number;
  parts: number;
}

/** pull-analysis ran out of time: the rule routes this back to it to resume exactly there. */
export interface ExportContinuationDetail {
  datasets: string[];
  /** Run ids being resumed, per dataset, for tracing. */
  runs: Record<string, string>;
  requestedAt: string;
}

/** forward-results delivered a run's findings. */
export interface FindingsDeliveredDetail {
  dataset: string;
  runId: string;
  manifest: string;
  bucket?: string;
  manifestKey: string;
  rowCount: number;
  rejectedCount: number;
  duplicateCount: number;
}

export type Sc2awsEvent =
  | { detailType: typeof DetailType.KeyValidationSucceeded; detail: KeyValidationDetail }
  | { detailType: typeof DetailType.KeyValidationFailed; detail: KeyValidationDetail }
  | { detailType: typeof DetailType.KeyRotationCompleted; detail: KeyRotationCompletedDetail }
  | { detailType: typeof DetailType.ExportCompleted; detail: ExportCompletedDetail }
  | { detailType: typeof DetailType.ExportContinuationRequested; detail: ExportContinuationDetail }
  | { detailType: typeof DetailType.FindingsDelivered; detail: FindingsDeliveredDetail };
