import type { ExportSettings } from './types';

/** A Lambda lives at most 15 minutes; a lease slightly longer outlives any invocation that dies. */
export const LEASE_SECONDS = 16 * 60;

/**
 * Rows re-read at each page boundary: a fiftieth of a page, at least 10 (20 at the default 1000).
 * Every export pays the overlap on every page (SC computes 1 / (1 - overlap / page size) of the rows:
 * 11 % more at a tenth, 2 % at a fiftieth); it only saves a look-back request when between 20 and
 * 100 rows leave the result set between two page requests, and a look-back recovers any drift
 * anyway (bench/, issue 9).
 */
export function pageOverlapFor(pageSize: number): number {
  return Math.max(10, Math.floor(pageSize / 50));
}

/** Fills the derived settings in. */
export function exportSettings(
  base: Omit<ExportSettings, 'pageOverlapRows' | 'leaseSeconds'>,
): ExportSettings {
  return { ...base, pageOverlapRows: pageOverlapFor(base.pageSize), leaseSeconds: LEASE_SECONDS };
}
