// Small numeric helpers for the report.

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Bytes as MB (10^6 bytes, the unit the goals are stated in). */
export const mb = (bytes) => bytes / 1e6;

export const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** 12345.6 → "12 346". */
export const grouped = (value) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US').replaceAll(',', ' ') : 'n/a';
