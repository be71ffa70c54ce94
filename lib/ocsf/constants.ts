/** The OCSF version every record declares (`metadata.version`); Security Lake accepts up to 1.3. */
export const OCSF_VERSION = '1.3.0';

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

/**
 * The CWE a vulnerability gets when its plugin names neither a CVE nor a CWE: NVD's own marker
 * for "insufficient information". OCSF's vulnerability object needs one of the two; this keeps
 * the finding (many configuration and certificate checks have neither) without inventing a CVE.
 */
export const NO_WEAKNESS_CWE = { uid: 'NVD-CWE-noinfo', caption: 'Insufficient Information' } as const;

/** OCSF's string_t holds at most 65 535 bytes of UTF-8; longer text is cut at a character boundary. */
export const MAX_STRING_BYTES = 65_535;
