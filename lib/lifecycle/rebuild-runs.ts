/**
 * The runs a rebuild replays: every committed `vulns` and `fixed` findings run of a store, read
 * from its committed lists and manifests, in SC's time order.
 */
import { ErrorCode, parseDocument, Sc2awsError } from '#lib/errors';
import {
  COMMITTED_FOLDER,
  findingsRunManifestSchema,
  manifestKey,
  type ObjectStore,
  partsInStore,
  runPrefix,
} from '#lib/sink';
import type { LifecycleRunInfo } from './lifecycle-run';

/** Lists the keys under a prefix of a store (relative to its root), in any order. */
export type KeyLister = (prefix: string) => Promise<string[]>;

/** A committed findings run that cannot be replayed: the rebuild stops before changing anything. */
export class FindingsManifestInvalidError extends Sc2awsError {
  constructor(uri: string, problem: string) {
    super(
      ErrorCode.FindingsManifestInvalid,
      `Cannot replay the committed findings run ${uri}: ${problem}. The rebuild stopped before changing the state. Fix: deliver that run again ("sc2aws deliver --from <its raw _manifest.json> --redeliver"), or remove its committed list under findings/committed/ if the run should not count.`,
    );
  }
}

export const FINDINGS_COMMITTED_PREFIX = `findings/${COMMITTED_FOLDER}/`;
const COMMITTED_RUN = /^findings\/committed\/dataset=(vulns|fixed)\/dt=([^/]+)\/([^/]+)\.txt$/;
const DATASET_ORDER = { vulns: 0, fixed: 1 } as const;

/**
 * SC's time order: the window end (the SC time up to which the run holds rows), then `fixed` after
 * `vulns` at equal ends (a finding seen open and mitigated at the same second is fixed), then runId.
 */
export function compareRuns(a: LifecycleRunInfo, b: LifecycleRunInfo): number {
  return (
    a.window.end - b.window.end ||
    DATASET_ORDER[a.dataset] - DATASET_ORDER[b.dataset] ||
    (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0)
  );
}

/** One committed run's manifest, checked against the run its committed list names. */
async function runInfoOf(
  source: ObjectStore,
  dataset: 'vulns' | 'fixed',
  dt: string,
  runId: string,
): Promise<LifecycleRunInfo> {
  const key = manifestKey(runPrefix('findings', dataset, dt, runId));
  const stored = await source.getText(key);
  if (stored === undefined)
    throw new FindingsManifestInvalidError(
      source.uri(key),
      'its committed list exists but its manifest is missing',
    );
  const parsed = parseDocument(findingsRunManifestSchema, stored.body);
  if (!parsed.ok) throw new FindingsManifestInvalidError(source.uri(key), parsed.problem);
  const manifest = parsed.value;
  if (manifest.dataset !== dataset || manifest.runId !== runId)
    throw new FindingsManifestInvalidError(
      source.uri(key),
      `it names run ${manifest.dataset}/${manifest.runId}, not ${dataset}/${runId}`,
    );
  const inStore = partsInStore(source, manifest);
  if ('outside' in inStore)
    throw new FindingsManifestInvalidError(
      source.uri(key),
      `its part ${inStore.outside} lies outside ${source.location}`,
    );
  return {
    dataset,
    runId,
    dt,
    window: manifest.window,
    createdAt: manifest.createdAt,
    source: key,
    parts: inStore.parts,
  };
}

/**
 * The committed `vulns` and `fixed` findings runs of `source`, in SC's time order
 * ({@link compareRuns}). A run counts once its committed list exists, as for the tables.
 *
 * @example
 * ```ts
 * const runs = await committedFindingsRuns(source, listKeys);
 * ```
 */
export async function committedFindingsRuns(
  source: ObjectStore,
  listKeys: KeyLister,
): Promise<LifecycleRunInfo[]> {
  const runs: LifecycleRunInfo[] = [];
  for (const key of await listKeys(FINDINGS_COMMITTED_PREFIX)) {
    const match = COMMITTED_RUN.exec(key);
    if (match === null) continue;
    const [, dataset, dt, runId] = match as unknown as [string, 'vulns' | 'fixed', string, string];
    runs.push(await runInfoOf(source, dataset, dt, runId));
  }
  return runs.sort(compareRuns);
}
