import { ErrorCode } from '#lib/errors';
import type { Dataset } from '#lib/findings';
import {
  commitRun,
  describeCause,
  MANIFEST_VERSION,
  manifestKey,
  type ObjectStore,
  ocsfCommittedKey,
  ocsfRunPrefix,
  partsForManifest,
  SinkError,
} from '#lib/sink';
import { DEFAULT_OCSF_VERSION, type OcsfVersion } from './constants';
import type { OcsfFileInfo, OcsfRunManifest } from './manifest';
import { type OcsfCodec, runtimeCodec } from './parquet';
import { ocsfClassOf } from './part-file';
import type { SecurityLakeWriter } from './security-lake';

/**
 * Where committed OCSF runs become visible, and in which OCSF version (`OCSF_VERSION`; when not
 * given, {@link DEFAULT_OCSF_VERSION} of the kind: 1.3.0 for the bucket, 1.1.0 for Security Lake).
 */
export type OcsfTarget =
  /** The data bucket only: `<prefix>/ocsf/…`, read by the shipped Athena tables. */
  | { kind: 'bucket'; version?: OcsfVersion }
  /** Also the Security Lake custom source of each class (copied at commit). */
  | { kind: 'security-lake'; lake: SecurityLakeWriter; version?: OcsfVersion };

/**
 * The OCSF version a target's records are written in: its own, else its kind's default.
 *
 * @example
 * ```ts
 * ocsfVersionOf({ kind: 'bucket' }); // '1.3.0'
 * ```
 */
export function ocsfVersionOf(target: OcsfTarget): OcsfVersion {
  return target.version ?? DEFAULT_OCSF_VERSION[target.kind];
}

/** The run whose OCSF files are committed. */
export interface OcsfRun {
  dataset: Dataset;
  runId: string;
  /** The run's day, `YYYY-MM-DD` (UTC): its findings `dt=`, and the OCSF run's folder. */
  dt: string;
  /** The findings manifest the files were made from: its key in the bucket (`ObjectStore.bucketKey`). */
  source: string;
  /** The findings manifest's createdAt, so a recommit writes the same manifest. */
  createdAt: string;
  /** The console of the run (README "Several SC consoles"); absent: `default`. */
  consoleId?: string;
  codec?: OcsfCodec;
}

export interface OcsfCommit {
  manifestKey: string;
  committedKey: string;
  rows: number;
  /** Security Lake keys written, in part order (security-lake target only). */
  securityLakeKeys: string[];
}

/**
 * Commits a run's OCSF files, all already stored (by {@link storeOcsfFile}) in the data store, in
 * part order. `bucket`: the `_manifest.json`, then the committed list the OCSF Athena tables read —
 * the same two steps, with the same guarantees, as findings runs (lib/sink commitRun).
 * `security-lake`: the manifest, then each file copied to its Security Lake key (under the
 * `eventDay` of its records), then the committed
 * list. Security Lake reads everything under a source's location, so files reach it only here, once
 * the whole run is stored; keys and bytes are fixed per run and part, so a retried commit rewrites
 * the same objects, and a run whose copy failed has no committed list until the retry succeeds.
 *
 * @example
 * ```ts
 * await commitOcsfRun(store, { kind: 'bucket' }, { dataset, runId, dt, source, createdAt }, parts);
 * ```
 */
export async function commitOcsfRun(
  store: ObjectStore,
  target: OcsfTarget,
  run: OcsfRun,
  parts: readonly OcsfFileInfo[],
): Promise<OcsfCommit> {
  const ocsfClass = ocsfClassOf(run.dataset);
  const prefix = ocsfRunPrefix(ocsfClass.name, run.dataset, run.dt, run.runId);
  const keys = {
    manifestKey: manifestKey(prefix),
    committedKey: ocsfCommittedKey(ocsfClass.name, run.dataset, run.dt, run.runId),
  };
  // A file from before files were split by day holds a whole part, filed under the run's day.
  const runDay = run.dt.replaceAll('-', '');
  const lakeKeys =
    target.kind === 'security-lake'
      ? parts.map((part) => target.lake.keyFor(ocsfClass, run, part.key, part.eventDay ?? runDay))
      : [];
  const manifest: OcsfRunManifest = {
    manifestVersion: MANIFEST_VERSION,
    kind: 'ocsf',
    ocsfVersion: ocsfVersionOf(target),
    classUid: ocsfClass.classUid,
    className: ocsfClass.name,
    dataset: run.dataset,
    runId: run.runId,
    ...(store.bucket === undefined ? {} : { bucket: store.bucket }),
    dt: run.dt,
    source: run.source,
    codec: run.codec ?? runtimeCodec(),
    parts: partsForManifest(store, parts),
    totals: {
      parts: parts.length,
      rows: parts.reduce((n, p) => n + p.rows, 0),
      bytes: parts.reduce((n, p) => n + p.bytes, 0),
    },
    createdAt: run.createdAt,
    ...(target.kind === 'security-lake'
      ? { securityLake: { bucket: target.lake.bucket, keys: lakeKeys } }
      : {}),
  };
  if (target.kind === 'security-lake') {
    await store.putText(keys.manifestKey, `${JSON.stringify(manifest, null, 2)}\n`);
    for (const [i, part] of parts.entries()) {
      await target.lake.put(ocsfClass, lakeKeys[i] as string, await readBytes(store, part.key));
    }
  }
  await commitRun(store, keys, manifest);
  return { ...keys, rows: manifest.totals.rows, securityLakeKeys: lakeKeys };
}

async function readBytes(store: ObjectStore, key: string): Promise<Uint8Array> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await store.getStream(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof SinkError) throw err;
    throw new SinkError(
      ErrorCode.SinkReadFailed,
      `Reading ${store.uri(key)} to copy it into Security Lake failed (${describeCause(err)}); the run is not committed. Fix: check that forward-results may s3:GetObject on the prefix's ocsf/ folder, then retry the commit.`,
      { cause: err },
    );
  }
}
