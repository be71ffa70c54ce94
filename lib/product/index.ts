/**
 * Product identity, used for the User-Agent Tenable asks integrations to send
 * (`Integration/1.0 (<vendor>; <product>; Build/<version>)`, reference §7.10).
 * A unit test keeps PRODUCT_VERSION equal to package.json's version.
 */
export { consoleFolder, consolePrefix, DEFAULT_CONSOLE_ID } from './consoles';
export { DATASETS, type Dataset, isDataset } from './datasets';
export { DEFAULT_OCSF_VERSION, OCSF_VERSIONS, type OcsfVersion } from './ocsf-versions';
export { type RunWindow, runWindowSchema } from './run-window';
export { DEFAULT_WAS_FINDINGS, isWasFindings, WAS_FINDINGS, type WasFindings } from './was-findings';

export const PRODUCT_NAME = 'sc2aws';
export const PRODUCT_VERSION = '0.1.0';
const PRODUCT_VENDOR = 'sc2aws';

/** The User-Agent value for SC requests. */
export function integrationUserAgent(vendor: string = PRODUCT_VENDOR): string {
  return `Integration/1.0 (${vendor}; ${PRODUCT_NAME}; Build/${PRODUCT_VERSION})`;
}
