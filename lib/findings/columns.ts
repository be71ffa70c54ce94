/**
 * The delivered row shapes as column lists: the one source of truth for the Athena DDL
 * (athena.ts renders it) and for the contract. A unit test holds these lists equal to the keys of
 * normalized rows, in order, so the DDL and the rows cannot drift apart.
 */
import type { DeliveredAsset } from './delivered-asset';
import type { DeliveredFinding } from './delivered-finding';

/** A column of a delivered row and its Athena (Hive DDL) type. */
export interface DeliveredColumn<Name extends string = string> {
  name: Name;
  athenaType: string;
}

const NAMED_ID = 'struct<id:string,name:string>';
const TEXT = 'string';
const TIME = 'timestamp';
const SCORE = 'double';
const LIST = 'array<string>';

/** Columns of a {@link DeliveredFinding}, in the order rows carry them. */
export const DELIVERED_FINDING_COLUMNS = [
  { name: 'finding_id', athenaType: TEXT },
  { name: 'asset_id', athenaType: TEXT },
  { name: 'state', athenaType: TEXT },
  { name: 'severity', athenaType: 'struct<id:int,name:string>' },
  { name: 'plugin_id', athenaType: 'int' },
  { name: 'plugin_name', athenaType: TEXT },
  { name: 'ip', athenaType: TEXT },
  { name: 'ips', athenaType: LIST },
  { name: 'port', athenaType: 'int' },
  { name: 'protocol', athenaType: TEXT },
  { name: 'dns_name', athenaType: TEXT },
  { name: 'netbios_name', athenaType: TEXT },
  { name: 'mac_address', athenaType: TEXT },
  { name: 'operating_system', athenaType: TEXT },
  { name: 'host_uuid', athenaType: TEXT },
  { name: 'repository', athenaType: NAMED_ID },
  { name: 'first_seen', athenaType: TIME },
  { name: 'last_seen', athenaType: TIME },
  { name: 'last_mitigated', athenaType: TIME },
  { name: 'age_days', athenaType: SCORE },
  { name: 'has_been_mitigated', athenaType: 'boolean' },
  { name: 'accept_risk', athenaType: 'boolean' },
  { name: 'recast_risk', athenaType: 'boolean' },
  { name: 'exploit_available', athenaType: 'boolean' },
  { name: 'exploit_ease', athenaType: TEXT },
  { name: 'exploit_frameworks', athenaType: TEXT },
  { name: 'risk_factor', athenaType: TEXT },
  { name: 'stig_severity', athenaType: TEXT },
  { name: 'vpr_score', athenaType: SCORE },
  { name: 'vpr_context', athenaType: TEXT },
  { name: 'key_drivers', athenaType: TEXT },
  { name: 'cvss_v2_base_score', athenaType: SCORE },
  { name: 'cvss_v2_temporal_score', athenaType: SCORE },
  { name: 'cvss_v2_vector', athenaType: TEXT },
  { name: 'cvss_v3_base_score', athenaType: SCORE },
  { name: 'cvss_v3_temporal_score', athenaType: SCORE },
  { name: 'cvss_v3_vector', athenaType: TEXT },
  { name: 'cvss_v4_base_score', athenaType: SCORE },
  { name: 'cvss_v4_vector', athenaType: TEXT },
  { name: 'epss_score', athenaType: SCORE },
  { name: 'acr_score', athenaType: SCORE },
  { name: 'asset_exposure_score', athenaType: SCORE },
  { name: 'cve', athenaType: LIST },
  { name: 'bid', athenaType: LIST },
  { name: 'xref', athenaType: LIST },
  { name: 'cpe', athenaType: LIST },
  { name: 'see_also', athenaType: LIST },
  { name: 'family', athenaType: 'struct<id:string,name:string,type:string>' },
  { name: 'check_type', athenaType: TEXT },
  { name: 'plugin_version', athenaType: TEXT },
  { name: 'synopsis', athenaType: TEXT },
  { name: 'description', athenaType: TEXT },
  { name: 'solution', athenaType: TEXT },
  { name: 'plugin_pub_date', athenaType: TIME },
  { name: 'plugin_mod_date', athenaType: TIME },
  { name: 'vuln_pub_date', athenaType: TIME },
  { name: 'patch_pub_date', athenaType: TIME },
  { name: 'seol_date', athenaType: TIME },
  { name: 'accept_risk_comment', athenaType: TEXT },
  { name: 'recast_risk_comment', athenaType: TEXT },
  { name: 'vuln_uuid', athenaType: TEXT },
  { name: 'was_url', athenaType: TEXT },
  { name: 'plugin_output', athenaType: TEXT },
  { name: 'plugin_output_truncated', athenaType: 'boolean' },
  { name: 'collected_at', athenaType: TIME },
  { name: 'run_id', athenaType: TEXT },
  { name: 'dataset', athenaType: TEXT },
  { name: 'sc_host', athenaType: TEXT },
  { name: 'sc_version', athenaType: TEXT },
  { name: 'console_id', athenaType: TEXT },
] as const satisfies readonly DeliveredColumn<keyof DeliveredFinding>[];

/** Columns of a {@link DeliveredAsset}, in the order rows carry them. */
export const DELIVERED_ASSET_COLUMNS = [
  { name: 'asset_id', athenaType: TEXT },
  { name: 'ip', athenaType: TEXT },
  { name: 'dns_name', athenaType: TEXT },
  { name: 'netbios_name', athenaType: TEXT },
  { name: 'mac_address', athenaType: TEXT },
  { name: 'os_cpe', athenaType: TEXT },
  { name: 'host_uuid', athenaType: TEXT },
  { name: 'bios_guid', athenaType: TEXT },
  { name: 'tpm_id', athenaType: TEXT },
  { name: 'mcafee_guid', athenaType: TEXT },
  { name: 'repository', athenaType: NAMED_ID },
  { name: 'score', athenaType: SCORE },
  { name: 'total', athenaType: 'bigint' },
  {
    name: 'severity_counts',
    athenaType: 'struct<info:bigint,low:bigint,medium:bigint,high:bigint,critical:bigint>',
  },
  { name: 'first_seen', athenaType: TIME },
  { name: 'last_seen', athenaType: TIME },
  { name: 'last_auth_run', athenaType: TIME },
  { name: 'last_unauth_run', athenaType: TIME },
  { name: 'policy_name', athenaType: TEXT },
  { name: 'plugin_set', athenaType: TEXT },
  { name: 'acr_score', athenaType: SCORE },
  { name: 'asset_exposure_score', athenaType: SCORE },
  { name: 'collected_at', athenaType: TIME },
  { name: 'run_id', athenaType: TEXT },
  { name: 'dataset', athenaType: TEXT },
  { name: 'sc_host', athenaType: TEXT },
  { name: 'sc_version', athenaType: TEXT },
  { name: 'console_id', athenaType: TEXT },
] as const satisfies readonly DeliveredColumn<keyof DeliveredAsset>[];
