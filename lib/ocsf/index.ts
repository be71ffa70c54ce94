/**
 * lib/ocsf: delivered rows → OCSF 1.1.0 or 1.3.0 records (issues 16, 22). Findings (`vulns`, `fixed`) become
 * Vulnerability Finding (2002), hosts (`assets`) Device Inventory Info (5001); the mapping, field by
 * field, is the README's OCSF table.
 *
 * @example
 * ```ts
 * import { vulnerabilityFindingOf } from '#lib/ocsf';
 * const record = vulnerabilityFindingOf(deliveredFinding);
 * ```
 */

export { ocsfAthenaDdl, PLACEHOLDER_OCSF_LOCATION } from './athena';
export {
  athenaTypeOf,
  DEVICE_INVENTORY_INFO_COLUMNS,
  type OcsfColumn,
  ocsfColumnsOf,
  VULNERABILITY_FINDING_COLUMNS,
  VULNERABILITY_FINDING_COLUMNS_1_1,
} from './columns';
export { commitOcsfRun, type OcsfCommit, type OcsfRun, type OcsfTarget, ocsfVersionOf } from './commit';
export {
  DEFAULT_OCSF_VERSION,
  OCSF_CLASSES,
  OCSF_VERSIONS,
  type OcsfClass,
  type OcsfClassKey,
  type OcsfVersion,
  PRODUCT_NAME,
  VENDOR_NAME,
} from './constants';
export { deviceInventoryInfoOf } from './device-inventory-info';
export { type OcsfInputAddress, OcsfInputCorruptError, SecurityLakeWriteError } from './errors';
export {
  type OcsfFileInfo,
  type OcsfRunManifest,
  ocsfFileInfoSchema,
  ocsfRunManifestSchema,
} from './manifest';
export { osOf } from './os';
export { type OcsfCodec, PAGE_SIZE_BYTES, runtimeCodec } from './parquet';
export {
  eventDayOf,
  type OcsfPartContext,
  type OcsfPartFile,
  ocsfClassOf,
  ocsfFileKey,
  ocsfFilesForPart,
  ocsfFilesOfStored,
  PARQUET_CONTENT_TYPE,
  ROW_GROUP_MAX_INPUT_BYTES,
  ROW_GROUP_MAX_ROWS,
  storeOcsfFile,
} from './part-file';
export {
  type AssumedCredentials,
  createSecurityLakeWriter,
  type SecurityLakeOptions,
  type SecurityLakeSource,
  type SecurityLakeWriter,
} from './security-lake';
export type * from './types';
export { type FindingRecordInput, vulnerabilityFindingOf } from './vulnerability-finding';
