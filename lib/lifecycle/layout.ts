/**
 * Where the lifecycle lives, keys relative to the store root (bucket + prefix):
 * - `state/lifecycle/root.json`: the commit point. Which object holds each partition's state and
 *   current rows, and which runs were applied. Written with a conditional PUT.
 * - `state/lifecycle/partition=PPP/<dataset>-<runId>.json.gz`: a partition's finding states, as the
 *   run named wrote them (copy on write: a committed object is never overwritten); an index, then
 *   one gzip member per host (./partition-file.ts).
 * - `state/lifecycle/work/run=<runId>/…`: a large run's rows routed by group, removed after commit.
 * - `changes/dt=…/run=<runId>/part-NNNNN.ndjson.gz` + `_manifest.json`, listed once committed in
 *   `changes/committed/dt=…/<runId>.txt`: the change feed.
 * - `current/partition=PPP/<dataset>-<runId>.ndjson.gz`: the open findings of a partition (one gzip
 *   member per host), listed
 *   in `current/committed/current.txt` (the current table's only file; one PUT moves it whole).
 */
import { COMMITTED_FOLDER } from '#lib/sink';

export const LIFECYCLE_ROOT_KEY = 'state/lifecycle/root.json';

/** The partition as it appears in keys: three hex digits. */
export function partitionName(partition: number): string {
  return partition.toString(16).padStart(3, '0');
}

export function partitionStateKey(partition: number, dataset: string, runId: string): string {
  return `state/lifecycle/partition=${partitionName(partition)}/${dataset}-${runId}.json.gz`;
}

export function currentPartKey(partition: number, dataset: string, runId: string): string {
  return `current/partition=${partitionName(partition)}/${dataset}-${runId}.ndjson.gz`;
}

/** The current table's list of files (Hive symlink format): its table location holds nothing else. */
export const CURRENT_LIST_KEY = `current/${COMMITTED_FOLDER}/current.txt`;

export function routedKey(runId: string, group: number, part: number): string {
  return `state/lifecycle/work/run=${runId}/g=${String(group).padStart(4, '0')}-p=${String(part).padStart(5, '0')}.ndjson`;
}

export function changesRunPrefix(dt: string, runId: string): string {
  return `changes/dt=${dt}/run=${runId}/`;
}

export function changesCommittedKey(dt: string, runId: string): string {
  return `changes/${COMMITTED_FOLDER}/dt=${dt}/${runId}.txt`;
}
