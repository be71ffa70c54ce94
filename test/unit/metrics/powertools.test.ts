import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLambdaMetrics } from '#lib/metrics';

interface EmfRecord {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [field: string]: unknown;
}

/** The EMF records Powertools prints while `act` runs. */
function emfOf(act: () => void): EmfRecord[] {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    act();
  } finally {
    log.mockRestore();
  }
  return lines.map((line) => JSON.parse(line) as EmfRecord);
}

describe('createLambdaMetrics', () => {
  beforeEach(() => {
    // The test environment switches metrics off; POWERTOOLS_DEV makes them print on console.log.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'true');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes a value with dimensions at once, on its own, with the service dimension', () => {
    // Act
    const records = emfOf(() => {
      const metrics = createLambdaMetrics('pull-analysis');
      metrics.addMetric('RowsExported', 'Count', 42, { dataset: 'vulns' });
    });

    // Assert
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ service: 'pull-analysis', dataset: 'vulns', RowsExported: 42 });
    expect(records[0]?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'sc2aws',
      Dimensions: [['service', 'dataset']],
      Metrics: [{ Name: 'RowsExported', Unit: 'Count' }],
    });
  });

  it('holds values without dimensions until publish, then writes them together', () => {
    // Prepare
    const metrics = createLambdaMetrics('validate-keys');
    const before = emfOf(() => {
      metrics.addMetric('ScRequestLatency', 'Milliseconds', 12);
      metrics.addMetric('ScRequestLatency', 'Milliseconds', 30);
      metrics.addMetric('KeyValidationSucceeded', 'Count', 1);
    });

    // Act
    const published = emfOf(() => metrics.publish());
    const again = emfOf(() => metrics.publish());

    // Assert
    expect(before).toEqual([]);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      service: 'validate-keys',
      ScRequestLatency: [12, 30],
      KeyValidationSucceeded: 1,
    });
    expect(again).toEqual([]);
  });
});
