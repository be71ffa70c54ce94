import type { NamedId } from './types';

/** Findings per severity on a host (sumip's `severityInfo` … `severityCritical`). */
export interface SeverityCounts {
  info: number | null;
  low: number | null;
  medium: number | null;
  high: number | null;
  critical: number | null;
}

/**
 * One delivered host (dataset `assets`, from the sumip tool, reference §5): the consumer contract.
 * Same conventions as {@link DeliveredFinding}: every field present, null for no value, ISO-8601
 * UTC times, numbers as numbers, SC ids as strings. Columns: {@link DELIVERED_ASSET_COLUMNS}.
 */
export interface DeliveredAsset {
  /** 32 hex chars: sha256 of repository id, ip, host uuid or DNS name; equals `asset_id` on the host's findings. */
  asset_id: string;
  ip: string;
  dns_name: string | null;
  netbios_name: string | null;
  mac_address: string | null;
  /** The operating system as a CPE (`osCPE`). */
  os_cpe: string | null;
  /** The agent's host uuid (`hostUUID`, else `uuid`); null for network-scanned hosts. */
  host_uuid: string | null;
  bios_guid: string | null;
  tpm_id: string | null;
  mcafee_guid: string | null;
  repository: NamedId | null;
  /** SC's weighted vulnerability score of the host. */
  score: number | null;
  /** Findings on the host. */
  total: number | null;
  severity_counts: SeverityCounts;
  /**
   * Always null: SC's sumip rows carry no first-seen time (recorded rows, issue 17). Kept so the
   * column set, and the Athena table, stay as they are; a host's findings carry their first_seen.
   */
  first_seen: null;
  /** The later of `last_auth_run` and `last_unauth_run`: sumip rows carry no lastSeen. Null without either. */
  last_seen: string | null;
  /** Last credentialed scan. */
  last_auth_run: string | null;
  /** Last uncredentialed scan. */
  last_unauth_run: string | null;
  policy_name: string | null;
  /** The plugin feed the host was last scanned with (`pluginSet`). */
  plugin_set: string | null;
  /** Asset Criticality Rating, 1–10; null when SC sends none (the recorded SC 5.x rows have no column). */
  acr_score: number | null;
  /** Asset Exposure Score, 0–1000; null when SC sends none (as for `acr_score`). */
  asset_exposure_score: number | null;
  collected_at: string;
  run_id: string;
  dataset: 'assets';
  sc_host: string;
  sc_version: string | null;
  /** The console of the deployment the row came from (README "Several SC consoles"). */
  console_id: string;
}
