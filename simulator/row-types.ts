/**
 * Wire shapes of analysis rows, exactly as SC serializes them: virtually every scalar is a string
 * (reference §3.3, §5).
 */

/** `{id,name,description}` objects SC nests in rows and users. */
export interface NamedRef {
  id: string;
  name: string;
  description: string;
}

/** A repository as nested in analysis rows. */
export interface RepositoryRef extends NamedRef {
  sciID: string;
  dataFormat: string;
}

/** A vulndetails row exactly as SC sends it: virtually every scalar is a string (reference §3.3). */
export interface VulnDetailsRow {
  pluginID: string;
  severity: NamedRef;
  hasBeenMitigated: string;
  acceptRisk: string;
  recastRisk: string;
  ip: string;
  ips: string;
  uuid: string;
  port: string;
  protocol: string;
  pluginName: string;
  firstSeen: string;
  lastSeen: string;
  lastMitigated?: string;
  exploitAvailable: string;
  exploitEase: string;
  exploitFrameworks: string;
  synopsis: string;
  description: string;
  solution: string;
  seeAlso: string;
  riskFactor: string;
  stigSeverity: string;
  vprScore: string;
  vprContext: string;
  baseScore: string;
  temporalScore: string;
  cvssVector: string;
  cvssV3BaseScore: string;
  cvssV3TemporalScore: string;
  cvssV3Vector: string;
  cvssV4BaseScore: string;
  cvssV4Vector: string;
  epssScore: string;
  keyDrivers: string;
  cpe: string;
  vulnPubDate: string;
  patchPubDate: string;
  pluginPubDate: string;
  pluginModDate: string;
  checkType: string;
  version: string;
  cve: string;
  bid: string;
  xref: string;
  seolDate: string;
  pluginText: string;
  dnsName: string;
  macAddress: string;
  netbiosName: string;
  operatingSystem: string;
  recastRiskRuleComment: string;
  acceptRiskRuleComment: string;
  hostUniqueness: string;
  hostUUID: string;
  acrScore: string;
  assetExposureScore: string;
  vulnUniqueness: string;
  vulnUUID: string;
  uniqueness: string;
  family: { id: string; name: string; type: string };
  repository: RepositoryRef;
  pluginInfo: string;
}

/**
 * A sumip row: one host with its severity counts (reference §5). Exactly the columns recorded from
 * a real SC 5.x: no firstSeen/lastSeen (the window filter still selects hosts by their findings'
 * lastSeen), no hostUniqueness, no acrScore/assetExposureScore.
 */
export interface SumIpRow {
  ip: string;
  uuid: string;
  score: string;
  total: string;
  severityInfo: string;
  severityLow: string;
  severityMedium: string;
  severityHigh: string;
  severityCritical: string;
  macAddress: string;
  policyName: string;
  pluginSet: string;
  netbiosName: string;
  dnsName: string;
  osCPE: string;
  biosGUID: string;
  tpmID: string;
  mcafeeGUID: string;
  /** Epoch seconds of the last credentialed scan; "-1" or "" when there was none. */
  lastAuthRun: string;
  /** Epoch seconds of the last uncredentialed scan; "-1" or "" when there was none. */
  lastUnauthRun: string;
  uniqueness: string;
  repository: RepositoryRef;
}
