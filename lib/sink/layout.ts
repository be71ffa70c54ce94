/**
 * The S3 layout, the contract with downstream consumers (DESIGN.md):
 * `<prefix>/<kind>/dataset=<d>/dt=YYYY-MM-DD/run=<runId>/part-00000.ndjson.gz … _manifest.json`
 * and `<prefix>/state/<dataset>.json`. Keys here are relative to the store root (bucket + prefix).
 */
export type OutputKind = 'raw' | 'findings' | 'rejected';

/** Folder of one run, ending in `/`. */
export function runPrefix(kind: OutputKind, dataset: string, dt: string, runId: string): string {
  return `${kind}/dataset=${dataset}/dt=${dt}/run=${runId}/`;
}

export function partKey(prefix: string, index: number): string {
  return `${prefix}part-${String(index).padStart(5, '0')}.ndjson.gz`;
}

export function manifestKey(prefix: string): string {
  return `${prefix}_manifest.json`;
}

export function stateKey(dataset: string): string {
  return `state/${dataset}.json`;
}
