import type { DeliveredAsset } from '#lib/findings';
import { eventUid, hostDevice, metadataOf, observablesOf, prune, repositoryGroup, text } from './common';
import { OCSF_CLASSES, type OcsfVersion } from './constants';
import { osOf } from './os';
import { epochMs } from './time';
import type { DeviceInventoryInfoEvent } from './types';

const CLASS = OCSF_CLASSES.deviceInventoryInfo;
/** Discovery activity 2 Collect: SC's scans collected what the record says about the host. */
const COLLECT = 2;

/** A host record's `time`: the host's last scan, else the run time. Files are sorted on it. */
export function deviceInventoryInfoTime(row: DeliveredAsset): number {
  return epochMs(row.last_seen) ?? epochMs(row.collected_at) ?? 0;
}

/**
 * A delivered host (`assets`) as an OCSF Device Inventory Info record (class 5001) of `version`.
 * Pure: the same row and version give the same record. Severity is Informational: an inventory
 * record reports no problem (the host's findings carry theirs).
 *
 * @example
 * ```ts
 * const event = deviceInventoryInfoOf(JSON.parse(line) as DeliveredAsset, '1.1.0');
 * ```
 */
export function deviceInventoryInfoOf(
  row: DeliveredAsset,
  version: OcsfVersion = '1.3.0',
): DeviceInventoryInfoEvent {
  return prune(deviceInventoryInfoAttributes(row, version));
}

/**
 * {@link deviceInventoryInfoOf} with its empty parts still in (attributes without a value are
 * undefined, lists may be empty): what the Parquet writer reads, which writes them as nulls
 * (lib/ocsf/shred), so no record is copied to leave them out.
 */
export function deviceInventoryInfoAttributes(
  row: DeliveredAsset,
  version: OcsfVersion = '1.3.0',
): DeviceInventoryInfoEvent {
  const lastSeen = epochMs(row.last_seen);
  const collected = epochMs(row.collected_at);
  const group = repositoryGroup(row.repository);
  const counts = row.severity_counts;
  const device = {
    // SC gives a host's system as a CPE only: os.name reads it, os.cpe_name holds it.
    ...hostDevice(row, osOf(null, row.os_cpe), group),
    risk_score: row.asset_exposure_score === null ? undefined : Math.round(row.asset_exposure_score),
    first_seen_time: epochMs(row.first_seen),
    last_seen_time: lastSeen,
  };
  return {
    activity_id: COLLECT,
    activity_name: 'Collect',
    category_uid: CLASS.categoryUid,
    category_name: CLASS.categoryName,
    class_uid: CLASS.classUid,
    class_name: CLASS.className,
    type_uid: CLASS.classUid * 100 + COLLECT,
    type_name: `${CLASS.className}: Collect`,
    time: deviceInventoryInfoTime(row),
    severity_id: 1,
    severity: 'Informational',
    metadata: metadataOf(row, eventUid(row.run_id, row.dataset, row.asset_id), collected, version),
    device,
    observables: observablesOf(device, [], version),
    unmapped: {
      bios_guid: row.bios_guid ?? undefined,
      tpm_id: row.tpm_id ?? undefined,
      mcafee_guid: row.mcafee_guid ?? undefined,
      score: row.score ?? undefined,
      total: row.total ?? undefined,
      severity_counts: {
        info: counts.info ?? undefined,
        low: counts.low ?? undefined,
        medium: counts.medium ?? undefined,
        high: counts.high ?? undefined,
        critical: counts.critical ?? undefined,
      },
      last_auth_run: row.last_auth_run ?? undefined,
      last_unauth_run: row.last_unauth_run ?? undefined,
      policy_name: text(row.policy_name),
      plugin_set: text(row.plugin_set),
      acr_score: row.acr_score ?? undefined,
    },
  };
}
