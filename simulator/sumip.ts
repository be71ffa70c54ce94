/**
 * tool "sumip": one row per host with its severity counts (reference §5). Counts are exact over
 * the generated rows of the selection (drift changes are not reflected), computed per host with
 * arithmetic on the layout's periodicity: O(hostCount × plugins per host) per request.
 */
import { SC_BUILD_ID } from './constants';
import type { Host } from './hosts';
import type { DatasetModel } from './model';
import { PLUGIN_DETAILS } from './plugin-details';
import type { Selection } from './query';
import type { SumIpRow } from './types';

/** SC's default scoring weights for Info, Low, Medium, High, Critical. */
const SCORE_WEIGHTS = [0, 1, 3, 10, 40];

interface HostSummary {
  host: Host;
  counts: number[];
  firstIndex: number;
  lastIndex: number;
}

function summarize(
  model: DatasetModel,
  selection: Selection,
  lo: number,
  hi: number,
  host: Host,
): HostSummary | null {
  if (selection.repositories !== null && !selection.repositories.has(host.repositoryId)) return null;
  const { base } = model.stores[selection.store];
  const hostCount = model.layout.hosts.length;
  const perHost = model.layout.pluginsPerHost;
  // Findings of host h are g = h + H·slot; the window [base+lo, base+hi) holds slots [first, end).
  const first = Math.max(0, Math.ceil((base + lo - host.index) / hostCount));
  const end = Math.max(first, Math.ceil((base + hi - host.index) / hostCount));
  const n = end - first;
  const counts = [0, 0, 0, 0, 0];
  let firstSlot = -1;
  let lastSlot = -1;
  for (let j = 0; j < Math.min(n, perHost); j++) {
    const local = (first + j + host.rotation) % perHost;
    const severity = PLUGIN_DETAILS[host.pluginIndices[local] ?? 0]?.seed.severity ?? 0;
    if (selection.severities !== null && !selection.severities.has(severity)) continue;
    const rows = Math.floor(n / perHost) + (j < n % perHost ? 1 : 0);
    counts[severity] = (counts[severity] ?? 0) + rows;
    if (firstSlot < 0 || first + j < firstSlot) firstSlot = first + j;
    const lastOfResidue = first + j + perHost * (rows - 1);
    if (lastOfResidue > lastSlot) lastSlot = lastOfResidue;
  }
  if (firstSlot < 0) return null;
  const indexOf = (slot: number) => host.index + hostCount * slot - base;
  return { host, counts, firstIndex: indexOf(firstSlot), lastIndex: indexOf(lastSlot) };
}

function toRow(model: DatasetModel, selection: Selection, summary: HostSummary): SumIpRow {
  const { host, counts } = summary;
  const [info = 0, low = 0, medium = 0, high = 0, critical = 0] = counts;
  // The host's newest finding stands for its last scan: credentialed policies scan with
  // credentials. SC writes "-1" or "" for a scan kind that never ran (reference §3.3); both occur.
  const lastScan = String(model.specAt(selection.store, summary.lastIndex).lastSeen);
  const never = host.index % 2 === 0 ? '-1' : '';
  const credentialed = host.policyName.startsWith('Credentialed');
  // Key order and set as recorded from a real SC 5.x (issue 17): nothing more, nothing less.
  return {
    ip: host.ip,
    uuid: host.uuid,
    score: String(counts.reduce((sum, count, severity) => sum + count * (SCORE_WEIGHTS[severity] ?? 0), 0)),
    total: String(info + low + medium + high + critical),
    severityInfo: String(info),
    severityLow: String(low),
    severityMedium: String(medium),
    severityHigh: String(high),
    severityCritical: String(critical),
    macAddress: host.macAddress,
    policyName: host.policyName,
    pluginSet: SC_BUILD_ID,
    netbiosName: host.netbiosName,
    dnsName: host.dnsName,
    osCPE: host.osCPE,
    biosGUID: '',
    tpmID: '',
    mcafeeGUID: '',
    lastAuthRun: credentialed ? lastScan : never,
    lastUnauthRun: credentialed ? never : lastScan,
    uniqueness: 'repositoryID,ip,dnsName',
    repository: { ...host.repository },
  };
}

/** IPv4 text as a number, so 10.0.0.9 sorts before 10.0.0.10. */
function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Sort on `ip`, then repository id: one host per (repository, ip), so the order is total and stable. */
function byIp(a: HostSummary, b: HostSummary): number {
  return ipNumber(a.host.ip) - ipNumber(b.host.ip) || a.host.repositoryId - b.host.repositoryId;
}

/** Result of a sumip query: all matching host count, the requested page, and SC's count string. */
export interface SumIpPage {
  total: number;
  /** Every matching host, in the answer's order (drift picks leaving hosts among them). */
  ranked: Host[];
  rows: SumIpRow[];
  /** SC sends a colon list here for sumip (reference §3.2); the simulator sends total:info:low:medium:high:critical. */
  matchingDataElementCount: string;
}

/**
 * Hosts with at least one matching finding in index window [lo, hi), less the hosts drift took
 * away, paged by rank: in host order with no sort, or by `ip` (the only sort the simulator takes
 * for sumip, see query.ts).
 */
export function sumIpPage(
  model: DatasetModel,
  selection: Selection,
  window: { lo: number; hi: number },
  start: number,
  end: number,
  hostsLeft: ReadonlySet<number> = new Set(),
): SumIpPage {
  const summaries = model.layout.hosts
    .filter((host) => !hostsLeft.has(host.index))
    .map((host) => summarize(model, selection, window.lo, window.hi, host))
    .filter((summary): summary is HostSummary => summary !== null);
  if (selection.sort === 'ip') summaries.sort(byIp);
  if (selection.descending) summaries.reverse();
  const totals = [0, 0, 0, 0, 0];
  for (const summary of summaries) {
    summary.counts.forEach((count, severity) => {
      totals[severity] = (totals[severity] ?? 0) + count;
    });
  }
  const vulns = totals.reduce((sum, count) => sum + count, 0);
  return {
    total: summaries.length,
    ranked: summaries.map((summary) => summary.host),
    rows: summaries.slice(start, Math.max(start, end)).map((summary) => toRow(model, selection, summary)),
    matchingDataElementCount: [vulns, ...totals].join(':'),
  };
}
