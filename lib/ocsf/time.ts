/**
 * Delivered times are ISO-8601 UTC text (`toISOString`); OCSF's timestamp_t is epoch milliseconds.
 * Undefined for null, so the attribute is left out of the record.
 */
export function epochMs(iso: string | null): number | undefined {
  if (iso === null) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
