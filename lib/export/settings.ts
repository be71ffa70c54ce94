import type { ExportSettings } from './run';

/** A Lambda lives at most 15 minutes; a lease slightly longer outlives any invocation that dies. */
export const LEASE_SECONDS = 16 * 60;

/** Rows re-read at each page boundary: a tenth of a page, at least 10. */
export function pageOverlapFor(pageSize: number): number {
  return Math.max(10, Math.floor(pageSize / 10));
}

/** Fills the derived settings in. */
export function exportSettings(
  base: Omit<ExportSettings, 'pageOverlapRows' | 'leaseSeconds'>,
): ExportSettings {
  return { ...base, pageOverlapRows: pageOverlapFor(base.pageSize), leaseSeconds: LEASE_SECONDS };
}
