/**
 * The OCSF versions sc2aws writes, and the default of each output (lib/product, where lib/config
 * reads them too). For classes 2002 and 5001 they differ, in what sc2aws fills, in one attribute:
 * the finding's affected host is `resource` (one object) in 1.1.0 and `resources` (a list) in 1.3.0.
 */
export { DEFAULT_OCSF_VERSION, OCSF_VERSIONS, type OcsfVersion } from '#lib/product';

/** The two event classes sc2aws writes, one class per file and per Security Lake source. */
export const OCSF_CLASSES = {
  vulnerabilityFinding: {
    classUid: 2002,
    className: 'Vulnerability Finding',
    categoryUid: 2,
    categoryName: 'Findings',
    /** The folder name in keys (`class=vulnerability_finding`). */
    name: 'vulnerability_finding',
  },
  deviceInventoryInfo: {
    classUid: 5001,
    className: 'Device Inventory Info',
    categoryUid: 5,
    categoryName: 'Discovery',
    name: 'device_inventory_info',
  },
} as const;

export type OcsfClassKey = keyof typeof OCSF_CLASSES;
export type OcsfClass = (typeof OCSF_CLASSES)[OcsfClassKey];

/** `metadata.product` of every record. */
export const PRODUCT_NAME = 'Tenable Security Center';
export const VENDOR_NAME = 'Tenable';

/**
 * Profiles the records follow (`metadata.profiles`): `host` (the `device` of the finding). The
 * JSON Schema the tests validate against is compiled with exactly these applied.
 */
export const OCSF_PROFILES = ['host'] as const;

/** OCSF's string_t holds at most 65 535 bytes of UTF-8; longer text is cut at a character boundary. */
export const MAX_STRING_BYTES = 65_535;
