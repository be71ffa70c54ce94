import { DATASETS, DEFAULT_CONSOLE_ID, isDataset } from '#lib/product';
import { DEFAULT_PLUGIN_OUTPUT_MAX_BYTES, MAX_PLUGIN_OUTPUT_MAX_BYTES } from './constants';
import { FindingsOptionError } from './errors';
import type { Dataset, NormalizeContext } from './types';

/** What a run knows; {@link createNormalizeContext} checks it and fills the defaults. */
export interface NormalizeContextOptions {
  dataset: Dataset;
  runId: string;
  /** The run time: a Date or ISO-8601 text with a zone; delivered as `toISOString` text. */
  collectedAt: Date | string;
  scHost: string;
  scVersion?: string | null;
  /** The console the run came from; default `default`. */
  consoleId?: string;
  /** Default {@link DEFAULT_PLUGIN_OUTPUT_MAX_BYTES}. */
  pluginOutputMaxBytes?: number;
}

// ISO-8601 with a date, a time and an explicit zone: a zoneless time would be read as local time.
const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

function collectedAtOf(value: Date | string): string {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string' && ZONED_ISO.test(value)
        ? Date.parse(value)
        : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new FindingsOptionError(
      'collectedAt',
      'must be a Date or ISO-8601 text with a zone',
      "'2024-03-04T12:00:00.000Z'",
    );
  }
  return new Date(ms).toISOString();
}

function nonEmpty(value: unknown, option: string, example: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new FindingsOptionError(option, 'must be non-empty text', example);
  }
  return value.trim();
}

/**
 * Checks a run's context once, before its rows: the collected-at time becomes canonical
 * `toISOString` text (the same shape as every other delivered time) and the plugin output cap
 * gets its default. Throws {@link FindingsOptionError} naming the option at fault.
 *
 * @example
 * ```ts
 * const ctx = createNormalizeContext({ dataset: 'vulns', runId, collectedAt: new Date(), scHost: 'sc.example.com', scVersion: '6.4.0' });
 * for (const raw of rows) { const result = normalizeRow(raw, ctx); … }
 * ```
 */
export function createNormalizeContext(options: NormalizeContextOptions): NormalizeContext {
  if (!isDataset(options.dataset)) {
    throw new FindingsOptionError('dataset', `must be one of ${DATASETS.join(', ')}`, "'vulns'");
  }
  const max = options.pluginOutputMaxBytes ?? DEFAULT_PLUGIN_OUTPUT_MAX_BYTES;
  if (!Number.isInteger(max) || max < 0 || max > MAX_PLUGIN_OUTPUT_MAX_BYTES) {
    throw new FindingsOptionError(
      'pluginOutputMaxBytes',
      `must be a whole number of bytes from 0 to ${MAX_PLUGIN_OUTPUT_MAX_BYTES} (got ${String(max)})`,
      String(DEFAULT_PLUGIN_OUTPUT_MAX_BYTES),
    );
  }
  const scVersion = options.scVersion ?? null;
  if (scVersion !== null && typeof scVersion !== 'string') {
    throw new FindingsOptionError('scVersion', 'must be text or null', "'6.4.0'");
  }
  return {
    dataset: options.dataset,
    runId: nonEmpty(options.runId, 'runId', "'20240304T120000Z-vulns'"),
    collectedAt: collectedAtOf(options.collectedAt),
    scHost: nonEmpty(options.scHost, 'scHost', "'sc.example.com'"),
    scVersion: scVersion === null || scVersion.trim() === '' ? null : scVersion.trim(),
    pluginOutputMaxBytes: max,
    consoleId: options.consoleId ?? DEFAULT_CONSOLE_ID,
  };
}
