import { pipeline } from 'node:stream/promises';
import { consoleFolder, DATASETS, DEFAULT_CONSOLE_ID } from '#lib/product';
import { LegacyLayoutError } from './errors';
import { COMMITTED_FOLDER, stateKey } from './layout';
import type { ObjectStore } from './object-store';

/**
 * Deployments from before consoles kept their data straight under the data prefix
 * (`<prefix>/raw/…`, `<prefix>/state/…`); now each console has its own `console=<id>/` folder
 * (README "Several SC consoles"). This module finds the old layout and moves what a console needs to
 * go on where it stopped: its state (checkpoints, the finding lifecycle, deliveries in flight, the
 * Security Hub ledger), the current table, and the committed lists, so the tables keep every past
 * run. Parts and manifests stay where they are: the committed lists name them by full address.
 */

/** The objects whose presence means "this prefix holds a deployment from before consoles". */
export const LEGACY_STATE_KEYS: readonly string[] = [
  ...DATASETS.map(stateKey),
  // lib/lifecycle's root (LIFECYCLE_ROOT_KEY); spelled here, as lib/sink sits below lib/lifecycle.
  'state/lifecycle/root.json',
];

/**
 * The one object of `state/` that stays at the data prefix: the Security Hub sender lease, which the
 * consoles share (lib/securityhub's SENDER_LEASE_KEY; spelled here, as lib/sink sits below it). Once
 * the deployment runs with consoles it is written there again, so it never marks an old layout.
 */
const DEPLOYMENT_STATE_KEYS: ReadonlySet<string> = new Set(['state/securityhub/sender-lease.json']);

/** What moves into the console's folder: all of `state/` and `current/`, and every committed list. */
const MOVED_PREFIXES = [
  'state/',
  'current/',
  ...['raw', 'findings', 'changes', 'ocsf'].map((kind) => `${kind}/${COMMITTED_FOLDER}/`),
];

/** Lists the keys under a prefix of a store (relative to its root). */
export type KeyLister = (prefix: string) => Promise<string[]>;

const MIGRATE = 'run `sc2aws migrate-layout --data <the data bucket and prefix, s3://bucket/prefix>` once';

/**
 * Refuses to run on a data prefix that still holds a deployment from before consoles: a console
 * that started afresh beside it would export its first window again and lose the finding lifecycle.
 * `root` is the store of the data prefix itself (not a console's).
 *
 * @example
 * ```ts
 * await refuseLegacyLayout(createS3Store({ client, bucket, prefix: 'sc2aws' }));
 * ```
 */
export async function refuseLegacyLayout(root: ObjectStore): Promise<void> {
  const found = await firstLegacyKey(root);
  if (found === undefined) return;
  throw new LegacyLayoutError(
    `${root.uri(found)} is state from before consoles: this data prefix was written by an older sc2aws, and each console now keeps its data under console=<id>/. Nothing was exported or delivered. Fix: ${MIGRATE}; it moves that state and the tables' committed lists under console=${DEFAULT_CONSOLE_ID}/ (README "Several SC consoles").`,
  );
}

/**
 * {@link refuseLegacyLayout} for a function's warm container: checked at each invocation until it
 * passes once, then never again (a prefix moved by `sc2aws migrate-layout` stays moved; a refused
 * one is looked at again on the next invocation, so the move takes effect without a new container).
 *
 * @example
 * ```ts
 * const layoutChecked = legacyLayoutCheck(rootStore);
 * export const handler = async () => { await layoutChecked(); … };
 * ```
 */
export function legacyLayoutCheck(root: ObjectStore): () => Promise<void> {
  let passed: Promise<void> | undefined;
  return () => {
    passed ??= refuseLegacyLayout(root).catch((err: unknown) => {
      passed = undefined;
      throw err;
    });
    return passed;
  };
}

async function firstLegacyKey(root: ObjectStore): Promise<string | undefined> {
  const present = await Promise.all(
    LEGACY_STATE_KEYS.map(async (key) => (await root.getText(key)) !== undefined),
  );
  return LEGACY_STATE_KEYS[present.indexOf(true)];
}

/** What a migration did. */
export interface LayoutMigration {
  status: 'migrated' | 'nothing-to-migrate';
  consoleId: string;
  /** Objects copied into the console's folder. */
  copied: number;
  /** Legacy state objects removed after their copy (the Lambdas refuse to run while they exist). */
  removed: number;
}

/**
 * Moves a deployment from before consoles into the folder of the console `consoleId` (default
 * `default`, the one console of today's parameters): copies every object of `state/` and `current/`
 * and every committed list, then removes the old `state/` objects, last, so that an interrupted
 * migration is simply run again. The functions refuse to run until it is done, so nothing writes the
 * console's state meanwhile. A prefix without old state has nothing to migrate.
 *
 * @example
 * ```ts
 * const done = await migrateToConsoleLayout(root, listKeys);
 * ```
 */
export async function migrateToConsoleLayout(
  root: ObjectStore,
  list: KeyLister,
  consoleId: string = DEFAULT_CONSOLE_ID,
  onCopy?: (key: string) => void,
): Promise<LayoutMigration> {
  // Exactly what the functions refuse: a prefix they run on again (the sender lease at the root, say)
  // is not migrated a second time, which would copy the old current table over the console's.
  if ((await firstLegacyKey(root)) === undefined)
    return { status: 'nothing-to-migrate', consoleId, copied: 0, removed: 0 };
  const legacyState = (await list('state/')).filter((key) => !DEPLOYMENT_STATE_KEYS.has(key));
  const folder = consoleFolder(consoleId);
  // State last among the copies, so the lifecycle root is copied after the objects it names.
  const keys = (await Promise.all(MOVED_PREFIXES.slice(1).map(list))).flat();
  let copied = 0;
  for (const key of [...keys, ...legacyState]) {
    await copyObject(root, key, `${folder}${key}`);
    copied += 1;
    onCopy?.(key);
  }
  // The objects that mark the old layout go last: a migration stopped while removing is still
  // refused by the functions, and runs again whole.
  const markers = new Set(LEGACY_STATE_KEYS);
  for (const key of legacyState.filter((k) => !markers.has(k))) await root.delete(key);
  for (const key of legacyState.filter((k) => markers.has(k))) await root.delete(key);
  return { status: 'migrated', consoleId, copied, removed: legacyState.length };
}

/** Streams one object to another key of the same store; the copy is visible only once stored whole. */
async function copyObject(root: ObjectStore, from: string, to: string): Promise<void> {
  const upload = root.openUpload(to, to.endsWith('.json') ? 'application/json' : 'application/octet-stream');
  try {
    await pipeline(await root.getStream(from), upload.stream);
    await upload.done();
  } catch (err) {
    await upload.abort().catch(() => undefined);
    throw err;
  }
}
