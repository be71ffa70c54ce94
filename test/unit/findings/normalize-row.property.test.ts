import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dataset, normalizeRow } from '#lib/findings';
import { canaryKeys } from '#support/keys';
import { contextFor, fixedRow, sumIpRow, vulnRow } from './fixtures';

/** Every place a string sits in a row, nested objects included (severity.name, repository.id…). */
function stringPaths(row: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(row).flatMap(([key, value]) => {
    if (typeof value === 'string') return [[...prefix, key]];
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return stringPaths(value as Record<string, unknown>, [...prefix, key]);
    return [];
  });
}

function withValueAt(row: Record<string, unknown>, path: string[], value: string): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  return {
    ...row,
    [head]: rest.length === 0 ? value : withValueAt(row[head] as Record<string, unknown>, rest, value),
  };
}

describe('normalizing rows that carry a secret (property)', () => {
  const canary = canaryKeys();
  const secret = canary.keys.headerValue();
  /** Every run of 33 characters of the secret: what a reason must never contain. */
  const tooLong = Array.from({ length: secret.length - 32 }, (_, i) => secret.slice(i, i + 33));
  const datasets: { dataset: Dataset; row: () => Record<string, unknown> }[] = [
    { dataset: 'vulns', row: () => vulnRow() },
    { dataset: 'fixed', row: () => fixedRow() },
    { dataset: 'assets', row: () => sumIpRow() },
  ];

  it('never quotes more than 32 characters of it in a rejection reason, whichever fields hold it', () => {
    const scenario = fc.constantFrom(...datasets).chain(({ dataset, row }) => {
      const base = row();
      const paths = stringPaths(base);
      return fc.record({
        dataset: fc.constant(dataset),
        base: fc.constant(base),
        // Some fields, or all of them, hold the secret with a little text around it.
        paths: fc.oneof(fc.subarray(paths, { minLength: 1 }), fc.constant(paths)),
        before: fc.string({ maxLength: 6 }),
        after: fc.string({ maxLength: 6 }),
      });
    });
    fc.assert(
      fc.property(scenario, ({ dataset, base, paths, before, after }) => {
        // Prepare
        const raw = paths.reduce((row, path) => withValueAt(row, path, `${before}${secret}${after}`), base);

        // Act
        const result = normalizeRow(raw, contextFor(dataset));

        // Assert
        if (result.ok) return;
        for (const slice of tooLong) expect(result.reason).not.toContain(slice);
        expect(result.reason).toMatch(/^[A-Za-z0-9.]+: /);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects a row whose every string holds the secret, naming a field and quoting at most 32 characters', () => {
    for (const { dataset, row } of datasets) {
      // Prepare
      const base = row();
      const raw = stringPaths(base).reduce((r, path) => withValueAt(r, path, secret), base);

      // Act
      const result = normalizeRow(raw, contextFor(dataset));

      // Assert
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toMatch(/^[A-Za-z0-9.]+: .*…/); // the quoted value is cut short
        for (const slice of tooLong) expect(result.reason).not.toContain(slice);
      }
    }
  });
});
