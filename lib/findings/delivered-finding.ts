import type { Dataset, NamedId } from './types';

/**
 * One delivered finding (datasets `vulns` and `fixed`): the consumer contract. Every field is
 * always present; "no value" is `null` (lists: `[]`). Times are ISO-8601 UTC text as written by
 * `Date.prototype.toISOString` (`2024-03-04T12:00:00.000Z`). Scores are numbers; SC object ids
 * (repository, family) stay strings because they are opaque keys of one SC, while `plugin_id` and
 * `severity.id` are numbers because they are Tenable-wide numbers people compare and sort.
 * Column order and Athena types: {@link DELIVERED_FINDING_COLUMNS}; example rows: CONTRACT.md.
 */
export interface DeliveredFinding {
  /** 32 hex chars, stable across runs and datasets: sha256 of repository id, ip, host uuid or DNS name, port, protocol, pluginID. */
  finding_id: string;
  /** 32 hex chars: sha256 of repository id, ip, host uuid or DNS name; equals the host's `asset_id` in `assets`. */
  asset_id: string;
  /** `open`; `reopened` when SC says it was mitigated before (`hasBeenMitigated` "1"); `fixed` for every `fixed` row. */
  state: 'open' | 'reopened' | 'fixed';
  /** SC severity: id 0–4 (Info, Low, Medium, High, Critical) and its name. */
  severity: { id: number | null; name: string | null } | null;
  /** Nessus plugin id (`pluginID`). */
  plugin_id: number;
  plugin_name: string | null;
  /** The address of the host in its repository. */
  ip: string;
  /** Every address SC knows for the host (`ips`, comma-separated on the wire). */
  ips: string[];
  /** 0 for host-level findings. */
  port: number | null;
  /** Upper case: TCP, UDP, ICMP. */
  protocol: string | null;
  dns_name: string | null;
  netbios_name: string | null;
  mac_address: string | null;
  operating_system: string | null;
  /** The agent's host uuid (`hostUUID`, else `uuid`); null for network-scanned hosts. */
  host_uuid: string | null;
  /** The SC repository the finding lives in; `id` is a string ("1"). */
  repository: NamedId | null;
  /** When SC first saw the finding. */
  first_seen: string | null;
  /** When SC last saw the finding. */
  last_seen: string | null;
  /** When SC saw it fixed (`lastMitigated`); `fixed` rows only, else null. */
  last_mitigated: string | null;
  /** Days from first to last seen, rounded down to 0.1 day (never overstates an SLA age); null without both. */
  age_days: number | null;
  /** SC's `hasBeenMitigated`: it was fixed once and came back. */
  has_been_mitigated: boolean | null;
  /** A risk acceptance rule covers the finding (`acceptRisk`). */
  accept_risk: boolean | null;
  /** A recast rule changed its severity (`recastRisk`). */
  recast_risk: boolean | null;
  /** From "Yes"/"No". */
  exploit_available: boolean | null;
  exploit_ease: string | null;
  exploit_frameworks: string | null;
  risk_factor: string | null;
  stig_severity: string | null;
  /** Tenable VPR, 0.1–10. */
  vpr_score: number | null;
  /** SC's `vprContext`: a JSON document as text (parse it with json_parse in Athena). */
  vpr_context: string | null;
  key_drivers: string | null;
  /** CVSS v2 base score (`baseScore`). */
  cvss_v2_base_score: number | null;
  /** CVSS v2 temporal score (`temporalScore`). */
  cvss_v2_temporal_score: number | null;
  cvss_v2_vector: string | null;
  cvss_v3_base_score: number | null;
  cvss_v3_temporal_score: number | null;
  cvss_v3_vector: string | null;
  cvss_v4_base_score: number | null;
  cvss_v4_vector: string | null;
  /** EPSS probability, 0–1. */
  epss_score: number | null;
  /** Asset Criticality Rating of the host, 1–10. */
  acr_score: number | null;
  /** Asset Exposure Score of the host, 0–1000. */
  asset_exposure_score: number | null;
  /** CVE ids (`cve`, comma-separated on the wire). */
  cve: string[];
  /** Bugtraq ids (`bid`, comma-separated on the wire). */
  bid: string[];
  /** Cross references such as "CWE #20" (`xref`, comma-separated on the wire). */
  xref: string[];
  /** CPEs (`cpe`, joined with `<br/>` on the wire). */
  cpe: string[];
  /** Reference URLs (`seeAlso`, one per line on the wire). */
  see_also: string[];
  /** Plugin family; ids are strings. */
  family: { id: string | null; name: string | null; type: string | null } | null;
  /** `local`, `remote`, … */
  check_type: string | null;
  /** The plugin's revision (`version`). */
  plugin_version: string | null;
  synopsis: string | null;
  description: string | null;
  solution: string | null;
  plugin_pub_date: string | null;
  plugin_mod_date: string | null;
  vuln_pub_date: string | null;
  patch_pub_date: string | null;
  /** Security end of life date (`seolDate`). */
  seol_date: string | null;
  accept_risk_comment: string | null;
  recast_risk_comment: string | null;
  /** SC's `vulnUUID`; often null (network scans). */
  vuln_uuid: string | null;
  /** The web application's URL (`wasURL`) on web-application-scanning findings; null on host findings. */
  was_url: string | null;
  /** `pluginText` without the `<plugin_output>` wrapper, cut to the configured UTF-8 byte cap at a character boundary. */
  plugin_output: string | null;
  /** True when `plugin_output` was cut. */
  plugin_output_truncated: boolean;
  /** When the run collected the row (the run time, not first seen). */
  collected_at: string;
  run_id: string;
  dataset: Exclude<Dataset, 'assets'>;
  /** SC's host name. */
  sc_host: string;
  sc_version: string | null;
  /** The console of the deployment the row came from (README "Several SC consoles"). */
  console_id: string;
}
