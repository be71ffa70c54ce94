/**
 * The OCSF versions sc2aws writes (`OCSF_VERSION`; every record's `metadata.version`). Here, not in
 * lib/ocsf, because lib/config checks the setting at every cold start and lib/ocsf (the Parquet
 * writer) is loaded only when OCSF output is on.
 *
 * 1.1.0 is what AWS's custom-source validator (aws-samples/amazon-security-lake-ocsf-validation)
 * accepts and what Security Lake's own v2 sources write; 1.3.0 is the newer schema.
 */
export const OCSF_VERSIONS = ['1.1.0', '1.3.0'] as const;
export type OcsfVersion = (typeof OCSF_VERSIONS)[number];

/** `OCSF_VERSION` when unset: 1.1.0 for Security Lake (what its tooling expects), 1.3.0 for the bucket. */
export const DEFAULT_OCSF_VERSION = { 'security-lake': '1.1.0', bucket: '1.3.0' } as const satisfies Record<
  'security-lake' | 'bucket',
  OcsfVersion
>;
