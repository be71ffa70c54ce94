import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeCode } from '#lib/errors';
import { DATASETS, type Dataset } from '#lib/product';
import {
  COMMITTED_FOLDER,
  committedKey,
  createLocalStore,
  deliveryStatePrefix,
  manifestKey,
  type ObjectStore,
  runPrefix,
} from '#lib/sink';
import { CliUsageError } from './exit-codes';
import { type CliStore, parseS3Uri, s3Store } from './stores';

/** One raw run to deliver, by the key of its manifest under the source's root. */
export interface DeliveryTarget {
  dataset: Dataset;
  dt: string;
  runId: string;
  manifestKey: string;
}

/**
 * What `--from` names: a raw manifest (delivered whatever was delivered before), or an export
 * directory whose runs are chosen by {@link runsToDeliver}. `source` is the root the raw keys are
 * under: the default `--out`, so findings land beside raw as the Lambda writes them.
 */
export type DeliveryFrom =
  | { kind: 'manifest'; source: CliStore; manifestKey: string }
  | { kind: 'directory'; source: CliStore; directory: string };

const RAW_MANIFEST = /^(?:(.*)\/)?(raw\/dataset=[^/]+\/dt=[^/]+\/run=[^/]+\/_manifest\.json)$/;

const FIX =
  'Fix: pass the directory "sc2aws export --out" wrote, or a raw run\'s manifest (…/raw/dataset=<d>/dt=<day>/run=<id>/_manifest.json, local or s3://).';

/** Resolves `--from`: an `s3://…/_manifest.json`, a local `…/_manifest.json`, or a directory. */
export async function resolveFrom(from: string, env: NodeJS.ProcessEnv): Promise<DeliveryFrom> {
  if (from.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Uri(from, '--from');
    const raw = RAW_MANIFEST.exec(prefix);
    if (raw === null)
      throw new CliUsageError(
        `--from "${from.slice(0, 200)}" is not a raw run's manifest (s3://<bucket>/<prefix>/raw/dataset=<d>/dt=<day>/run=<id>/_manifest.json). A whole export is delivered from a local directory only. ${FIX}`,
      );
    return { kind: 'manifest', source: s3Store(bucket, raw[1] ?? '', env), manifestKey: raw[2] as string };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(from))
    throw new CliUsageError(`--from "${from.slice(0, 80)}" is neither a local path nor s3://. ${FIX}`);
  if (from.endsWith('_manifest.json')) {
    // A missing manifest is reported by the delivery itself (RAW_MANIFEST_INVALID, naming the file).
    const raw = RAW_MANIFEST.exec(from.replaceAll('\\', '/'));
    if (raw === null)
      throw new CliUsageError(
        `--from "${from.slice(0, 200)}" does not lie where a raw run's manifest does (<export directory>/raw/dataset=<d>/dt=<day>/run=<id>/_manifest.json). ${FIX}`,
      );
    const root = raw[1] === undefined ? '.' : raw[1] === '' ? '/' : raw[1];
    return { kind: 'manifest', source: { store: createLocalStore(root) }, manifestKey: raw[2] as string };
  }
  const isDirectory = await stat(from).then(
    (s) => s.isDirectory(),
    (err: NodeJS.ErrnoException) => (err.code === NodeCode.NoSuchFile ? undefined : Promise.reject(err)),
  );
  if (isDirectory === undefined)
    throw new CliUsageError(`--from ${from.slice(0, 200)} does not exist. ${FIX}`);
  if (!isDirectory)
    throw new CliUsageError(`--from ${from.slice(0, 200)} is a file but not a _manifest.json. ${FIX}`);
  return { kind: 'directory', source: { store: createLocalStore(from) }, directory: from };
}

const listing = (path: string) =>
  readdir(path).catch((err: NodeJS.ErrnoException) =>
    err.code === NodeCode.NoSuchFile ? [] : Promise.reject(err),
  );

/**
 * The committed raw runs of an export directory, datasets in their usual order, then by day and
 * run id. A run counts once its committed list exists (`raw/committed/dataset=<d>/dt=<day>/<run>.txt`):
 * that list is written after the manifest, and `Export Completed` — the Lambda's trigger — after
 * the list, so these are exactly the runs the Lambda would have been asked to deliver. A manifest
 * without a list is a run whose commit did not finish; the export's rerun commits it.
 */
export async function committedRawRuns(
  directory: string,
  datasets: readonly Dataset[],
): Promise<DeliveryTarget[]> {
  const committed = join(directory, 'raw', COMMITTED_FOLDER);
  const found = await listing(committed);
  if (found.length === 0)
    throw new CliUsageError(
      `${join(directory, 'raw', COMMITTED_FOLDER)} is missing or empty: ${directory} holds no completed raw run. ${FIX}`,
    );
  const targets: DeliveryTarget[] = [];
  for (const dataset of DATASETS.filter((d) => datasets.includes(d))) {
    for (const day of (await listing(join(committed, `dataset=${dataset}`))).sort()) {
      const dt = day.replace(/^dt=/, '');
      for (const file of (await listing(join(committed, `dataset=${dataset}`, day))).sort()) {
        if (!file.endsWith('.txt')) continue;
        const runId = file.slice(0, -'.txt'.length);
        targets.push({ dataset, dt, runId, manifestKey: manifestKey(runPrefix('raw', dataset, dt, runId)) });
      }
    }
  }
  return targets;
}

/**
 * Whether a run still needs delivering to `out`: it has no committed findings list yet, or a
 * delivery of it stopped midway (its saved state continues it).
 */
export async function needsDelivery(out: ObjectStore, target: DeliveryTarget): Promise<boolean> {
  const { dataset, dt, runId } = target;
  if ((await out.getText(committedKey('findings', dataset, dt, runId))) === undefined) return true;
  return (await out.getText(`${deliveryStatePrefix(dataset, runId)}state.json`)) !== undefined;
}
