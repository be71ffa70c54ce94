import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CONSOLE_ID } from '#lib/config';
import { NodeCode } from '#lib/errors';
import { DATASETS, type Dataset, DEFAULT_CONSOLE_ID } from '#lib/product';
import {
  COMMITTED_FOLDER,
  committedKey,
  deliveryStatePrefix,
  manifestKey,
  type ObjectStore,
  runPrefix,
} from '#lib/sink';
import { CliUsageError } from './exit-codes';
import { consoleFlag, type DataRoot, dataRootFor, parseS3Uri } from './stores';

/** One raw run to deliver, by the key of its manifest under the source's root. */
export interface DeliveryTarget {
  dataset: Dataset;
  dt: string;
  runId: string;
  manifestKey: string;
}

/**
 * What `--from` names: a raw manifest (delivered whatever was delivered before), or a data root
 * ("sc2aws export --out") whose console's runs are chosen by {@link runsToDeliver}. `root` is the
 * data root the console folder is in: the default `--out`, so findings land beside raw as the
 * Lambda writes them. A manifest's console is its address's (`…/console=<id>/raw/…`), as for the
 * Lambda; `consoleId` is unset when the address has no console folder (a layout from before consoles).
 */
export type DeliveryFrom =
  | { kind: 'manifest'; root: DataRoot; consoleId?: string; manifestKey: string }
  | { kind: 'directory'; root: DataRoot; directory: string };

const CONSOLE_MANIFEST =
  /^(?:(.*)\/)?console=([^/]*)\/(raw\/dataset=[^/]+\/dt=[^/]+\/run=[^/]+\/_manifest\.json)$/;
const RAW_MANIFEST = /^(?:(.*)\/)?(raw\/dataset=[^/]+\/dt=[^/]+\/run=[^/]+\/_manifest\.json)$/;

const FIX =
  'Fix: pass the directory "sc2aws export --out" wrote, or a raw run\'s manifest (…/console=<id>/raw/dataset=<d>/dt=<day>/run=<id>/_manifest.json, local or s3://).';

/** A manifest's data root (what precedes `console=<id>/`, or `raw/` without it), console and key. */
function splitManifest(path: string): { root: string | undefined; consoleId?: string; key: string } | null {
  const inConsole = CONSOLE_MANIFEST.exec(path);
  if (inConsole !== null)
    return { root: inConsole[1], consoleId: inConsole[2] as string, key: inConsole[3] as string };
  const raw = RAW_MANIFEST.exec(path);
  return raw === null ? null : { root: raw[1], key: raw[2] as string };
}

/** Resolves `--from`: an `s3://…/_manifest.json`, a local `…/_manifest.json`, or a directory. */
export async function resolveFrom(from: string, env: NodeJS.ProcessEnv): Promise<DeliveryFrom> {
  if (from.startsWith('s3://')) {
    const { bucket, prefix } = parseS3Uri(from, '--from');
    const raw = splitManifest(prefix);
    if (raw === null)
      throw new CliUsageError(
        `--from "${from.slice(0, 200)}" is not a raw run's manifest (s3://<bucket>/<prefix>/console=<id>/raw/dataset=<d>/dt=<day>/run=<id>/_manifest.json). A whole export is delivered from a local directory only. ${FIX}`,
      );
    const root = dataRootFor(`s3://${bucket}/${raw.root ?? ''}`, env, '--from');
    return { kind: 'manifest', root, manifestKey: raw.key, ...consoleOf(raw) };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(from))
    throw new CliUsageError(`--from "${from.slice(0, 80)}" is neither a local path nor s3://. ${FIX}`);
  if (from.endsWith('_manifest.json')) {
    // A missing manifest is reported by the delivery itself (RAW_MANIFEST_INVALID, naming the file).
    const raw = splitManifest(from.replaceAll('\\', '/'));
    if (raw === null)
      throw new CliUsageError(
        `--from "${from.slice(0, 200)}" does not lie where a raw run's manifest does (<export directory>/console=<id>/raw/dataset=<d>/dt=<day>/run=<id>/_manifest.json). ${FIX}`,
      );
    const root = raw.root === undefined ? '.' : raw.root === '' ? '/' : raw.root;
    return {
      kind: 'manifest',
      root: dataRootFor(root, env, '--from'),
      manifestKey: raw.key,
      ...consoleOf(raw),
    };
  }
  const isDirectory = await stat(from).then(
    (s) => s.isDirectory(),
    (err: NodeJS.ErrnoException) => (err.code === NodeCode.NoSuchFile ? undefined : Promise.reject(err)),
  );
  if (isDirectory === undefined)
    throw new CliUsageError(`--from ${from.slice(0, 200)} does not exist. ${FIX}`);
  if (!isDirectory)
    throw new CliUsageError(`--from ${from.slice(0, 200)} is a file but not a _manifest.json. ${FIX}`);
  return { kind: 'directory', root: dataRootFor(from, env, '--from'), directory: from };
}

function consoleOf(raw: { consoleId?: string }): { consoleId?: string } {
  return raw.consoleId === undefined ? {} : { consoleId: raw.consoleId };
}

/**
 * The console a delivery is for: a manifest's own (a `--console` naming another is refused, rather
 * than delivering one console's run as another's), else `--console` (default `default`).
 */
export function deliveryConsole(from: DeliveryFrom, flag: string | undefined): string {
  const chosen = flag === undefined ? undefined : consoleFlag(flag);
  if (from.kind === 'directory') return chosen ?? DEFAULT_CONSOLE_ID;
  const address = from.root.store.uri(from.manifestKey);
  if (from.consoleId === undefined)
    throw new CliUsageError(
      `--from ${address.slice(0, 200)} is not in a console's folder (<data root>/console=<id>/raw/…). ${FIX}`,
    );
  if (!CONSOLE_ID.pattern.test(from.consoleId))
    throw new CliUsageError(
      `--from ${address.slice(0, 200)} lies in the folder console=${from.consoleId.slice(0, 40)}, whose console id ${CONSOLE_ID.problem}. ${FIX}`,
    );
  if (chosen !== undefined && chosen !== from.consoleId)
    throw new CliUsageError(
      `--console ${chosen} disagrees with --from, a run of the console "${from.consoleId}" (its address is under console=${from.consoleId}/). Fix: leave --console out (a manifest's console is its folder's), or pass a manifest of the console ${chosen}.`,
    );
  return from.consoleId;
}

const listing = (path: string) =>
  readdir(path).catch((err: NodeJS.ErrnoException) =>
    err.code === NodeCode.NoSuchFile ? [] : Promise.reject(err),
  );

/**
 * The committed raw runs of a console's folder of an export directory, datasets in their usual order, then by day and
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
