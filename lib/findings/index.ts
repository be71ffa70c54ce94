/**
 * lib/findings: SC rows → delivered rows for downstream consumers (issue 5). One function per
 * row, {@link normalizeRow}, typed and never throwing; stable ids ({@link findingId},
 * {@link assetId}); the row shapes as column lists and the Athena DDL rendered from them.
 * The consumer contract, with example rows: lib/findings/CONTRACT.md.
 *
 * @example
 * ```ts
 * import { createNormalizeContext, normalizeRow } from '#lib/findings';
 * const ctx = createNormalizeContext({ dataset: 'vulns', runId, collectedAt: new Date(), scHost, scVersion });
 * const result = normalizeRow(JSON.parse(line), ctx);
 * if (result.ok) out.write(`${JSON.stringify(result.row)}\n`);
 * else rejected.write({ reason: result.reason });
 * ```
 */
export {
  type AthenaTableOptions,
  athenaAssetsDdl,
  athenaFindingsDdl,
  checkConsoles,
  checkLocation,
  checkTable,
  consoleNotes,
  consoleProjection,
  consoleTemplate,
  DT_PROJECTION,
  locationNote,
  PLACEHOLDER_DATA_LOCATION,
  renderSymlinkTable,
  type SymlinkTableSpec,
} from './athena';
export { DELIVERED_ASSET_COLUMNS, DELIVERED_FINDING_COLUMNS, type DeliveredColumn } from './columns';
export {
  DEFAULT_PLUGIN_OUTPUT_MAX_BYTES,
  MAX_PLUGIN_OUTPUT_MAX_BYTES,
} from './constants';
export { createNormalizeContext, type NormalizeContextOptions } from './context';
export type { DeliveredAsset, SeverityCounts } from './delivered-asset';
export type { DeliveredFinding } from './delivered-finding';
export { FindingsOptionError, RowRejectedError } from './errors';
export { assetId, findingId } from './identity';
export { normalizeRow } from './normalize';
export { unwrapPluginOutput, utf8CutIndex } from './plugin-output';
export type { Dataset, NamedId, NormalizeContext, NormalizeResult, WireRow } from './types';
