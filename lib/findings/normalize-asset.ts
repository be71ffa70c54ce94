/**
 * A sumip row (reference §5: one row per host, counts as strings) → a {@link DeliveredAsset}.
 */
import type { DeliveredAsset } from './delivered-asset';
import { assetIdOf, hostIdentityOf } from './identity';
import { isoOf } from './iso-time';
import type { NormalizeContext, WireRow } from './types';
import { epochSeconds, int, num, repositoryOf, token } from './wire';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;

function count(value: unknown, field: string): number | null {
  return int(value, field, 0, MAX_COUNT);
}

/** The later of two epoch times, either of which may be null. */
function later(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/**
 * Normalizes one sumip row of the `assets` dataset. Throws {@link RowRejectedError} when the row
 * cannot be delivered (no ip, or an unreadable number or date).
 */
export function normalizeAsset(row: WireRow, ctx: NormalizeContext): DeliveredAsset {
  const host = hostIdentityOf(row);
  // sumip rows carry no firstSeen/lastSeen (recorded SC rows, issue 17): the host was last seen
  // by its latest scan, credentialed or not; when it was first seen is not in the row.
  const lastAuthRun = epochSeconds(row.lastAuthRun, 'lastAuthRun');
  const lastUnauthRun = epochSeconds(row.lastUnauthRun, 'lastUnauthRun');
  return {
    asset_id: assetIdOf(host, ctx.consoleId),
    ip: host.ip,
    dns_name: host.dnsName,
    netbios_name: token(row.netbiosName, 'netbiosName'),
    mac_address: token(row.macAddress, 'macAddress'),
    os_cpe: token(row.osCPE, 'osCPE'),
    host_uuid: host.hostUuid,
    bios_guid: token(row.biosGUID, 'biosGUID'),
    tpm_id: token(row.tpmID, 'tpmID'),
    mcafee_guid: token(row.mcafeeGUID, 'mcafeeGUID'),
    repository: repositoryOf(row.repository),
    score: num(row.score, 'score'),
    total: count(row.total, 'total'),
    severity_counts: {
      info: count(row.severityInfo, 'severityInfo'),
      low: count(row.severityLow, 'severityLow'),
      medium: count(row.severityMedium, 'severityMedium'),
      high: count(row.severityHigh, 'severityHigh'),
      critical: count(row.severityCritical, 'severityCritical'),
    },
    first_seen: null,
    last_seen: isoOf(later(lastAuthRun, lastUnauthRun)),
    last_auth_run: isoOf(lastAuthRun),
    last_unauth_run: isoOf(lastUnauthRun),
    policy_name: token(row.policyName, 'policyName'),
    plugin_set: token(row.pluginSet, 'pluginSet'),
    acr_score: num(row.acrScore, 'acrScore'),
    asset_exposure_score: num(row.assetExposureScore, 'assetExposureScore'),
    collected_at: ctx.collectedAt,
    run_id: ctx.runId,
    dataset: 'assets',
    sc_host: ctx.scHost,
    sc_version: ctx.scVersion,
    console_id: ctx.consoleId,
  };
}
