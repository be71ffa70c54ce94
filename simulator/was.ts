/**
 * Web-application-scanning (WAS) findings. SC 6 mixes them into cumulative vulndetails unless the
 * request excludes them (root `wasVuln`, or pyTenable's `wasVuln` filter; reference §3.1). They
 * describe a web application: its URL (`wasURL`, the name of SC's WAS URL filter), port 443 or 0,
 * and plugin output in plain text, not in `<plugin_output>` form. None by default
 * (`SimulatorOptions.wasCount`); when there are some, they follow the host findings in the result.
 */
import type { FindingLayout } from './layout';
import type { Selection } from './query';
import type { VulnDetailsRow } from './row-types';
import { invalidParameters } from './sc-error';

export const WAS_VULN_VALUES = ['excludeWas', 'includeWas', 'onlyWas'] as const;
export type WasVuln = (typeof WAS_VULN_VALUES)[number];

/** SC includes WAS findings when the request does not say (reference §3.1). */
export const DEFAULT_WAS_VULN: WasVuln = 'includeWas';

/** A WAS row: a vulndetails row with the web application's URL. */
export type WasRow = VulnDetailsRow & { wasURL: string };

const WAS_FAMILY = { id: '1000001', name: 'Web Application Vulnerabilities', type: 'was' };
const WAS_PLUGINS = [
  { id: 98104, name: 'Cross-Site Scripting (XSS)', path: '/search?q=1', severity: 3 },
  { id: 98115, name: 'SQL Injection', path: '/login', severity: 4 },
  { id: 98527, name: 'Missing Content Security Policy', path: '/', severity: 1 },
  { id: 112529, name: 'Cookie Without Secure Flag', path: '/account', severity: 2 },
] as const;
const SEVERITY_NAMES = ['Info', 'Low', 'Medium', 'High', 'Critical'];
const APPS = 3;

/** Reads a `wasVuln` value, refusing others as SC does. */
export function parseWasVuln(value: unknown): WasVuln | undefined {
  if (value === undefined) return undefined;
  if (!(WAS_VULN_VALUES as readonly unknown[]).includes(value)) {
    throw invalidParameters(
      `The wasVuln '${String(value)}' is invalid (valid values: ${WAS_VULN_VALUES.join(', ')}).`,
    );
  }
  return value as WasVuln;
}

/**
 * WAS row i of `count`: application i mod 3, its own plugin (so rows never share an identity), one
 * row every ten minutes back from `newest`.
 */
function wasRowAt(layout: FindingLayout, i: number, newest: number): WasRow {
  const template = layout.pluginOf(0).fields;
  const host = layout.hostOf(0);
  const app = i % APPS;
  const plugin = WAS_PLUGINS[i % WAS_PLUGINS.length] ?? WAS_PLUGINS[0];
  const pluginID = String(plugin.id + Math.floor(i / WAS_PLUGINS.length) * 1000);
  const ip = `10.40.0.${app + 1}`;
  const dnsName = `app${app + 1}.example.com`;
  const port = i % 2 === 0 ? '443' : '0';
  const lastSeen = newest - i * 600;
  return {
    pluginID,
    severity: {
      id: String(plugin.severity),
      name: SEVERITY_NAMES[plugin.severity] ?? '',
      description: `${SEVERITY_NAMES[plugin.severity]} Severity`,
    },
    hasBeenMitigated: '0',
    acceptRisk: '0',
    recastRisk: '0',
    ip,
    ips: ip,
    uuid: '',
    port,
    protocol: 'TCP',
    firstSeen: String(lastSeen - 86_400),
    lastSeen: String(lastSeen),
    ...template,
    pluginName: plugin.name,
    synopsis: `${plugin.name} was found in the web application.`,
    cve: '',
    cpe: '',
    pluginText: `${plugin.name} at https://${dnsName}${plugin.path}\nEvidence: response to GET ${plugin.path}`,
    dnsName,
    macAddress: '',
    netbiosName: '',
    operatingSystem: '',
    hostUniqueness: 'repositoryID,ip,dnsName',
    hostUUID: '',
    acrScore: '',
    assetExposureScore: '',
    vulnUniqueness: 'repositoryID,ip,port,protocol,pluginID',
    vulnUUID: '',
    uniqueness: 'repositoryID,ip,dnsName',
    family: { ...WAS_FAMILY },
    repository: { ...host.repository },
    pluginInfo: `${pluginID} (${port}/6) ${plugin.name}`,
    wasURL: `https://${dnsName}${plugin.path}`,
  };
}

/** The WAS rows a selection matches, oldest first (cumulative store only). */
export function wasRowsMatching(
  layout: FindingLayout,
  count: number,
  newest: number,
  selection: Selection,
): WasRow[] {
  if (selection.store !== 'cumulative' || count === 0) return [];
  const rows: WasRow[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const row = wasRowAt(layout, i, newest);
    const lastSeen = Number(row.lastSeen);
    if (selection.times.some((t) => t.field !== 'lastSeen' || lastSeen < t.from || lastSeen > t.to)) continue;
    if (selection.severities !== null && !selection.severities.has(Number(row.severity.id))) continue;
    if (selection.repositories !== null && !selection.repositories.has(Number(row.repository.id))) continue;
    rows.push(row);
  }
  return selection.descending ? rows.reverse() : rows;
}
