/**
 * The Parquet columns of the two OCSF classes, as one tree per class: the Parquet schema, the
 * Athena DDL and the projection of records onto columns all come from it, so they cannot drift
 * apart. Structs and lists are real nested columns (3-level LIST groups), never JSON text. OCSF
 * timestamp_t and long_t are INT64 (Athena bigint), as in Security Lake's own tables. The two OCSF
 * versions sc2aws writes differ in one column: Vulnerability Finding's affected host is `resource`
 * (a struct) in 1.1.0 and `resources` (a list) in 1.3.0.
 */
import type { OcsfClassKey, OcsfVersion } from './constants';

export type LeafType = 'string' | 'int' | 'long' | 'double' | 'boolean';
export type OcsfColumn =
  | { name: string; type: LeafType }
  | { name: string; struct: readonly OcsfColumn[] }
  | {
      name: string;
      list: LeafType | readonly OcsfColumn[];
      /**
       * OCSF requires the attribute: a list without elements is written as an empty list. Any
       * other list without elements is null, as an absent attribute is.
       */
      keptEmpty?: true;
    };

const s = (name: string): OcsfColumn => ({ name, type: 'string' });
const int = (name: string): OcsfColumn => ({ name, type: 'int' });
const long = (name: string): OcsfColumn => ({ name, type: 'long' });
const dbl = (name: string): OcsfColumn => ({ name, type: 'double' });
const bool = (name: string): OcsfColumn => ({ name, type: 'boolean' });
const struct = (name: string, fields: readonly OcsfColumn[]): OcsfColumn => ({ name, struct: fields });
const list = (name: string, item: LeafType | readonly OcsfColumn[]): OcsfColumn => ({ name, list: item });
const requiredList = (name: string, item: readonly OcsfColumn[]): OcsfColumn => ({
  name,
  list: item,
  keptEmpty: true,
});

const CLASSIFICATION = [
  int('activity_id'),
  s('activity_name'),
  int('category_uid'),
  s('category_name'),
  int('class_uid'),
  s('class_name'),
  long('type_uid'),
  s('type_name'),
  long('time'),
  int('severity_id'),
  s('severity'),
];

const METADATA = struct('metadata', [
  s('version'),
  struct('product', [s('name'), s('vendor_name'), s('version')]),
  list('profiles', 'string'),
  s('uid'),
  s('correlation_uid'),
  s('log_name'),
  s('log_provider'),
  long('logged_time'),
  s('tenant_uid'),
]);

const GROUP = [s('uid'), s('name')];

const DEVICE = struct('device', [
  int('type_id'),
  s('type'),
  s('uid'),
  s('uid_alt'),
  s('ip'),
  s('hostname'),
  s('name'),
  s('mac'),
  struct('os', [s('name'), int('type_id'), s('type'), s('cpe_name')]),
  list('groups', GROUP),
  int('risk_score'),
  long('first_seen_time'),
  long('last_seen_time'),
]);

/** `observables` (objects/observable.json): the same in both classes and both versions. */
const OBSERVABLES = list('observables', [s('name'), int('type_id'), s('type'), s('value')]);

const RESOURCE = [s('uid'), s('name'), s('type'), s('criticality'), struct('group', GROUP)];

const VULNERABILITY = [
  struct('cve', [
    s('uid'),
    list('cvss', [s('version'), dbl('base_score'), dbl('overall_score'), s('vector_string')]),
    struct('epss', [s('score')]),
  ]),
  struct('cwe', [s('uid'), s('caption')]),
  s('title'),
  s('desc'),
  s('severity'),
  s('vendor_name'),
  list('references', 'string'),
  list('related_vulnerabilities', 'string'),
  struct('remediation', [s('desc')]),
  bool('is_exploit_available'),
  bool('is_fix_available'),
  long('first_seen_time'),
  long('last_seen_time'),
];

/** Vulnerability Finding (2002) of `resources` (1.3.0) or `resource` (1.1.0): the columns, in file order. */
function vulnerabilityFindingColumns(affected: OcsfColumn): readonly OcsfColumn[] {
  return [
    ...CLASSIFICATION,
    int('status_id'),
    s('status'),
    s('status_detail'),
    s('message'),
    s('comment'),
    METADATA,
    struct('finding_info', [
      s('uid'),
      s('title'),
      s('desc'),
      struct('analytic', [s('uid'), s('name'), int('type_id'), s('type'), s('category'), s('version')]),
      list('types', 'string'),
      long('first_seen_time'),
      long('last_seen_time'),
    ]),
    // OCSF requires `vulnerabilities`: a finding without CVE or CWE has an empty list.
    requiredList('vulnerabilities', VULNERABILITY),
    DEVICE,
    affected,
    OBSERVABLES,
    struct('unmapped', [
      int('port'),
      s('protocol'),
      list('ips', 'string'),
      dbl('age_days'),
      bool('recast_risk'),
      s('exploit_ease'),
      s('exploit_frameworks'),
      s('risk_factor'),
      s('stig_severity'),
      dbl('vpr_score'),
      s('vpr_context'),
      s('key_drivers'),
      dbl('cvss_v2_base_score'),
      dbl('cvss_v2_temporal_score'),
      s('cvss_v2_vector'),
      dbl('cvss_v3_base_score'),
      dbl('cvss_v3_temporal_score'),
      s('cvss_v3_vector'),
      dbl('cvss_v4_base_score'),
      s('cvss_v4_vector'),
      dbl('epss_score'),
      s('vuln_pub_date'),
      s('solution'),
      list('see_also', 'string'),
      bool('exploit_available'),
      list('related_vulnerabilities', 'string'),
      list('cpe', 'string'),
      struct('family', [s('id'), s('name'), s('type')]),
      s('check_type'),
      s('plugin_pub_date'),
      s('plugin_mod_date'),
      s('patch_pub_date'),
      s('seol_date'),
      s('recast_risk_comment'),
      s('vuln_uuid'),
      s('was_url'),
      s('plugin_output'),
      bool('plugin_output_truncated'),
    ]),
  ];
}

/** Vulnerability Finding (2002) in OCSF 1.3.0: the columns, in file order. */
export const VULNERABILITY_FINDING_COLUMNS: readonly OcsfColumn[] = vulnerabilityFindingColumns(
  list('resources', RESOURCE),
);

/** Vulnerability Finding (2002) in OCSF 1.1.0: the columns, in file order. */
export const VULNERABILITY_FINDING_COLUMNS_1_1: readonly OcsfColumn[] = vulnerabilityFindingColumns(
  struct('resource', RESOURCE),
);

/** Device Inventory Info (5001): the columns, in file order. */
export const DEVICE_INVENTORY_INFO_COLUMNS: readonly OcsfColumn[] = [
  ...CLASSIFICATION,
  METADATA,
  DEVICE,
  OBSERVABLES,
  struct('unmapped', [
    s('bios_guid'),
    s('tpm_id'),
    s('mcafee_guid'),
    dbl('score'),
    long('total'),
    struct('severity_counts', [long('info'), long('low'), long('medium'), long('high'), long('critical')]),
    s('last_auth_run'),
    s('last_unauth_run'),
    s('policy_name'),
    s('plugin_set'),
    dbl('acr_score'),
  ]),
];

/**
 * The columns of one OCSF class in one version: what its Parquet files hold and its Athena table
 * reads.
 *
 * @example
 * ```ts
 * const columns = ocsfColumnsOf('vulnerabilityFinding', '1.1.0');
 * ```
 */
export function ocsfColumnsOf(classKey: OcsfClassKey, version: OcsfVersion): readonly OcsfColumn[] {
  if (classKey === 'deviceInventoryInfo') return DEVICE_INVENTORY_INFO_COLUMNS;
  return version === '1.1.0' ? VULNERABILITY_FINDING_COLUMNS_1_1 : VULNERABILITY_FINDING_COLUMNS;
}

const ATHENA: Record<LeafType, string> = {
  string: 'string',
  int: 'int',
  long: 'bigint',
  double: 'double',
  boolean: 'boolean',
};

/** The Athena (Hive DDL) type of a column: `struct<…>`, `array<…>`, `bigint` … */
export function athenaTypeOf(column: OcsfColumn): string {
  if ('type' in column) return ATHENA[column.type];
  if ('struct' in column)
    return `struct<${column.struct.map((f) => `${f.name}:${athenaTypeOf(f)}`).join(',')}>`;
  const item = column.list;
  return typeof item === 'string'
    ? `array<${ATHENA[item]}>`
    : `array<struct<${item.map((f) => `${f.name}:${athenaTypeOf(f)}`).join(',')}>>`;
}
