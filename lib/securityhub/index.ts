/**
 * lib/securityhub: SC findings in AWS Security Hub CSPM, next to the cloud's, sent as changes. Each
 * committed change run (lib/lifecycle) becomes ASFF findings (./asff.ts), checked against AWS's
 * model (./validate.ts), batched within the call limits (./batches.ts) and imported at the
 * account's rate (./import-client.ts); a ledger of what was sent (./ledger.ts) keeps `CreatedAt`,
 * a strictly increasing `UpdatedAt` and the refresh of open findings. README "Security Hub".
 *
 * @example
 * ```ts
 * const session = createSecurityHubSession({ store, client, target, logger, events, shouldStop });
 * await sendChangeRun(session, changesManifestKey);
 * await refreshOpenFindings(session);
 * ```
 */
export { type AsffTarget, asffBytes, asffIdOf, productArnOf, recordStateOf, toAsffFinding } from './asff';
export { type AsffBatch, AsffBatcher } from './batches';
export * from './constants';
export { createSecurityHubSession, type SecurityHubSessionOptions } from './create-session';
export { AsffInvalidError, SecurityHubImportError } from './errors';
export { type FindingRow, findingRowSchema } from './finding-row';
export {
  type FailedFinding,
  FindingsImporter,
  type ImportCall,
  type ImportOutcome,
  securityHubImportCall,
} from './import-client';
export { SECURITY_HUB_STATE_PREFIX, SENDER_LEASE_KEY } from './layout';
export { type LedgerEntry, SentLedger } from './ledger';
export { ASFF_MODEL_RULES } from './model-rules';
export { backfillOpenFindings, type OpenFindingsOutcome, refreshOpenFindings } from './open-findings';
export { readChangePart, readCurrentRows } from './part-rows';
export { type ChangeRunSendOutcome, sendChangeRun } from './send-changes';
export type { SecurityHubSession, SendCounts } from './session';
export { cutText } from './text';
export { type Pacing, realPacing, TokenBucket } from './token-bucket';
export { type AsffShapeRule, asffProblems, type MemberRule } from './validate';
