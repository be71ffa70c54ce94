import { RowRejectedError } from './errors';
import { normalizeAsset } from './normalize-asset';
import { normalizeFinding } from './normalize-finding';
import type { NormalizeContext, NormalizeResult, WireRow } from './types';
import { preview } from './wire';

/**
 * Turns one SC row, as it sits in a raw part, into a delivered row: a {@link DeliveredFinding}
 * for `vulns` and `fixed`, a {@link DeliveredAsset} for `assets`. Never throws, whatever `raw`
 * is: a row that cannot be delivered (not an object, no ip, no pluginID for findings, a value
 * that should be a number or a date and is not) comes back as `{ ok: false, reason }`, with a
 * short reason naming SC's field — for the run's rejected part. Missing optional fields are null.
 *
 * Build `ctx` once per run with {@link createNormalizeContext}.
 *
 * @example
 * ```ts
 * const result = normalizeRow(JSON.parse(line), ctx);
 * if (result.ok) findings.write(result.row);
 * else rejected.write({ reason: result.reason, row: line }); // e.g. 'port: not a number ("abc")'
 * ```
 */
export function normalizeRow(raw: unknown, ctx: NormalizeContext): NormalizeResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: `row: expected a JSON object, got ${preview(raw)}` };
  }
  try {
    switch (ctx.dataset) {
      case 'vulns':
      case 'fixed':
        return { ok: true, row: normalizeFinding(raw as WireRow, ctx) };
      case 'assets':
        return { ok: true, row: normalizeAsset(raw as WireRow, ctx) };
      default:
        return { ok: false, reason: `dataset: unknown dataset ${preview(ctx.dataset)}` };
    }
  } catch (err) {
    if (err instanceof RowRejectedError) return { ok: false, reason: err.reason };
    // Not reachable with JSON input; a getter or proxy in a hand-built object could still throw.
    return { ok: false, reason: `row: unreadable (${err instanceof Error ? err.name : typeof err})` };
  }
}
