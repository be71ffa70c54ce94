import { hash } from 'node:crypto';
import { isIP } from 'node:net';
import { utf8CutIndex } from '#lib/findings';
import { DEFAULT_CONSOLE_ID } from '#lib/product';
import { MAX_STRING_BYTES, OCSF_PROFILES, type OcsfVersion, PRODUCT_NAME, VENDOR_NAME } from './constants';
import type { OcsfDevice, OcsfGroup, OcsfMetadata, OcsfObservable } from './types';

/**
 * A record without its empty parts: OCSF has no nulls, so an attribute without a value is left out
 * (undefined, null, an empty list or an object left empty). Applied once to a finished record.
 */
export function prune<T>(value: T): T {
  return pruneValue(value) as T;
}

function pruneValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(pruneValue).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const kept = pruneValue(item);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value === null ? undefined : value;
}

/** Text cut to OCSF's string_t limit (65 535 UTF-8 bytes) at a character boundary. */
export function text(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  return value.length * 3 <= MAX_STRING_BYTES ? value : value.slice(0, utf8CutIndex(value, MAX_STRING_BYTES));
}

/**
 * `metadata.uid`: sha256 of the run, the dataset and the row's id, 32 hex characters. The same
 * delivered row always gets the same uid, so a redelivered run writes byte-identical files, and a
 * consumer can drop a record it already has.
 */
export function eventUid(runId: string, dataset: string, rowId: string): string {
  return hash('sha256', `${runId}\u001f${dataset}\u001f${rowId}`, 'hex').slice(0, 32);
}

export function metadataOf(
  row: {
    run_id: string;
    dataset: string;
    sc_host: string;
    sc_version: string | null;
    collected_at: string;
    /** Absent in rows delivered before consoles (the `default` console's). */
    console_id?: string;
  },
  uid: string,
  loggedTime: number | undefined,
  version: OcsfVersion,
): OcsfMetadata {
  return {
    version,
    product: { name: PRODUCT_NAME, vendor_name: VENDOR_NAME, version: row.sc_version ?? undefined },
    profiles: [...OCSF_PROFILES],
    uid,
    correlation_uid: row.run_id,
    log_name: row.dataset,
    log_provider: row.sc_host,
    logged_time: loggedTime,
    tenant_uid: row.console_id ?? DEFAULT_CONSOLE_ID,
  };
}

// OCSF's hostname_t and mac_t patterns (dictionary.json): a value outside them is left out of the
// attribute rather than making the record invalid; the host keeps its ip and uid.
const HOSTNAME =
  /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$/;

export function hostnameOf(dnsName: string | null): string | undefined {
  return dnsName !== null && HOSTNAME.test(dnsName) ? dnsName : undefined;
}

export function macOf(mac: string | null): string | undefined {
  return mac !== null && MAC.test(mac) ? mac : undefined;
}

export function ipOf(ip: string): string | undefined {
  return isIP(ip) === 0 ? undefined : ip;
}

/** The SC repository as a group of the device. */
export function repositoryGroup(
  repository: { id: string | null; name: string | null } | null,
): OcsfGroup | undefined {
  if (repository === null || (repository.id === null && repository.name === null)) return undefined;
  return { uid: repository.id ?? undefined, name: repository.name ?? undefined };
}

/** SC severity id 0–4 (Info … Critical) → OCSF severity_id 1–5; no SC severity → 0 Unknown. */
const SEVERITY_CAPTIONS = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical'] as const;

export function severityOf(scSeverity: number | null): { severity_id: number; severity: string } {
  const id = scSeverity !== null && scSeverity >= 0 && scSeverity <= 4 ? scSeverity + 1 : 0;
  return { severity_id: id, severity: SEVERITY_CAPTIONS[id] as string };
}

/** Device type: SC does not say whether a host is a server, desktop or router. */
export const UNKNOWN_DEVICE_TYPE = { type_id: 0, type: 'Unknown' } as const;

/** The host fields of a delivered row that a record's `device` is made of. */
export interface HostFields {
  asset_id: string;
  host_uuid: string | null;
  ip: string;
  dns_name: string | null;
  netbios_name: string | null;
  mac_address: string | null;
  repository: { id: string | null; name: string | null } | null;
}

/** A host as both classes' `device` names it (each class adds its own fields), with its `os`. */
export function hostDevice(row: HostFields, os: OcsfDevice['os'], group = repositoryGroup(row.repository)) {
  return {
    ...UNKNOWN_DEVICE_TYPE,
    uid: row.asset_id,
    uid_alt: row.host_uuid ?? undefined,
    ip: ipOf(row.ip),
    hostname: hostnameOf(row.dns_name),
    name: text(row.netbios_name ?? row.dns_name),
    mac: macOf(row.mac_address),
    os,
    groups: group === undefined ? undefined : [group],
  };
}

/**
 * Observable types (the observable object's type_id, built from the schema's `observable` ids):
 * hostname_t, ip_t and mac_t in both versions; a CVE id only in 1.3.0 (`cve.uid`, 18), so 1.1.0
 * says Other (99) with the type's name.
 */
const OBSERVABLE = {
  hostname: { type_id: 1, type: 'Hostname' },
  ip: { type_id: 2, type: 'IP Address' },
  mac: { type_id: 3, type: 'MAC Address' },
  cve: {
    '1.1.0': { type_id: 99, type: 'CVE ID' },
    '1.3.0': { type_id: 18, type: 'CVE Object: uid' },
  },
} as const;

/**
 * `observables`: the host's IP, hostname and MAC as the record's `device` carries them (so only
 * values valid for their type), and the CVE ids SC named, each once. Security Lake queries that
 * search every source by an IP, a hostname or a CVE find the record through them.
 */
export function observablesOf(
  device: Pick<OcsfDevice, 'ip' | 'hostname' | 'mac'>,
  cves: readonly string[],
  version: OcsfVersion,
): OcsfObservable[] {
  const out: OcsfObservable[] = [];
  if (device.ip !== undefined) out.push({ name: 'device.ip', ...OBSERVABLE.ip, value: device.ip });
  if (device.hostname !== undefined)
    out.push({ name: 'device.hostname', ...OBSERVABLE.hostname, value: device.hostname });
  if (device.mac !== undefined) out.push({ name: 'device.mac', ...OBSERVABLE.mac, value: device.mac });
  for (const cve of new Set(cves))
    out.push({ name: 'vulnerabilities.cve.uid', ...OBSERVABLE.cve[version], value: cve });
  return out;
}
