/** Delivered rows for the OCSF tests: every state and the shapes that change the mapping. */
import type { DeliveredAsset, DeliveredFinding } from '#lib/findings';
import { asset, fixedFinding, openFinding } from '../findings/helpers';

/**
 * An MS17-010 finding in the shape of SC's vulndetails rows (reference §3.3, as recorded: strings,
 * a comma list of six CVEs, a v3 vector without its `CVSS:3.x/` prefix, xref without a CWE): one
 * plugin, one score for its six CVEs.
 */
export function ms17010(overrides: Record<string, unknown> = {}): DeliveredFinding {
  return openFinding({
    pluginID: '97833',
    severity: { id: '4', name: 'Critical', description: 'Critical Severity' },
    port: '445',
    pluginName:
      'MS17-010: Security Update for Microsoft Windows SMB Server (4013389) (ETERNALBLUE) (uncredentialed check)',
    exploitAvailable: 'Yes',
    exploitFrameworks: 'Metasploit (MS17-010 EternalBlue SMB Remote Windows Kernel Pool Corruption)',
    baseScore: '9.3',
    temporalScore: '8.1',
    cvssVector: 'AV:N/AC:M/Au:N/C:C/I:C/A:C',
    cvssV3BaseScore: '8.1',
    cvssV3TemporalScore: '7.7',
    cvssV3Vector: 'AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H/E:H/RL:O/RC:C',
    epssScore: '0.9750',
    cve: 'CVE-2017-0143,CVE-2017-0144,CVE-2017-0145,CVE-2017-0146,CVE-2017-0147,CVE-2017-0148',
    bid: '96703,96704,96705,96706,96707,96709',
    xref: 'MSFT #MS17-010,IAVA #2017-A-0065,MSKB #4012212',
    cpe: 'cpe:/o:microsoft:windows',
    vulnPubDate: '1489492800',
    patchPubDate: '1489492800',
    family: { id: '20', name: 'Windows', type: 'remote' },
    operatingSystem: 'Microsoft Windows Server 2008 R2 Standard Service Pack 1',
    dnsName: 'fileserver01.example',
    ...overrides,
  });
}

export const findingCases: Record<string, DeliveredFinding> = {
  'MS17-010: six CVEs, one plugin score': ms17010(),
  'one CVE, CVSS v3 vector without prefix': openFinding({ cve: 'CVE-2019-3855' }),
  'one CVE, CVSS v2 only, no EPSS, exploit or patch date': openFinding({
    cve: 'CVE-2012-0002',
    cvssV3BaseScore: '',
    cvssV3TemporalScore: '',
    cvssV3Vector: '',
    epssScore: '',
    exploitAvailable: '',
    patchPubDate: '-1',
  }),
  'Cisco IOS host, no DNS name': openFinding({ operatingSystem: 'Cisco IOS 15.2(4)M', dnsName: '' }),
  'open, two CVEs, CVSS v2 and v3': openFinding(),
  'reopened, CVSS v4': openFinding({
    hasBeenMitigated: '1',
    cvssV4BaseScore: '9.3',
    cvssV4Vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
    cvssV3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H',
  }),
  fixed: fixedFinding(),
  'risk accepted, with comment': openFinding({ acceptRisk: '1', acceptRiskRuleComment: 'Isolated lab host' }),
  'no CVE, no CWE (Info plugin)': openFinding({
    cve: '',
    xref: '',
    severity: { id: '0', name: 'Info', description: 'Info' },
    baseScore: '',
    temporalScore: '',
    cvssVector: '',
    cvssV3BaseScore: '',
    cvssV3TemporalScore: '',
    cvssV3Vector: '',
    epssScore: '',
    solution: '',
    seeAlso: '',
    patchPubDate: '-1',
    exploitAvailable: '',
  }),
  'CWE only, with BID and IAVA': openFinding({
    cve: '',
    bid: '12345,67890',
    xref: 'IAVA #2024-A-0001,CWE #20,CWE:79',
  }),
  'CVE and CWE, critical, exploitable': openFinding({
    severity: { id: '4', name: 'Critical', description: 'Critical Severity' },
    xref: 'CWE #787',
    exploitAvailable: 'Yes',
    exploitFrameworks: 'Metasploit',
  }),
  'agent host without dns, mac or os': openFinding({
    hostUUID: '0b8f4c3e-5d2a-4f6b-9c1d-2e3f4a5b6c7d',
    dnsName: '',
    macAddress: '',
    operatingSystem: '',
    netbiosName: 'CORP\\WS-0042',
    assetExposureScore: '',
    acrScore: '7.5',
  }),
  'windows host, IPv6, DNS name outside hostname_t': openFinding({
    ip: 'fe80::1',
    ips: 'fe80::1,10.0.0.9',
    dnsName: 'host_with_underscore.example',
    operatingSystem: 'Microsoft Windows Server 2019 Standard',
    macAddress: '00:16:3e:5d:7a:71 00:16:3e:5d:7a:72',
  }),
  'long plugin output and description': openFinding({
    pluginText: `<plugin_output>${'é'.repeat(5000)}</plugin_output>`,
    description: 'x'.repeat(70_000),
  }),
};

export const assetCases: Record<string, DeliveredAsset> = {
  'scanned host with os and mac': asset(),
  'Cisco IOS XE router': asset({ osCPE: 'cpe:/o:cisco:ios_xe:16.9', macAddress: '' }),
  'host with an OS CPE sc2aws does not know': asset({ osCPE: 'cpe:/o:haiku:haiku:r1' }),
  'host without os, mac or scans': asset({
    osCPE: '',
    macAddress: '',
    lastAuthRun: '',
    lastUnauthRun: '',
    dnsName: '',
  }),
  'agent host on Windows': asset({
    uuid: '0b8f4c3e-5d2a-4f6b-9c1d-2e3f4a5b6c7d',
    osCPE: 'cpe:/o:microsoft:windows_server_2019',
    biosGUID: '4C4C4544-0042-3510-8051-B4C04F4E3332',
    netbiosName: 'CORP\\SRV-01',
  }),
};
