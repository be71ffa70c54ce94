import { describe, expect, it } from 'vitest';
import {
  vulnerabilityFindingTime,
  vulnerabilityFindingTimeOfTail,
} from '../../../lib/ocsf/vulnerability-finding';
import { openFinding } from '../findings/helpers';
import { findingCases } from './rows';

const tailOf = (line: string) =>
  Buffer.from(line).toString('latin1', Math.max(0, Buffer.byteLength(line) - 80));

describe('vulnerabilityFindingTimeOfTail', () => {
  it('gives the time of a delivered line ending with its detected_at, as parsing the row does', () => {
    const rows = [
      { ...openFinding(), detected_at: '2024-05-06T07:08:09.000Z' },
      ...Object.values(findingCases).map((row) => ({ ...row, detected_at: '2025-01-02T03:04:05.678Z' })),
    ];
    for (const row of rows) {
      const line = JSON.stringify(row);
      expect(vulnerabilityFindingTimeOfTail(tailOf(line))).toBe(vulnerabilityFindingTime(row));
    }
  });

  it('gives nothing (the row is parsed) when the line does not end with a detected_at it can read', () => {
    const base = openFinding();
    const lines = [
      JSON.stringify({ ...base, detected_at: null }),
      JSON.stringify({ ...base, detected_at: 'not a date' }),
      JSON.stringify({ ...base }),
      // detected_at not last: a later member may change the row.
      JSON.stringify({ ...base, detected_at: '2024-05-06T07:08:09.000Z', extra: 1 }),
      // Inside a string, not a key.
      JSON.stringify({ ...base, plugin_output: 'x,"detected_at":"2024-05-06T07:08:09.000Z"}' }),
      `${JSON.stringify({ ...base, detected_at: '2024-05-06T07:08:09.000Z' })}\r`,
    ];
    for (const line of lines) expect(vulnerabilityFindingTimeOfTail(tailOf(line))).toBeUndefined();
  });
});
