/**
 * Security Hub's objects, keys relative to the store root (bucket + prefix), all under
 * `state/securityhub/`:
 * - `ledger/partition=PPP.json`: what was sent for each finding of a lifecycle partition (./ledger.ts);
 * - `ledger/index.json`: per partition, the oldest `UpdatedAt` of a finding sent ACTIVE (the refresh);
 * - `changes/<dataset>-<runId>.json`: how far a change run was sent, and that it was;
 * - `backfill.json`: how far a backfill of the open findings went;
 * - `sender-lease.json`: the one sender at a time.
 */
export const SECURITY_HUB_STATE_PREFIX = 'state/securityhub/';

export function ledgerKey(partition: number): string {
  return `${SECURITY_HUB_STATE_PREFIX}ledger/partition=${partition.toString(16).padStart(3, '0')}.json`;
}

export const LEDGER_INDEX_KEY = `${SECURITY_HUB_STATE_PREFIX}ledger/index.json`;

export function changeRunProgressKey(dataset: string, runId: string): string {
  return `${SECURITY_HUB_STATE_PREFIX}changes/${dataset}-${runId}.json`;
}

export const BACKFILL_PROGRESS_KEY = `${SECURITY_HUB_STATE_PREFIX}backfill.json`;

export const SENDER_LEASE_KEY = `${SECURITY_HUB_STATE_PREFIX}sender-lease.json`;
