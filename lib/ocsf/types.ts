/**
 * The OCSF attributes sc2aws fills, as TypeScript, for both versions it writes (1.1.0 and 1.3.0;
 * where they differ, the attribute says which has it). Optional attributes are left out of a
 * record when there is no value (OCSF has no nulls); the Parquet columns are these same shapes
 * (columns.ts), and tests hold both to the schema compiled from the OCSF source of each version.
 */

export interface OcsfProduct {
  name: string;
  vendor_name: string;
  version?: string | undefined;
}

export interface OcsfMetadata {
  version: string;
  product: OcsfProduct;
  profiles: string[];
  /** Deterministic per record: the same run and row give the same uid, so redelivery is identical. */
  uid: string;
  correlation_uid: string;
  log_name: string;
  log_provider: string;
  logged_time?: number | undefined;
  /** The console of the deployment (README "Several SC consoles"): OCSF's "unique tenant identifier". */
  tenant_uid?: string | undefined;
}

export interface OcsfOs {
  name: string;
  type_id: number;
  type: string;
  cpe_name?: string | undefined;
}

/**
 * One value worth searching across sources (OCSF `observables`): `name` is the attribute that
 * holds it, `type_id` the schema's observable type (1 Hostname, 2 IP Address, 3 MAC Address; a
 * CVE id is 18 in 1.3.0 and 99 Other in 1.1.0, which has no CVE type).
 */
export interface OcsfObservable {
  name: string;
  type_id: number;
  type: string;
  value: string;
}

export interface OcsfGroup {
  uid?: string | undefined;
  name?: string | undefined;
}

export interface OcsfDevice {
  type_id: number;
  type: string;
  uid: string;
  uid_alt?: string | undefined;
  ip?: string | undefined;
  hostname?: string | undefined;
  name?: string | undefined;
  mac?: string | undefined;
  os?: OcsfOs | undefined;
  groups?: OcsfGroup[] | undefined;
  risk_score?: number | undefined;
  first_seen_time?: number | undefined;
  last_seen_time?: number | undefined;
}

export interface OcsfResource {
  uid: string;
  name?: string | undefined;
  type: string;
  criticality?: string | undefined;
  group?: OcsfGroup | undefined;
}

export interface OcsfCvss {
  version: string;
  base_score: number;
  overall_score?: number | undefined;
  vector_string?: string | undefined;
}

export interface OcsfCve {
  uid: string;
  cvss?: OcsfCvss[] | undefined;
  epss?: { score: string } | undefined;
}

export interface OcsfCwe {
  uid: string;
  caption?: string | undefined;
}

export interface OcsfVulnerability {
  cve?: OcsfCve | undefined;
  cwe?: OcsfCwe | undefined;
  title?: string | undefined;
  desc?: string | undefined;
  severity?: string | undefined;
  vendor_name: string;
  references?: string[] | undefined;
  related_vulnerabilities?: string[] | undefined;
  remediation?: { desc: string } | undefined;
  is_exploit_available?: boolean | undefined;
  is_fix_available?: boolean | undefined;
  first_seen_time?: number | undefined;
  last_seen_time?: number | undefined;
}

export interface OcsfAnalytic {
  uid: string;
  name?: string | undefined;
  type_id: number;
  type: string;
  category?: string | undefined;
  version?: string | undefined;
}

export interface OcsfFindingInfo {
  uid: string;
  title: string;
  desc?: string | undefined;
  analytic: OcsfAnalytic;
  types?: string[] | undefined;
  first_seen_time?: number | undefined;
  last_seen_time?: number | undefined;
}

/** What the classes share: classification, occurrence, severity, metadata. */
interface OcsfEventBase {
  activity_id: number;
  activity_name: string;
  category_uid: number;
  category_name: string;
  class_uid: number;
  class_name: string;
  type_uid: number;
  type_name: string;
  time: number;
  severity_id: number;
  severity: string;
  metadata: OcsfMetadata;
}

/** Vulnerability Finding (2002): one delivered finding. */
export interface VulnerabilityFindingEvent extends OcsfEventBase {
  status_id: number;
  status: string;
  status_detail?: string | undefined;
  message?: string | undefined;
  comment?: string | undefined;
  finding_info: OcsfFindingInfo;
  /** Empty when the plugin names neither a CVE nor a CWE (README "OCSF output", Vulnerabilities). */
  vulnerabilities: OcsfVulnerability[];
  device: OcsfDevice;
  /** OCSF 1.3.0. */
  resources?: OcsfResource[] | undefined;
  /** OCSF 1.1.0, which has no `resources`. */
  resource?: OcsfResource | undefined;
  observables?: OcsfObservable[] | undefined;
  unmapped: FindingUnmapped;
}

/** Device Inventory Info (5001): one delivered host. */
export interface DeviceInventoryInfoEvent extends OcsfEventBase {
  device: OcsfDevice;
  observables?: OcsfObservable[] | undefined;
  unmapped: AssetUnmapped;
}

export type OcsfEvent = VulnerabilityFindingEvent | DeviceInventoryInfoEvent;

/**
 * Delivered fields without an OCSF attribute, under OCSF's `unmapped` object with their delivered
 * names and values (times stay ISO text), so nothing SC said is lost. The plugin's scores (CVSS,
 * EPSS) and its vulnerability publication date are always here: SC gives them for the plugin, and
 * OCSF has a place for scores only on one CVE. The plugin's solution, references, exploit
 * availability and related ids are here only when there is no vulnerability entry to hold them.
 */
export interface FindingUnmapped {
  port?: number | undefined;
  protocol?: string | undefined;
  ips?: string[] | undefined;
  age_days?: number | undefined;
  recast_risk?: boolean | undefined;
  exploit_ease?: string | undefined;
  exploit_frameworks?: string | undefined;
  risk_factor?: string | undefined;
  stig_severity?: string | undefined;
  vpr_score?: number | undefined;
  vpr_context?: string | undefined;
  key_drivers?: string | undefined;
  cvss_v2_base_score?: number | undefined;
  cvss_v2_temporal_score?: number | undefined;
  cvss_v2_vector?: string | undefined;
  cvss_v3_base_score?: number | undefined;
  cvss_v3_temporal_score?: number | undefined;
  cvss_v3_vector?: string | undefined;
  cvss_v4_base_score?: number | undefined;
  cvss_v4_vector?: string | undefined;
  epss_score?: number | undefined;
  vuln_pub_date?: string | undefined;
  solution?: string | undefined;
  see_also?: string[] | undefined;
  exploit_available?: boolean | undefined;
  related_vulnerabilities?: string[] | undefined;
  cpe?: string[] | undefined;
  family?: { id?: string | undefined; name?: string | undefined; type?: string | undefined } | undefined;
  check_type?: string | undefined;
  plugin_pub_date?: string | undefined;
  plugin_mod_date?: string | undefined;
  patch_pub_date?: string | undefined;
  seol_date?: string | undefined;
  recast_risk_comment?: string | undefined;
  vuln_uuid?: string | undefined;
  was_url?: string | undefined;
  plugin_output?: string | undefined;
  plugin_output_truncated: boolean;
}

export interface AssetUnmapped {
  bios_guid?: string | undefined;
  tpm_id?: string | undefined;
  mcafee_guid?: string | undefined;
  score?: number | undefined;
  total?: number | undefined;
  severity_counts?:
    | {
        info?: number | undefined;
        low?: number | undefined;
        medium?: number | undefined;
        high?: number | undefined;
        critical?: number | undefined;
      }
    | undefined;
  last_auth_run?: string | undefined;
  last_unauth_run?: string | undefined;
  policy_name?: string | undefined;
  plugin_set?: string | undefined;
  acr_score?: number | undefined;
}
