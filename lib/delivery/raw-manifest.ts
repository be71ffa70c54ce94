import * as z from 'zod/mini';
import { ErrorCode, parseDocument, Sc2awsError } from '#lib/errors';
import { DATASETS } from '#lib/product';
import {
  manifestKey,
  type ObjectStore,
  partsInStore,
  rawRunManifestSchema,
  runPrefix,
  totalsOf,
} from '#lib/sink';

/**
 * More parts than a run can have: at the smallest part size (1 MiB) this is 100 GiB of raw rows,
 * beyond what one delivery can read in a Lambda's 15 minutes.
 */
export const MAX_RUN_PARTS = 100_000;

/**
 * More rows than one delivery reads: it streams the run twice at roughly 60–80k rows/s, so 100M
 * rows is several times what fits in 15 minutes, and the dedupe filter it sizes from the count
 * (about 10 bits a row) stays at 125 MB. A forged count must not size that filter.
 */
export const MAX_RUN_ROWS = 100_000_000;

const RUN_ID = /^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/;
const DAY = /^\d{4}-\d\d-\d\d$/;
const PART_NAME = /^part-\d{5,}\.ndjson\.gz$/;
const SHA256 = /^[0-9a-f]{64}$/;

const REEXPORT =
  'Fix: the manifest was not written by sc2aws as it stands; restore its previous version (the bucket is versioned) or export the window again, then redeliver.';

/** The raw manifest is missing, not a raw manifest, or not one delivery may trust. */
export class RawManifestError extends Sc2awsError {
  /** `uri` names the manifest; `problem` says what is wrong with it; `fix` what to do. */
  constructor(
    uri: string,
    problem: string,
    fix = 'Fix: pass the _manifest.json of a completed raw run (s3://<bucket>/<prefix>/raw/dataset=…/dt=…/run=…/_manifest.json).',
  ) {
    super(ErrorCode.RawManifestInvalid, `Cannot deliver ${uri}: ${problem}. ${fix}`);
  }
}

/** A raw manifest of one of the datasets delivery knows. */
const deliverableManifestSchema = z.extend(rawRunManifestSchema, { dataset: z.enum(DATASETS) });
export type DeliverableManifest = z.infer<typeof deliverableManifestSchema>;

const show = (text: string) => JSON.stringify(text.slice(0, 200));

/**
 * What makes a well-formed raw manifest untrustworthy, or undefined: it must lie in its own run's
 * folder (`raw/dataset=<dataset>/dt=<day of window end>/run=<runId>/`), list only that folder's
 * parts (no `../`, no other run or dataset, no absolute key) with a sha256 each, at most
 * {@link MAX_RUN_PARTS} parts and {@link MAX_RUN_ROWS} rows, and totals that are the parts' sums.
 */
function untrustedBecause(key: string, raw: DeliverableManifest): string | undefined {
  if (!RUN_ID.test(raw.runId))
    return `its runId ${show(raw.runId)} is not a run id (letters, digits, - and _)`;
  const dt = raw.window.endIso.slice(0, 10);
  if (!DAY.test(dt)) return `its window.endIso ${show(raw.window.endIso)} is not an ISO-8601 time`;
  const own = runPrefix('raw', raw.dataset, dt, raw.runId);
  if (key !== manifestKey(own))
    return `it describes run ${raw.runId} of ${raw.dataset} dated ${dt}, whose manifest is ${manifestKey(own)}, not ${show(key)}`;
  if (raw.parts.length > MAX_RUN_PARTS)
    return `it lists ${raw.parts.length} parts, more than the ${MAX_RUN_PARTS} a run can have`;
  const seen = new Set<string>();
  for (const [i, part] of raw.parts.entries()) {
    if (!part.key.startsWith(own) || !PART_NAME.test(part.key.slice(own.length)))
      return `parts[${i}].key ${show(part.key)} is not a part of this run (${own}part-NNNNN.ndjson.gz)`;
    if (seen.has(part.key)) return `parts[${i}].key ${show(part.key)} is listed twice`;
    seen.add(part.key);
    if (!SHA256.test(part.sha256)) return `parts[${i}].sha256 is not 64 hex digits`;
    if (part.rows > MAX_RUN_ROWS)
      return `parts[${i}].rows is ${part.rows}, more than the ${MAX_RUN_ROWS} rows one delivery reads`;
  }
  const sums = totalsOf(raw.parts);
  for (const field of ['parts', 'rows', 'bytes', 'uncompressedBytes'] as const) {
    if (raw.totals[field] !== sums[field])
      return `totals.${field} is ${raw.totals[field]}, but its parts add up to ${sums[field]}`;
  }
  if (sums.rows > MAX_RUN_ROWS)
    return `it holds ${sums.rows} rows, more than the ${MAX_RUN_ROWS} one delivery reads`;
  return undefined;
}

/**
 * Reads and checks the raw manifest a delivery starts from: its schema, then
 * {@link untrustedBecause}. Nothing of a refused manifest is read or written. The parts come back
 * with the keys `store` reads them by, whatever the manifest's version (lib/sink MANIFEST_VERSION).
 */
export async function readRawManifest(store: ObjectStore, key: string): Promise<DeliverableManifest> {
  const uri = store.uri(key);
  const stored = await store.getText(key);
  if (stored === undefined)
    throw new RawManifestError(uri, 'it does not exist (the run may not be complete yet)');
  const parsed = parseDocument(deliverableManifestSchema, stored.body);
  if (!parsed.ok) throw new RawManifestError(uri, `it is not a raw run manifest (${parsed.problem})`);
  const inStore = partsInStore(store, parsed.value);
  if ('outside' in inStore) {
    const i = inStore.outside;
    const part = parsed.value.parts[i]?.key ?? '';
    throw new RawManifestError(
      uri,
      `parts[${i}].key ${show(part)} does not lie under ${store.location}`,
      REEXPORT,
    );
  }
  const manifest = { ...parsed.value, parts: inStore.parts };
  const problem = untrustedBecause(key, manifest);
  if (problem !== undefined) throw new RawManifestError(uri, problem, REEXPORT);
  return manifest;
}
