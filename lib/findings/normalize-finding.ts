/**
 * A vulndetails row (reference §3.3) → a {@link DeliveredFinding}. Field by field, with SC's
 * wire quirks handled by the readers in wire.ts.
 */
import { SEVERITY_NAMES } from './constants';
import type { DeliveredFinding } from './delivered-finding';
import { assetIdOf, findingIdOf, hostIdentityOf, pluginIdOf } from './identity';
import { isoOf } from './iso-time';
import { unwrapPluginOutput, utf8CutIndex } from './plugin-output';
import type { NormalizeContext, WireRow } from './types';
import { epochSeconds, flag01, int, list, nested, num, repositoryOf, text, token, yesNo } from './wire';

// SC joins CPEs with "<br/>" (reference §3.3); accept the other spellings of the tag and newlines too.
const CPE_SEPARATOR = /<br\s*\/?>|\n/i;

function severityOf(value: unknown): DeliveredFinding['severity'] {
  // Usually {id:"3",name:"High",description:…}; a bare id is read as one.
  const severity = typeof value === 'object' ? nested(value, 'severity') : null;
  const idValue = severity === null ? value : severity.id;
  const id = int(idValue, 'severity.id', 0, 4);
  const name = severity === null ? null : token(severity.name, 'severity.name');
  if (id === null && name === null) return null;
  return { id, name: name ?? (id === null ? null : (SEVERITY_NAMES[id] ?? null)) };
}

function familyOf(value: unknown): DeliveredFinding['family'] {
  const family = nested(value, 'family');
  if (family === null) return null;
  return {
    id: token(family.id, 'family.id'),
    name: token(family.name, 'family.name'),
    type: token(family.type, 'family.type'),
  };
}

/** First → last seen in days, rounded down to a tenth (an SLA age is never overstated). */
function ageDays(firstSeen: number | null, lastSeen: number | null): number | null {
  if (firstSeen === null || lastSeen === null) return null;
  // 8640 s = 0.1 day. A last seen before first seen (clock trouble on SC's side) counts as 0.
  return Math.floor(Math.max(0, lastSeen - firstSeen) / 8640) / 10;
}

/**
 * Normalizes one vulndetails row of the `vulns` or `fixed` dataset. Throws
 * {@link RowRejectedError} when the row cannot be delivered.
 */
export function normalizeFinding(row: WireRow, ctx: NormalizeContext): DeliveredFinding {
  const host = hostIdentityOf(row);
  const pluginId = pluginIdOf(row);
  const port = int(row.port, 'port', 0, 65_535);
  const protocol = token(row.protocol, 'protocol')?.toUpperCase() ?? null;
  const firstSeen = epochSeconds(row.firstSeen, 'firstSeen');
  const lastSeen = epochSeconds(row.lastSeen, 'lastSeen');
  const fixed = ctx.dataset === 'fixed';
  // lastMitigated belongs to patched rows only (reference §3.3); elsewhere it is not read.
  const lastMitigated = fixed ? epochSeconds(row.lastMitigated, 'lastMitigated') : null;
  const hasBeenMitigated = flag01(row.hasBeenMitigated, 'hasBeenMitigated');

  let pluginOutput = text(row.pluginText, 'pluginText');
  let truncated = false;
  if (pluginOutput !== null) {
    pluginOutput = unwrapPluginOutput(pluginOutput);
    const cut = utf8CutIndex(pluginOutput, ctx.pluginOutputMaxBytes);
    if (cut < pluginOutput.length) {
      pluginOutput = pluginOutput.slice(0, cut);
      truncated = true;
    }
  }

  return {
    finding_id: findingIdOf(host, port, protocol, pluginId, ctx.consoleId),
    asset_id: assetIdOf(host, ctx.consoleId),
    // reference §4.2: the patched store holds fixed findings; a cumulative row mitigated before is reopened.
    state: fixed ? 'fixed' : hasBeenMitigated === true ? 'reopened' : 'open',
    severity: severityOf(row.severity),
    plugin_id: pluginId,
    plugin_name: text(row.pluginName, 'pluginName'),
    ip: host.ip,
    ips: list(row.ips, 'ips', ','),
    port,
    protocol,
    dns_name: host.dnsName,
    netbios_name: token(row.netbiosName, 'netbiosName'),
    mac_address: token(row.macAddress, 'macAddress'),
    operating_system: text(row.operatingSystem, 'operatingSystem'),
    host_uuid: host.hostUuid,
    repository: repositoryOf(row.repository),
    first_seen: isoOf(firstSeen),
    last_seen: isoOf(lastSeen),
    last_mitigated: isoOf(lastMitigated),
    age_days: ageDays(firstSeen, lastSeen),
    has_been_mitigated: hasBeenMitigated,
    accept_risk: flag01(row.acceptRisk, 'acceptRisk'),
    recast_risk: flag01(row.recastRisk, 'recastRisk'),
    exploit_available: yesNo(row.exploitAvailable, 'exploitAvailable'),
    exploit_ease: text(row.exploitEase, 'exploitEase'),
    exploit_frameworks: text(row.exploitFrameworks, 'exploitFrameworks'),
    risk_factor: token(row.riskFactor, 'riskFactor'),
    stig_severity: token(row.stigSeverity, 'stigSeverity'),
    vpr_score: num(row.vprScore, 'vprScore'),
    vpr_context: text(row.vprContext, 'vprContext'),
    key_drivers: text(row.keyDrivers, 'keyDrivers'),
    cvss_v2_base_score: num(row.baseScore, 'baseScore'),
    cvss_v2_temporal_score: num(row.temporalScore, 'temporalScore'),
    cvss_v2_vector: token(row.cvssVector, 'cvssVector'),
    cvss_v3_base_score: num(row.cvssV3BaseScore, 'cvssV3BaseScore'),
    cvss_v3_temporal_score: num(row.cvssV3TemporalScore, 'cvssV3TemporalScore'),
    cvss_v3_vector: token(row.cvssV3Vector, 'cvssV3Vector'),
    cvss_v4_base_score: num(row.cvssV4BaseScore, 'cvssV4BaseScore'),
    cvss_v4_vector: token(row.cvssV4Vector, 'cvssV4Vector'),
    epss_score: num(row.epssScore, 'epssScore'),
    acr_score: num(row.acrScore, 'acrScore'),
    asset_exposure_score: num(row.assetExposureScore, 'assetExposureScore'),
    cve: list(row.cve, 'cve', ','),
    bid: list(row.bid, 'bid', ','),
    xref: list(row.xref, 'xref', ','),
    cpe: list(row.cpe, 'cpe', CPE_SEPARATOR),
    see_also: list(row.seeAlso, 'seeAlso', '\n'),
    family: familyOf(row.family),
    check_type: token(row.checkType, 'checkType'),
    plugin_version: token(row.version, 'version'),
    synopsis: text(row.synopsis, 'synopsis'),
    description: text(row.description, 'description'),
    solution: text(row.solution, 'solution'),
    plugin_pub_date: isoOf(epochSeconds(row.pluginPubDate, 'pluginPubDate')),
    plugin_mod_date: isoOf(epochSeconds(row.pluginModDate, 'pluginModDate')),
    vuln_pub_date: isoOf(epochSeconds(row.vulnPubDate, 'vulnPubDate')),
    patch_pub_date: isoOf(epochSeconds(row.patchPubDate, 'patchPubDate')),
    seol_date: isoOf(epochSeconds(row.seolDate, 'seolDate')),
    accept_risk_comment: text(row.acceptRiskRuleComment, 'acceptRiskRuleComment'),
    recast_risk_comment: text(row.recastRiskRuleComment, 'recastRiskRuleComment'),
    vuln_uuid: token(row.vulnUUID, 'vulnUUID'),
    was_url: text(row.wasURL, 'wasURL'),
    plugin_output: pluginOutput,
    plugin_output_truncated: truncated,
    collected_at: ctx.collectedAt,
    run_id: ctx.runId,
    dataset: fixed ? 'fixed' : 'vulns',
    sc_host: ctx.scHost,
    sc_version: ctx.scVersion,
    console_id: ctx.consoleId,
  };
}
