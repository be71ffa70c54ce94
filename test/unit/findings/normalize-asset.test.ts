import { describe, expect, it } from 'vitest';
import { asset } from './helpers';

// 2024-04-04T05:05:26Z and 2024-03-01T00:00:00Z as SC writes them: epoch seconds as strings.
const APRIL = '1712207126';
const MARCH = '1709251200';

describe('normalizeRow on sumip rows: seen times (sumip has no firstSeen/lastSeen, issue 17)', () => {
  it.each([
    ['a credentialed scan only', { lastAuthRun: APRIL, lastUnauthRun: '' }, '2024-04-04T05:05:26.000Z'],
    ['an uncredentialed scan only', { lastAuthRun: '-1', lastUnauthRun: APRIL }, '2024-04-04T05:05:26.000Z'],
    [
      'both, the credentialed one later',
      { lastAuthRun: APRIL, lastUnauthRun: MARCH },
      '2024-04-04T05:05:26.000Z',
    ],
    [
      'both, the uncredentialed one later',
      { lastAuthRun: MARCH, lastUnauthRun: APRIL },
      '2024-04-04T05:05:26.000Z',
    ],
    ['neither ("-1" and "")', { lastAuthRun: '-1', lastUnauthRun: '' }, null],
    ['neither (absent)', { lastAuthRun: undefined, lastUnauthRun: undefined }, null],
  ])('takes last_seen from the later scan time: %s', (_name, scans, lastSeen) => {
    const row = asset(scans);

    expect(row.last_seen).toBe(lastSeen);
    expect(row.first_seen).toBeNull();
  });

  it('ignores firstSeen/lastSeen columns a sumip row does not carry on real SC', () => {
    const row = asset({
      firstSeen: '1600000000',
      lastSeen: '1600000000',
      lastAuthRun: MARCH,
      lastUnauthRun: '',
    });

    expect(row.first_seen).toBeNull();
    expect(row.last_seen).toBe('2024-03-01T00:00:00.000Z');
    expect(row.last_auth_run).toBe('2024-03-01T00:00:00.000Z');
    expect(row.last_unauth_run).toBeNull();
  });
});
