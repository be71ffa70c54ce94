/**
 * Builds vulndetails rows exactly as SC serializes them (reference §3.3, and rows recorded from a
 * real SC): strings for virtually every scalar, "" for missing values, "-1" for unset dates, an
 * empty pluginText for plugins without output, nested severity/family (with its type)/repository
 * (with its dataFormat), pluginInfo and the uniqueness columns.
 */
import { SALT, uuidFrom } from './hash';
import type { Host } from './hosts';
import type { FindingLayout } from './layout';
import type { RowSpec } from './model';
import { type PluginDetails, PROTOCOL_NUMBERS, severityRef } from './plugin-details';
import type { Identity, VulnDetailsRow } from './types';

const HOST_UNIQUENESS = 'repositoryID,ip,dnsName';
const VULN_UNIQUENESS = 'repositoryID,ip,port,protocol,pluginID';

/** Identity of finding g. */
export function identityOf(layout: FindingLayout, g: number): Identity {
  const host = layout.hostOf(g);
  const plugin = layout.pluginOf(g);
  return {
    repositoryID: host.repository.id,
    ip: host.ip,
    port: String(layout.portOf(g)),
    protocol: plugin.seed.protocol,
    pluginID: plugin.pluginID,
  };
}

/** Identity read back from a served row, the way a client would. */
export function identityOfRow(row: VulnDetailsRow): Identity {
  return {
    repositoryID: row.repository.id,
    ip: row.ip,
    port: row.port,
    protocol: row.protocol,
    pluginID: row.pluginID,
  };
}

/**
 * One string per identity, for sets and maps.
 *
 * @example identityKey(identityOfRow(row)) // '1|10.12.0.7|443|TCP|51192'
 */
export function identityKey(identity: Identity): string {
  return `${identity.repositoryID}|${identity.ip}|${identity.port}|${identity.protocol}|${identity.pluginID}`;
}

function pluginTextFor(plugin: PluginDetails, host: Host, port: number): string {
  const seed = plugin.seed;
  let text: string;
  if (seed.family === 'centos' || seed.family === 'ubuntu') {
    const pkg = seed.name.split(' : ')[1]?.split(' ')[0] ?? 'package';
    text = `Remote package installed : ${pkg}-1.0.${seed.id % 40}-${seed.id % 7}\nShould be : ${pkg}-1.0.${seed.id % 40}-${(seed.id % 7) + 3}\n`;
  } else if (seed.family === 'bulletins') {
    text = `The remote host is missing one of the following rollup KBs :\n  - ${5000000 + (seed.id % 100000)}\n`;
  } else if (seed.severity === 0) {
    text = `Information about ${host.dnsName} :\n\nPort : ${port}/${seed.protocol.toLowerCase()}\nOperating system : ${host.operatingSystem}\n`;
  } else if (seed.id % 3 === 0) {
    // Many plugins report nothing beyond their finding: SC then sends pluginText "" (recorded rows).
    return '';
  } else {
    text = `\nThe remote service on port ${port} is affected.\n`;
  }
  // SC wraps plugin output in these tags (reference §3.3).
  return `<plugin_output>${text}</plugin_output>`;
}

/** The vulndetails row for a spec; `lastMitigated` only on patched rows. */
export function buildRow(layout: FindingLayout, spec: RowSpec, seed: number): VulnDetailsRow {
  const host = layout.hostOf(spec.g);
  const plugin = layout.pluginOf(spec.g);
  const port = layout.portOf(spec.g);
  const protocol = plugin.seed.protocol;
  const row: VulnDetailsRow = {
    pluginID: plugin.pluginID,
    severity: spec.recastSeverity === undefined ? { ...plugin.severity } : severityRef(spec.recastSeverity),
    hasBeenMitigated: spec.reopened ? '1' : '0',
    acceptRisk: '0',
    recastRisk: spec.recastSeverity === undefined ? '0' : '1',
    ip: host.ip,
    ips: host.ip,
    uuid: host.uuid,
    port: String(port),
    protocol,
    firstSeen: String(spec.firstSeen),
    lastSeen: String(spec.lastSeen),
    ...plugin.fields,
    pluginText: pluginTextFor(plugin, host, port),
    dnsName: host.dnsName,
    macAddress: host.macAddress,
    netbiosName: host.netbiosName,
    operatingSystem: host.operatingSystem,
    hostUniqueness: HOST_UNIQUENESS,
    hostUUID: host.uuid,
    acrScore: host.acrScore,
    assetExposureScore: host.assetExposureScore,
    vulnUniqueness: VULN_UNIQUENESS,
    vulnUUID: host.uuid === '' ? '' : uuidFrom(seed, SALT.pluginText, spec.g),
    uniqueness: HOST_UNIQUENESS,
    family: { ...plugin.family },
    repository: { ...host.repository },
    pluginInfo: `${plugin.pluginID} (${port}/${PROTOCOL_NUMBERS[protocol] ?? 6}) ${plugin.seed.name}`,
  };
  if (spec.lastMitigated !== null) row.lastMitigated = String(spec.lastMitigated);
  if (spec.recastSeverity !== undefined) row.recastRiskRuleComment = 'Recast by a simulated rule';
  return row;
}
