/** Names SC knows for analysis requests (reference §3.1), used to word its 146 refusals. */

/** Vuln filter names SC lists when it refuses an unknown one (reference §3.1). */
export const SC_VULN_FILTERS = [
  'acceptedRisk',
  'acceptRiskStatus',
  'assetCriticalityRating',
  'assetExposureScore',
  'assetID',
  'aesSeverity',
  'auditFileID',
  'baseCVSSScore',
  'benchmarkName',
  'cceID',
  'cpe',
  'cveID',
  'cvssV3BaseScore',
  'cvssV3Vector',
  'cvssVector',
  'dataFormat',
  'daysMitigated',
  'daysToMitigated',
  'dnsName',
  'exploitAvailable',
  'exploitFrameworks',
  'familyID',
  'firstSeen',
  'hostUUID',
  'iavmID',
  'ip',
  'lastMitigated',
  'lastSeen',
  'mitigatedStatus',
  'msbulletinID',
  'netbiosName',
  'operatingSystem',
  'outputAssets',
  'patchPublished',
  'pluginID',
  'pluginModified',
  'pluginName',
  'pluginPublished',
  'pluginText',
  'pluginType',
  'policyID',
  'port',
  'protocol',
  'recastRisk',
  'recastRiskStatus',
  'repository',
  'repositoryIDs',
  'responsibleUserIDs',
  'seolDate',
  'severity',
  'solutionID',
  'stigSeverity',
  'tcpport',
  'udpport',
  'uuid',
  'vprScore',
  'vulnPublished',
  'vulnRoutedUserIDs',
  'vulnRoutingRuleID',
  'vulnUUID',
  'wasMitigated',
  'wasVuln',
  'xref',
] as const;

/** Tools SC accepts for type "vuln" (reference §3.1). */
export const SC_VULN_TOOLS = [
  'vulndetails',
  'listvuln',
  'sumid',
  'sumip',
  'sumasset',
  'sumdnsname',
  'sumcve',
  'sumfamily',
  'sumport',
  'sumprotocol',
  'sumseverity',
  'sumremediation',
  'sumclassa',
  'sumclassb',
  'sumclassc',
  'sumiavm',
  'sumcce',
  'summsbulletin',
  'sumuserresponsibility',
  'trend',
  'vulnipdetail',
  'vulnipsummary',
  'cveipdetail',
  'iavmipdetail',
  'cceipdetail',
  'iplist',
  'listos',
  'listsoftware',
  'listservices',
  'listmailclients',
  'listwebclients',
  'listwebservers',
  'listsshservers',
] as const;

/** Filters the simulator evaluates; other SC filters are refused with a clear message. */
export const SUPPORTED_FILTERS = ['lastSeen', 'lastMitigated', 'severity', 'repository', 'wasVuln'] as const;

/** Tools the simulator serves. */
export const SUPPORTED_TOOLS = ['vulndetails', 'sumip'] as const;

/** Sort fields the simulator honours for vulndetails. */
export const SUPPORTED_SORT_FIELDS = ['lastSeen', 'lastMitigated', 'severity', 'pluginID'] as const;

/** The columns of a sumip row as recorded from a real SC 5.x (reference §5, issue 17). */
export const SUMIP_COLUMNS = [
  'ip',
  'uuid',
  'score',
  'total',
  'severityInfo',
  'severityLow',
  'severityMedium',
  'severityHigh',
  'severityCritical',
  'macAddress',
  'policyName',
  'pluginSet',
  'netbiosName',
  'dnsName',
  'osCPE',
  'biosGUID',
  'tpmID',
  'mcafeeGUID',
  'lastAuthRun',
  'lastUnauthRun',
  'uniqueness',
  'repository',
] as const;

/** Sort fields the simulator honours for sumip: one of its columns, unique per repository. */
export const SUPPORTED_SUMIP_SORT_FIELDS = ['ip'] as const;

export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}
