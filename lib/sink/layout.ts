/**
 * The S3 layout, the contract with downstream consumers (DESIGN.md):
 * `<prefix>/<kind>/dataset=<d>/dt=YYYY-MM-DD/run=<runId>/part-00000.ndjson.gz … _manifest.json`,
 * `<prefix>/<kind>/committed/dataset=<d>/dt=YYYY-MM-DD/<runId>.txt` (the committed runs, what the
 * Athena tables read) and `<prefix>/state/<dataset>.json`. Keys here are relative to the store
 * root (bucket + prefix).
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

/** The folder, inside each kind's prefix, that lists committed runs: the tables' only location. */
export const COMMITTED_FOLDER = 'committed';

/**
 * The committed-run list of one run: a text file naming the run's parts, one full address a line
 * (Hive's symlink format), written after the manifest. Outside the run's folder on purpose: a
 * table location holds these lists only, never a part.
 */
export function committedKey(
  kind: Exclude<OutputKind, 'rejected'>,
  dataset: string,
  dt: string,
  runId: string,
): string {
  return `${kind}/${COMMITTED_FOLDER}/dataset=${dataset}/dt=${dt}/${runId}.txt`;
}

export function stateKey(dataset: string): string {
  return `state/${dataset}.json`;
}

/**
 * The OCSF files of one run, one folder per event class:
 * `ocsf/class=<class>/dataset=<d>/dt=YYYY-MM-DD/run=<runId>/part-00000-YYYYMMDD.parquet … _manifest.json`.
 * Files `part-<i>-<day>` are made from the run's findings part i, one per event day (lib/ocsf).
 */
export function ocsfRunPrefix(ocsfClass: string, dataset: string, dt: string, runId: string): string {
  return `ocsf/class=${ocsfClass}/dataset=${dataset}/dt=${dt}/run=${runId}/`;
}

export function ocsfPartKey(prefix: string, index: number): string {
  return `${prefix}part-${String(index).padStart(5, '0')}.parquet`;
}

/** The committed list of one run's OCSF files: what the OCSF Athena tables read. */
export function ocsfCommittedKey(ocsfClass: string, dataset: string, dt: string, runId: string): string {
  return `ocsf/${COMMITTED_FOLDER}/class=${ocsfClass}/dataset=${dataset}/dt=${dt}/${runId}.txt`;
}

/**
 * A delivery's working folder: `state.json` (where it continues, when it ran out of time),
 * `filter.bin` (its id filter) and `ids-NNNNN.bin` (each part's ids and times). Removed when the
 * run is committed.
 */
export function deliveryStatePrefix(dataset: string, runId: string): string {
  return `state/delivery/dataset=${dataset}/run=${runId}/`;
}
