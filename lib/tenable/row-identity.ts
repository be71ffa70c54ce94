import { hash } from 'node:crypto';

/** What one analysis row stands for: a finding (vulndetails) or a host (sumip). */
export type RowKind = 'finding' | 'host';

/** The top-level fields {@link rowIdentity} reads (`a.b` reads field `b` of the object in `a`). */
export const IDENTITY_FIELDS: readonly string[] = [
  // Only the id: the repository object's other fields are not parsed for every row.
  'repository.id',
  'ip',
  'uuid',
  'hostUUID',
  'dnsName',
  'port',
  'protocol',
  'pluginID',
];

function field(row: Record<string, unknown>, name: string): string {
  const v = row[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function repositoryId(row: Record<string, unknown>): string {
  const id = 'repository.id' in row ? row['repository.id'] : (row.repository as { id?: unknown } | null)?.id;
  return id === undefined || id === null ? '' : String(id);
}

/**
 * The SC identity of a row: repository id, ip, host uuid or dnsName, and for findings port,
 * protocol and pluginID (reference §3.3 `hostUniqueness` / `vulnUniqueness`).
 */
function rowIdentity(row: Record<string, unknown>, kind: RowKind): string {
  const host = `${repositoryId(row)}|${field(row, 'ip')}|${field(row, 'uuid') || field(row, 'hostUUID') || field(row, 'dnsName')}`;
  return kind === 'host'
    ? host
    : `${host}|${field(row, 'port')}|${field(row, 'protocol')}|${field(row, 'pluginID')}`;
}

/**
 * The landmark of a row as the drift-safe pager compares it: a short, fixed-size form of its
 * {@link rowIdentity}, small enough for the resume cursor in the state object. A row SC sent as
 * broken JSON (`fields` undefined) has no readable fields; its bytes stand in, so two broken rows
 * are never taken for the same finding (and one skipped as already delivered).
 */
export function rowLandmark(
  bytes: Uint8Array,
  fields: Record<string, unknown> | undefined,
  kind: RowKind,
): string {
  return identityTag(
    fields === undefined ? `unreadable|${hash('sha256', bytes, 'base64url')}` : rowIdentity(fields, kind),
  );
}

/** A short, fixed-size form of an identity. */
function identityTag(identity: string): string {
  // One-shot hash: no Hash object per row (this runs for every row of every page).
  return hash('sha256', identity, 'base64url').slice(0, 16);
}
