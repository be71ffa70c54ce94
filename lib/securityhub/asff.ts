/**
 * One SC finding as an ASFF finding (Security Hub CSPM's format, `SchemaVersion` 2018-10-08), made
 * from a change row or a current row. Every field rule of the README's "Security Hub" section lives
 * here; ./validate.ts then checks the result against AWS's model before it is sent.
 */
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import {
  ASFF_SCHEMA_VERSION,
  FIELD_MAP_KEY_MAX,
  FIELD_MAP_MAX_PAIRS,
  FIELD_MAP_VALUE_MAX,
  MAX_FINDING_BYTES,
  PRODUCT_FIELD_VALUE_MAX,
  TYPE_CVE,
  TYPE_VULNERABILITY,
} from './constants';
import type { FindingRow } from './finding-row';
import { cutText, fieldMap, utf8Bytes } from './text';

/** Where the findings go: the account's own custom-integration product. */
export interface AsffTarget {
  accountId: string;
  region: string;
  /** `aws`, `aws-cn`, `aws-us-gov`. */
  partition: string;
}

/** The times a finding is sent with: from the ledger of what was sent before (./ledger.ts). */
export interface AsffTimes {
  /** When the finding was first sent (now, for a finding never sent). */
  createdAt: string;
  /** Later than any `UpdatedAt` sent for the finding before. */
  updatedAt: string;
}

/** `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`. */
export function productArnOf(target: AsffTarget): string {
  return `arn:${target.partition}:securityhub:${target.region}:${target.accountId}:product/${target.accountId}/default`;
}

/** The ASFF `Id` of a finding: the same for every send of the same SC finding. */
export function asffIdOf(findingId: string): string {
  return `sc2aws/${findingId}`;
}

const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
const SEVERITY_NAMES = ['Info', 'Low', 'Medium', 'High', 'Critical'];

/** ARCHIVED: fixed, or risk accepted in SC (nothing left to triage); ACTIVE otherwise. */
export function recordStateOf(row: FindingRow): 'ACTIVE' | 'ARCHIVED' {
  return row.state === 'fixed' || row.accept_risk === true ? 'ARCHIVED' : 'ACTIVE';
}

/** CVSS `Version` as SC states it: a v3 vector names 3.0 or 3.1; v2 and v4 are one version each. */
function cvssOf(row: FindingRow) {
  const cvss: { Version: string; BaseScore: number; BaseVector?: string; Source: string }[] = [];
  const add = (version: string, score: number | null, vector: string | null) => {
    if (score === null) return;
    const BaseVector = vector === null || vector.trim() === '' ? undefined : cutText(vector, 256);
    cvss.push({
      Version: version,
      BaseScore: score,
      ...(BaseVector ? { BaseVector } : {}),
      Source: 'Tenable',
    });
  };
  add('4.0', row.cvss_v4_base_score, row.cvss_v4_vector);
  const v3 = /^CVSS:(3\.[01])\//.exec(row.cvss_v3_vector ?? '')?.[1] ?? '3.0';
  add(v3, row.cvss_v3_base_score, row.cvss_v3_vector);
  add('2.0', row.cvss_v2_base_score, row.cvss_v2_vector);
  return cvss;
}

/** One entry per CVE (none for a plugin without a CVE: its scores stay in ProductFields). */
function vulnerabilitiesOf(row: FindingRow, cves: readonly string[]) {
  const cvss = cvssOf(row);
  const references = row.see_also.filter((u) => /^https?:\/\/\S+$/.test(u)).slice(0, 10);
  return cves.map((cve) => ({
    Id: cve,
    ...(cvss.length === 0 ? {} : { Cvss: cvss }),
    Vendor: { Name: 'Tenable', Url: `https://www.tenable.com/plugins/nessus/${row.plugin_id}` },
    ...(references.length === 0 ? {} : { ReferenceUrls: references }),
    // SC states a fix by its patch publication date, and an exploit by `exploitAvailable`.
    ...(row.patch_pub_date === null ? {} : { FixAvailable: 'YES' as const }),
    ...(row.exploit_available === null
      ? {}
      : { ExploitAvailable: row.exploit_available ? ('YES' as const) : ('NO' as const) }),
    ...(row.epss_score === null ? {} : { EpssScore: row.epss_score }),
  }));
}

const limits = { pairs: FIELD_MAP_MAX_PAIRS, key: FIELD_MAP_KEY_MAX, value: FIELD_MAP_VALUE_MAX };

/** The host, named in `Details.Other` (within its 50 keys and value lengths). */
function resourceOf(row: FindingRow, target: AsffTarget) {
  return {
    Type: 'Other',
    Id: `sc2aws:host/${row.asset_id}`,
    Partition: target.partition as 'aws',
    Region: target.region,
    Details: {
      Other: fieldMap(
        [
          ['ip', row.ip],
          ['ips', row.ips.length > 1 ? row.ips.join(',') : null],
          ['dns_name', row.dns_name],
          ['netbios_name', row.netbios_name],
          ['mac_address', row.mac_address],
          ['operating_system', row.operating_system],
          ['host_uuid', row.host_uuid],
          ['repository', row.repository?.name],
          ['repository_id', row.repository?.id],
          ['asset_id', row.asset_id],
          ['sc_host', row.sc_host],
          ['console_id', row.console_id],
        ],
        limits,
      ),
    },
  };
}

/** A risk decision in SC, in the finding's own fields (an analyst's later edits take precedence). */
function riskFields(row: FindingRow): Record<string, string> | undefined {
  if (row.accept_risk !== true && row.recast_risk !== true) return undefined;
  return fieldMap(
    [
      ['sc_risk', row.accept_risk === true ? 'accepted' : 'recast'],
      ['sc_accept_risk_comment', row.accept_risk === true ? row.accept_risk_comment : null],
      ['sc_recast_risk_comment', row.recast_risk === true ? row.recast_risk_comment : null],
    ],
    limits,
  );
}

function productFieldsOf(row: FindingRow, pluginOutput: string | null, cvesLeftOut: number) {
  return fieldMap(
    [
      ['ProviderName', 'sc2aws'],
      ['tenable-sc/finding_id', row.finding_id],
      ['tenable-sc/console_id', row.console_id],
      ['tenable-sc/plugin_id', row.plugin_id],
      ['tenable-sc/state', row.state],
      ['tenable-sc/change', row.change],
      ['tenable-sc/port', row.port],
      ['tenable-sc/protocol', row.protocol],
      ['tenable-sc/family', row.family?.name],
      ['tenable-sc/severity', row.severity?.name],
      ['tenable-sc/vpr_score', row.vpr_score],
      ['tenable-sc/last_mitigated', row.last_mitigated],
      ['tenable-sc/accept_risk', row.accept_risk],
      ['tenable-sc/recast_risk', row.recast_risk],
      ['tenable-sc/cve_count', row.cve.length],
      ['tenable-sc/cves_left_out', cvesLeftOut > 0 ? cvesLeftOut : null],
      ['tenable-sc/plugin_output', pluginOutput],
    ],
    { pairs: FIELD_MAP_MAX_PAIRS, key: FIELD_MAP_KEY_MAX, value: PRODUCT_FIELD_VALUE_MAX },
  );
}

/**
 * The ASFF finding of one SC finding. `Workflow` is never set: Security Hub keeps what an analyst
 * set with `BatchUpdateFindings` (and resets it to NEW itself when an ARCHIVED finding comes back
 * ACTIVE, the reopen). Severity and Types go through `FindingProviderFields`, so an analyst's
 * changes to the top-level ones stand. A finding over {@link MAX_FINDING_BYTES} loses its plugin
 * output first, then CVEs from the end (counted in `ProductFields`).
 *
 * @example
 * ```ts
 * const finding = toAsffFinding(row, { accountId, region, partition: 'aws' }, { createdAt, updatedAt });
 * ```
 */
export function toAsffFinding(row: FindingRow, target: AsffTarget, times: AsffTimes): AwsSecurityFinding {
  const severityId = row.severity?.id ?? 0;
  const label = SEVERITY_LABELS[Math.min(Math.max(severityId, 0), 4)] ?? 'INFORMATIONAL';
  const title = cutText(row.plugin_name?.trim() || `Tenable plugin ${row.plugin_id}`, 256);
  const description = cutText(
    [row.synopsis, row.description].find((t) => t !== null && /\S/.test(t))?.trim() ?? title,
    1024,
  );
  const risk = riskFields(row);
  const make = (pluginOutput: string | null, cves: readonly string[]): AwsSecurityFinding => ({
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffIdOf(row.finding_id),
    ProductArn: productArnOf(target),
    ProductName: 'Tenable Security Center',
    CompanyName: 'Tenable',
    GeneratorId: `tenable-sc/plugin/${row.plugin_id}`,
    AwsAccountId: target.accountId,
    ...(row.first_seen === null ? {} : { FirstObservedAt: row.first_seen }),
    ...(row.last_seen === null ? {} : { LastObservedAt: row.last_seen }),
    CreatedAt: times.createdAt,
    UpdatedAt: times.updatedAt,
    FindingProviderFields: {
      Severity: { Label: label, Original: row.severity?.name ?? SEVERITY_NAMES[severityId] ?? 'Info' },
      Types: [row.cve.length > 0 ? TYPE_CVE : TYPE_VULNERABILITY],
    },
    Title: title,
    Description: description,
    ...(row.solution === null || !/\S/.test(row.solution)
      ? {}
      : { Remediation: { Recommendation: { Text: cutText(row.solution.trim(), 512) } } }),
    ProductFields: productFieldsOf(row, pluginOutput, row.cve.length - cves.length),
    ...(risk === undefined ? {} : { UserDefinedFields: risk }),
    Resources: [resourceOf(row, target)],
    RecordState: recordStateOf(row),
    ...(cves.length === 0 ? {} : { Vulnerabilities: vulnerabilitiesOf(row, cves) }),
  });
  let finding = make(row.plugin_output, row.cve);
  if (asffBytes(finding) <= MAX_FINDING_BYTES) return finding;
  // Over the per-finding limit: the plugin output goes first, then CVEs, a half at a time.
  finding = make(null, row.cve);
  let cves = row.cve;
  while (asffBytes(finding) > MAX_FINDING_BYTES && cves.length > 0) {
    cves = cves.slice(0, Math.floor(cves.length / 2));
    finding = make(null, cves);
  }
  return finding;
}

/** UTF-8 bytes of a finding as sent. */
export function asffBytes(finding: AwsSecurityFinding): number {
  return utf8Bytes(JSON.stringify(finding));
}
