import { describe, expect, it } from 'vitest';
import {
  createNormalizeContext,
  type Dataset,
  DEFAULT_PLUGIN_OUTPUT_MAX_BYTES,
  FindingsOptionError,
  type NormalizeContextOptions,
  normalizeRow,
} from '#lib/findings';
import { contextFor, vulnRow } from './fixtures';

const good: NormalizeContextOptions = {
  dataset: 'vulns',
  runId: 'run-1',
  collectedAt: new Date('2024-04-04T06:00:00Z'),
  scHost: 'sc.example.com',
};

describe('createNormalizeContext', () => {
  it('fills the plugin output cap and makes the run time canonical ISO text', () => {
    // Act
    const ctx = createNormalizeContext({
      ...good,
      collectedAt: '2024-04-04T08:00:00+02:00',
      scVersion: ' 6.4.0 ',
    });

    // Assert
    expect(ctx).toEqual({
      dataset: 'vulns',
      runId: 'run-1',
      collectedAt: '2024-04-04T06:00:00.000Z',
      scHost: 'sc.example.com',
      scVersion: '6.4.0',
      pluginOutputMaxBytes: DEFAULT_PLUGIN_OUTPUT_MAX_BYTES,
      consoleId: 'default',
    });
    expect(DEFAULT_PLUGIN_OUTPUT_MAX_BYTES).toBe(8192);
    expect(createNormalizeContext(good).scVersion).toBeNull();
  });

  it.each([
    ['dataset', { dataset: 'open' as Dataset }],
    ['runId', { runId: ' ' }],
    ['collectedAt', { collectedAt: '2024-04-04 06:00' }],
    ['collectedAt', { collectedAt: new Date(Number.NaN) }],
    ['scHost', { scHost: '' }],
    ['pluginOutputMaxBytes', { pluginOutputMaxBytes: -1 }],
    ['pluginOutputMaxBytes', { pluginOutputMaxBytes: 1.5 }],
    ['pluginOutputMaxBytes', { pluginOutputMaxBytes: 10_000_000 }],
  ])('refuses a bad %s, naming it', (option, patch) => {
    // Act
    const act = () => createNormalizeContext({ ...good, ...patch });

    // Assert
    expect(act).toThrow(FindingsOptionError);
    expect(act).toThrow(new RegExp(`^Findings option ${option} .*Example: ${option}: `));
  });

  it('answers a reason, not an exception, for a context that was never checked', () => {
    // Act
    const result = normalizeRow(vulnRow(), { ...contextFor('vulns'), dataset: 'open' as Dataset });

    // Assert
    expect(result).toEqual({ ok: false, reason: 'dataset: unknown dataset "open"' });
  });
});
