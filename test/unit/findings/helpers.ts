import { expect } from 'vitest';
import { type DeliveredAsset, type DeliveredFinding, normalizeRow } from '#lib/findings';
import { contextFor, fixedRow, sumIpRow, vulnRow } from './fixtures';

/** Normalizes a vulns row built from the reference row plus `overrides`; fails the test if rejected. */
export function openFinding(overrides: Record<string, unknown> = {}, maxBytes?: number): DeliveredFinding {
  const result = normalizeRow(vulnRow(overrides), contextFor('vulns', maxBytes));
  if (!result.ok) expect.fail(`rejected: ${result.reason}`);
  return result.row as DeliveredFinding;
}

/** Normalizes a fixed row built from the patched reference row plus `overrides`. */
export function fixedFinding(overrides: Record<string, unknown> = {}): DeliveredFinding {
  const result = normalizeRow(fixedRow(overrides), contextFor('fixed'));
  if (!result.ok) expect.fail(`rejected: ${result.reason}`);
  return result.row as DeliveredFinding;
}

/** Normalizes a sumip row built from the reference host plus `overrides`. */
export function asset(overrides: Record<string, unknown> = {}): DeliveredAsset {
  const result = normalizeRow(sumIpRow(overrides), contextFor('assets'));
  if (!result.ok) expect.fail(`rejected: ${result.reason}`);
  return result.row as DeliveredAsset;
}

/** The reason a row was rejected; fails the test if it was accepted. */
export function rejection(raw: unknown, dataset: 'vulns' | 'fixed' | 'assets' = 'vulns'): string {
  const result = normalizeRow(raw, contextFor(dataset));
  if (result.ok) expect.fail('the row was accepted');
  return result.reason;
}
