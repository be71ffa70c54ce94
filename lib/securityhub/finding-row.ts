/**
 * The row ASFF is made from: a change row (changes/…, the delivered finding with its change) or a
 * current row (current/…, an open finding as its newest delivered row). Parsed with the fields the
 * encoder reads, never cast; other fields pass unseen.
 */
import * as z from 'zod/mini';
import { CHANGE_TYPES } from '#lib/lifecycle';

const text = z.nullable(z.string());
const score = z.nullable(z.number());
const flag = z.nullable(z.boolean());

export const findingRowSchema = z.object({
  finding_id: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
  asset_id: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
  state: z.enum(['open', 'reopened', 'fixed']),
  severity: z.nullable(z.object({ id: z.nullable(z.int()), name: text })),
  plugin_id: z.int(),
  plugin_name: text,
  ip: z.string(),
  ips: z.array(z.string()),
  port: z.nullable(z.int()),
  protocol: text,
  dns_name: text,
  netbios_name: text,
  mac_address: text,
  operating_system: text,
  host_uuid: text,
  repository: z.nullable(z.object({ id: text, name: text })),
  first_seen: text,
  last_seen: text,
  last_mitigated: text,
  accept_risk: flag,
  recast_risk: flag,
  exploit_available: flag,
  vpr_score: score,
  cvss_v2_base_score: score,
  cvss_v2_vector: text,
  cvss_v3_base_score: score,
  cvss_v3_vector: text,
  cvss_v4_base_score: score,
  cvss_v4_vector: text,
  epss_score: score,
  cve: z.array(z.string()),
  see_also: z.array(z.string()),
  family: z.nullable(z.object({ id: text, name: text, type: text })),
  synopsis: text,
  description: text,
  solution: text,
  patch_pub_date: text,
  accept_risk_comment: text,
  recast_risk_comment: text,
  plugin_output: text,
  sc_host: z.string(),
  /** Absent in rows delivered before consoles (the `default` console's). */
  console_id: z.optional(z.string()),
  /** A change row's change; absent on a current row (a refresh or a backfill). */
  change: z.optional(z.enum(CHANGE_TYPES)),
});
export type FindingRow = z.infer<typeof findingRowSchema>;

/** The lifecycle partition of a row's host: the first three hex digits of its asset_id. */
export function partitionOfRow(row: Pick<FindingRow, 'asset_id'>): number {
  return Number.parseInt(row.asset_id.slice(0, 3), 16);
}
