/**
 * Derives the plugin-level wire fields of a vulndetails row (scores, dates, texts) from the
 * compact catalog in plugins.ts, once, so building a row only copies references.
 */
import { FAMILIES, PLUGINS, type PluginSeed, type Severity } from './plugins';
import type { VulnDetailsRow } from './types';

const SEVERITY_NAMES = ['Info', 'Low', 'Medium', 'High', 'Critical'] as const;
const RISK_FACTORS = ['None', 'Low', 'Medium', 'High', 'Critical'] as const;

/** Scores by severity; '' where SC has no value (reference §3.3: missing values are ""). */
const SCORES: Record<Severity, { base: string; vector: string; v3: string; v3Vector: string; vpr: string }> =
  {
    0: { base: '', vector: '', v3: '', v3Vector: '', vpr: '' },
    1: {
      base: '2.6',
      vector: 'AV:N/AC:H/Au:N/C:P/I:N/A:N',
      v3: '3.7',
      v3Vector: 'AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N',
      vpr: '1.4',
    },
    2: {
      base: '5.0',
      vector: 'AV:N/AC:L/Au:N/C:N/I:P/A:N',
      v3: '5.3',
      v3Vector: 'AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N',
      vpr: '3.6',
    },
    3: {
      base: '7.5',
      vector: 'AV:N/AC:L/Au:N/C:P/I:P/A:P',
      v3: '8.8',
      v3Vector: 'AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C',
      vpr: '6.7',
    },
    4: {
      base: '10.0',
      vector: 'AV:N/AC:L/Au:N/C:C/I:C/A:C',
      v3: '9.8',
      v3Vector: 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C',
      vpr: '9.0',
    },
  };

/** The scalar row fields that depend on the plugin only. */
export type PluginFields = Pick<
  VulnDetailsRow,
  | 'pluginName'
  | 'exploitAvailable'
  | 'exploitEase'
  | 'exploitFrameworks'
  | 'synopsis'
  | 'description'
  | 'solution'
  | 'seeAlso'
  | 'riskFactor'
  | 'stigSeverity'
  | 'vprScore'
  | 'vprContext'
  | 'baseScore'
  | 'temporalScore'
  | 'cvssVector'
  | 'cvssV3BaseScore'
  | 'cvssV3TemporalScore'
  | 'cvssV3Vector'
  | 'cvssV4BaseScore'
  | 'cvssV4Vector'
  | 'epssScore'
  | 'keyDrivers'
  | 'cpe'
  | 'vulnPubDate'
  | 'patchPubDate'
  | 'pluginPubDate'
  | 'pluginModDate'
  | 'checkType'
  | 'version'
  | 'cve'
  | 'bid'
  | 'xref'
  | 'seolDate'
  | 'recastRiskRuleComment'
  | 'acceptRiskRuleComment'
>;

/** Plugin-level fields of a row, shared by every row of the plugin. */
export interface PluginDetails {
  index: number;
  seed: PluginSeed;
  pluginID: string;
  severity: { id: string; name: string; description: string };
  family: { id: string; name: string; type: string };
  fields: PluginFields;
}

/**
 * A severity as SC nests it in rows (`{id, name, description}`, reference §3.3).
 *
 * @example severityRef(4) // { id: '4', name: 'Critical', description: 'Critical Severity' }
 */
export function severityRef(id: number): { id: string; name: string; description: string } {
  const name = SEVERITY_NAMES[id] ?? '';
  return { id: String(id), name, description: `${name} Severity` };
}

function epochOf(isoDate: string, plusDays = 0): number {
  return Date.parse(`${isoDate}T12:00:00Z`) / 1000 + plusDays * 86_400;
}

function describe(seed: PluginSeed): { synopsis: string; description: string; solution: string } {
  if (seed.severity === 0) {
    return {
      synopsis: `This plugin reports information gathered by the scan: ${seed.name}.`,
      description: `${seed.name}. This informational plugin records what the scanner observed on the target. It does not indicate a vulnerability.`,
      solution: 'n/a',
    };
  }
  return {
    synopsis: 'The remote host is affected by one or more vulnerabilities.',
    description: `The remote host is affected by the issue described in "${seed.name}". An attacker may exploit it to compromise the confidentiality, integrity or availability of the host. Note that Nessus has not tested for this issue but has instead relied only on the application's self-reported version number.`,
    solution: seed.cve
      ? 'Apply the vendor update referenced in the advisory.'
      : 'Reconfigure the affected service.',
  };
}

function detailsOf(seed: PluginSeed, index: number): PluginDetails {
  const scores = SCORES[seed.severity];
  const isVuln = seed.severity > 0;
  const year = Number(seed.published.slice(0, 4));
  const published = epochOf(seed.published);
  // CVSS v3 only exists for flaws published from 2016 on; v4 and EPSS only for recent, CVE-backed ones.
  const hasV3 = isVuln && year >= 2016;
  const hasV4 = isVuln && year >= 2023;
  const hasCve = seed.cve !== '';
  const texts = describe(seed);
  const fields: PluginFields = {
    pluginName: seed.name,
    exploitAvailable: seed.exploit ? 'Yes' : 'No',
    exploitEase: seed.exploit ? 'Exploits are available' : isVuln ? 'No known exploits are available' : '',
    exploitFrameworks: seed.exploit ? 'Metasploit (exploit/multi/misc)' : '',
    synopsis: texts.synopsis,
    description: texts.description,
    solution: texts.solution,
    seeAlso: hasCve
      ? seed.cve
          .split(',')
          .map((cve) => `https://nvd.nist.gov/vuln/detail/${cve}`)
          .join('\n')
      : '',
    riskFactor: RISK_FACTORS[seed.severity],
    stigSeverity: '',
    vprScore: hasCve ? scores.vpr : '',
    vprContext: hasCve
      ? JSON.stringify([
          { id: 'age_of_vuln', name: 'Vulnerability Age', type: 'string', value: '730 days +' },
          {
            id: 'exploit_code_maturity',
            name: 'Exploit Code Maturity',
            type: 'string',
            value: seed.exploit ? 'High' : 'Unproven',
          },
        ])
      : '[]',
    baseScore: scores.base,
    temporalScore: isVuln ? (Number(scores.base) * 0.9).toFixed(1) : '',
    cvssVector: scores.vector,
    cvssV3BaseScore: hasV3 ? scores.v3 : '',
    cvssV3TemporalScore: hasV3 ? (Number(scores.v3) * 0.9).toFixed(1) : '',
    cvssV3Vector: hasV3 ? scores.v3Vector : '',
    cvssV4BaseScore: hasV4 ? scores.v3 : '',
    cvssV4Vector: hasV4 ? 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' : '',
    epssScore: hasCve && hasV3 ? (((seed.id % 997) + 3) / 10_000).toFixed(4) : '',
    keyDrivers: '',
    cpe:
      seed.family === 'centos'
        ? 'cpe:/o:centos:centos:7'
        : seed.family === 'ubuntu'
          ? 'cpe:/o:canonical:ubuntu_linux'
          : '',
    vulnPubDate: isVuln ? String(published) : '-1',
    patchPubDate: isVuln ? String(epochOf(seed.published, 1 + (seed.id % 20))) : '-1',
    pluginPubDate: String(epochOf(seed.published, 2 + (seed.id % 20))),
    pluginModDate: String(epochOf(seed.published, 30 + (seed.id % 300))),
    checkType:
      seed.family === 'centos' || seed.family === 'ubuntu' || seed.family === 'bulletins'
        ? 'local'
        : 'remote',
    version: `1.${(seed.id % 23) + 1}`,
    cve: seed.cve,
    bid: '',
    xref: hasCve ? 'IAVA #2024-A-0001,CWE #20' : '',
    seolDate: '-1',
    recastRiskRuleComment: '',
    acceptRiskRuleComment: '',
  };
  return {
    index,
    seed,
    pluginID: String(seed.id),
    severity: severityRef(seed.severity),
    family: { ...FAMILIES[seed.family] },
    fields,
  };
}

/** Details of every catalog plugin, indexed like {@link PLUGINS}. */
export const PLUGIN_DETAILS: readonly PluginDetails[] = PLUGINS.map(detailsOf);

/** Protocol numbers SC prints in `pluginInfo` ("123560 (0/6) …"). */
export const PROTOCOL_NUMBERS: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1 };
