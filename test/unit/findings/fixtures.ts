/** Wire rows for the lib/findings tests, shaped like reference §3.3 and §5. */
import { createNormalizeContext, type Dataset, type NormalizeContext } from '#lib/findings';

export const COLLECTED_AT = '2024-04-04T06:00:00.000Z';

/** A context for `dataset`, with the default plugin output cap unless told otherwise. */
export function contextFor(dataset: Dataset, pluginOutputMaxBytes?: number): NormalizeContext {
  return createNormalizeContext({
    dataset,
    runId: `20240404T060000Z-${dataset}`,
    collectedAt: COLLECTED_AT,
    scHost: 'sc.example.com',
    scVersion: '6.4.0',
    ...(pluginOutputMaxBytes === undefined ? {} : { pluginOutputMaxBytes }),
  });
}

/** The realistic vulndetails row of reference §3.3, plus the newer fields; a fresh copy each call. */
export function vulnRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pluginID: '123560',
    severity: { id: '3', name: 'High', description: 'High Severity' },
    hasBeenMitigated: '0',
    acceptRisk: '0',
    recastRisk: '0',
    ip: '10.238.64.10',
    ips: '10.238.64.10',
    uuid: '',
    port: '0',
    protocol: 'TCP',
    pluginName: 'CentOS 7 : libssh2 (CESA-2019:0679)',
    firstSeen: '1708664620',
    lastSeen: '1712207126',
    exploitAvailable: 'No',
    exploitEase: '',
    exploitFrameworks: '',
    synopsis: 'The remote CentOS host is missing one or more security updates.',
    description: 'An update for libssh2 is now available for Red Hat Enterprise Linux 7.',
    solution: 'Update the affected libssh2 packages.',
    seeAlso: 'http://www.nessus.org/u?8c2b3a4e\nhttps://access.redhat.com/errata/RHSA-2019:0679',
    riskFactor: 'High',
    stigSeverity: '',
    vprScore: '6.7',
    vprContext: '[{"id":"age_of_vuln","name":"Vulnerability Age","type":"string","value":"730 days +"}]',
    baseScore: '9.3',
    temporalScore: '6.9',
    cvssVector: 'AV:N/AC:M/Au:N/C:C/I:C/A:C',
    cvssV3BaseScore: '8.8',
    cvssV3TemporalScore: '7.7',
    cvssV3Vector: 'AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C',
    cvssV4BaseScore: '',
    cvssV4Vector: '',
    epssScore: '0.0123',
    keyDrivers: '',
    cpe: 'cpe:/o:centos:centos:7<br/>cpe:/a:libssh2:libssh2',
    vulnPubDate: '1553169600',
    patchPubDate: '1554120000',
    pluginPubDate: '1554206400',
    pluginModDate: '1580126400',
    checkType: 'local',
    version: '1.5',
    cve: 'CVE-2019-3855,CVE-2019-3856',
    bid: '',
    xref: 'RHSA #2019:0679',
    seolDate: '-1',
    pluginText: '<plugin_output>Remote package installed : libssh2-1.4.3-10.el7\n</plugin_output>',
    dnsName: 'target-cent7.example',
    macAddress: '00:16:3e:5d:7a:71',
    netbiosName: '',
    operatingSystem: 'Linux Kernel 3.10 on CentOS Linux release 7.6.1810 (Core)',
    recastRiskRuleComment: '',
    acceptRiskRuleComment: '',
    hostUniqueness: 'repositoryID,ip,dnsName',
    hostUUID: '',
    vulnUniqueness: 'repositoryID,ip,port,protocol,pluginID',
    vulnUUID: '',
    assetExposureScore: '563',
    acrScore: '',
    uniqueness: 'repositoryID,ip,dnsName',
    family: { id: '18', name: 'CentOS Local Security Checks', type: 'active' },
    repository: { id: '1', name: 'Main', description: '', sciID: '1', dataFormat: 'IPv4' },
    pluginInfo: '123560 (0/6) CentOS 7 : libssh2 (CESA-2019:0679)',
    ...overrides,
  };
}

/** A patched-store row: the same finding, mitigated (reference §3.3 `lastMitigated`). */
export function fixedRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return vulnRow({ lastSeen: '1712207126', lastMitigated: '1712210000', ...overrides });
}

/** A sumip row (reference §5): one host, counts as strings, exactly the recorded SC 5.x columns. */
export function sumIpRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ip: '10.238.64.10',
    uuid: '',
    score: '583',
    total: '42',
    severityInfo: '25',
    severityLow: '3',
    severityMedium: '8',
    severityHigh: '5',
    severityCritical: '1',
    macAddress: '00:16:3e:5d:7a:71',
    dnsName: 'target-cent7.example',
    netbiosName: '',
    osCPE: 'cpe:/o:centos:centos:7',
    biosGUID: '',
    tpmID: '',
    mcafeeGUID: '',
    lastAuthRun: '1712207126',
    lastUnauthRun: '',
    policyName: 'Credentialed Patch Audit',
    pluginSet: '202404031200',
    uniqueness: 'repositoryID,ip,dnsName',
    repository: { id: '1', name: 'Main', description: '', sciID: '1', dataFormat: 'IPv4' },
    ...overrides,
  };
}
