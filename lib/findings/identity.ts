/**
 * Stable identities of findings and hosts, so consumers can follow one finding across runs and
 * datasets (open → fixed → reopened keep the same `finding_id`) and join findings to assets.
 *
 * SC's unique key is `hostUniqueness` (typically `repositoryID,ip,dnsName`) plus port, protocol
 * and pluginID (reference §3.3, §4.5). The host part here is repository id, ip, and the agent's
 * host uuid when SC has one (it survives DNS renames), else the DNS name. Values are canonicalised
 * first — trimmed, ip/dns/uuid lower-cased, protocol upper-cased, numbers as decimal text — so
 * `repository.id` 1 and "1", `port` "0443" and 443 give the same id.
 */
import { hash } from 'node:crypto';
import { DEFAULT_CONSOLE_ID } from '#lib/product';
import { ASSET_ID_TAG, FINDING_ID_TAG, ID_HEX_LENGTH } from './constants';
import { RowRejectedError } from './errors';
import type { WireRow } from './types';
import { int, nested, token } from './wire';

// Unit separator (U+001F): SC's ids, addresses and names do not contain it, so the join is unambiguous.
const SEP = '\u001f';

/** The host part of an identity, canonical; shared by asset and finding ids. */
export interface HostIdentity {
  repositoryId: string | null;
  ip: string;
  hostUuid: string | null;
  dnsName: string | null;
}

/**
 * The tag that starts an id's canonical text: the kind's own for the `default` console, so a
 * single-console deployment keeps the ids it always had, and `<tag>@<console>` for any other, so two
 * consoles that scan the same 10.0.0.1 name two hosts (README "Several SC consoles"). Console ids
 * contain neither `@` nor the separator, so no console's text can equal another's.
 */
function tagged(tag: string, consoleId: string): string {
  return consoleId === DEFAULT_CONSOLE_ID ? tag : `${tag}@${consoleId}`;
}

function digest(canonical: string): string {
  return hash('sha256', canonical, 'hex').slice(0, ID_HEX_LENGTH);
}

function hostPart(host: HostIdentity): string {
  // Tagged so that a uuid can never collide with a DNS name of the same spelling.
  const name =
    host.hostUuid !== null ? `u:${host.hostUuid.toLowerCase()}` : `d:${(host.dnsName ?? '').toLowerCase()}`;
  return `${host.repositoryId ?? ''}${SEP}${host.ip.toLowerCase()}${SEP}${name}`;
}

/** The asset id of a host whose fields are already read, on one console. */
export function assetIdOf(host: HostIdentity, consoleId: string = DEFAULT_CONSOLE_ID): string {
  return digest(`${tagged(ASSET_ID_TAG, consoleId)}${SEP}${hostPart(host)}`);
}

/** The finding id of a host/port/protocol/plugin whose fields are already read. */
export function findingIdOf(
  host: HostIdentity,
  port: number | null,
  protocol: string | null,
  pluginId: number,
  consoleId: string = DEFAULT_CONSOLE_ID,
): string {
  return digest(
    `${tagged(FINDING_ID_TAG, consoleId)}${SEP}${hostPart(host)}${SEP}${port ?? ''}${SEP}${(protocol ?? '').toUpperCase()}${SEP}${pluginId}`,
  );
}

/** Reads the host identity of a raw row; throws {@link RowRejectedError} without an ip. */
export function hostIdentityOf(row: WireRow): HostIdentity {
  const ip = token(row.ip, 'ip');
  if (ip === null) throw new RowRejectedError('ip', 'missing');
  const repository = nested(row.repository, 'repository');
  return {
    repositoryId: repository === null ? null : token(repository.id, 'repository.id'),
    ip,
    hostUuid: token(row.hostUUID, 'hostUUID') ?? token(row.uuid, 'uuid'),
    dnsName: token(row.dnsName, 'dnsName'),
  };
}

/** pluginID as a number; throws {@link RowRejectedError} when missing or not a whole number. */
export function pluginIdOf(row: WireRow): number {
  const pluginId = int(row.pluginID, 'pluginID', 0, Number.MAX_SAFE_INTEGER);
  if (pluginId === null) throw new RowRejectedError('pluginID', 'missing');
  return pluginId;
}

/**
 * The stable id of an SC finding (a vulndetails row, open or patched): 32 hex characters of the
 * sha256 of repository id, ip, host uuid or DNS name, port, protocol and pluginID. Other fields
 * (times, scores, output) do not matter. Throws {@link RowRejectedError} without ip or pluginID.
 *
 * @example
 * ```ts
 * findingId({ repository: { id: '1' }, ip: '10.0.0.5', dnsName: 'web1', port: '443', protocol: 'TCP', pluginID: '51192' });
 * // → 32 hex characters, the same on every run and in the vulns and fixed datasets
 * ```
 */
export function findingId(raw: WireRow, consoleId: string = DEFAULT_CONSOLE_ID): string {
  const host = hostIdentityOf(raw);
  const port = int(raw.port, 'port', 0, 65_535);
  return findingIdOf(host, port, token(raw.protocol, 'protocol'), pluginIdOf(raw), consoleId);
}

/**
 * The stable id of a host: 32 hex characters of the sha256 of repository id, ip and host uuid or
 * DNS name. A finding's `asset_id` equals the `asset_id` of its host's sumip row.
 *
 * @example
 * ```ts
 * assetId({ repository: { id: 1 }, ip: '10.0.0.5', uuid: '', dnsName: 'web1.example.com' });
 * ```
 */
export function assetId(raw: WireRow, consoleId: string = DEFAULT_CONSOLE_ID): string {
  return assetIdOf(hostIdentityOf(raw), consoleId);
}
