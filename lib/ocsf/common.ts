import { hash } from 'node:crypto';
import { isIP } from 'node:net';
import { utf8CutIndex } from '#lib/findings';
import { MAX_STRING_BYTES, OCSF_PROFILES, OCSF_VERSION, PRODUCT_NAME, VENDOR_NAME } from './constants';
import type { OcsfGroup, OcsfMetadata, OcsfOs } from './types';

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
  },
  uid: string,
  loggedTime: number | undefined,
): OcsfMetadata {
  return {
    version: OCSF_VERSION,
    product: { name: PRODUCT_NAME, vendor_name: VENDOR_NAME, version: row.sc_version ?? undefined },
    profiles: [...OCSF_PROFILES],
    uid,
    correlation_uid: row.run_id,
    log_name: row.dataset,
    log_provider: row.sc_host,
    logged_time: loggedTime,
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

// os.type_id (objects/os.json), recognised from SC's operating-system text or CPE; order matters
// (Android and iOS before Linux and macOS, whose names they contain or resemble).
const OS_TYPES: readonly (readonly [RegExp, number, string])[] = [
  [/windows/i, 100, 'Windows'],
  [/android/i, 201, 'Android'],
  [/\bipados\b|ipad_?os/i, 302, 'iPadOS'],
  [/\bios\b|iphone_?os/i, 301, 'iOS'],
  [/mac ?os|os ?x|darwin|apple:mac/i, 300, 'macOS'],
  [/solaris|sunos/i, 400, 'Solaris'],
  [/\baix\b|ibm:aix/i, 401, 'AIX'],
  [/hp-?ux/i, 402, 'HP-UX'],
  [/linux|ubuntu|debian|red ?hat|centos|suse|fedora|rocky|alma|amazon/i, 200, 'Linux'],
];

/** `device.os` from SC's text (`operating_system`) or CPE (`os_cpe`); undefined without either. */
export function osOf(name: string | null, cpe?: string | null): OcsfOs | undefined {
  const label = name ?? cpe ?? null;
  if (label === null) return undefined;
  const [, typeId, type] = OS_TYPES.find(([pattern]) => pattern.test(label)) ?? [null, 0, 'Unknown'];
  return { name: text(label) ?? label, type_id: typeId, type, cpe_name: cpe ?? undefined };
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
