import { describe, expect, it } from 'vitest';
import { deliveryRequestOf } from '#lib/delivery';
import { DetailType, EVENT_SOURCE, eventDetail, type Sc2awsEvent } from '#lib/events';
import { type Dataset, exportRequestOf } from '#lib/export';

const completed = {
  dataset: 'vulns',
  runId: '20261123T101500Z-0a1b2c3d',
  window: {
    field: 'lastSeen',
    start: 1763000000,
    end: 1763892900,
    startIso: '2025-11-13T02:13:20.000Z',
    endIso: '2025-11-23T10:15:00.000Z',
  },
  manifest: 's3://bucket/sc2aws/raw/dataset=vulns/dt=2025-11-23/run=20261123T101500Z-0a1b2c3d/_manifest.json',
  bucket: 'bucket',
  manifestKey: 'raw/dataset=vulns/dt=2025-11-23/run=20261123T101500Z-0a1b2c3d/_manifest.json',
  rowCount: 1200,
  parts: 1,
};
const onTheBus = (detailType: string, detail: unknown) => ({
  version: '0',
  source: EVENT_SOURCE,
  'detail-type': detailType,
  detail,
});

/** One detail of every type, as the publishers build them. */
const published: Sc2awsEvent[] = [
  {
    detailType: DetailType.KeyValidationSucceeded,
    detail: {
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sc-AbCdEf',
      versionId: 'v2',
      versionStage: 'AWSPENDING',
      trigger: 'rotation',
      step: 'testSecret',
      scUrl: 'https://sc.example.com',
      keyLabel: 'ak:0123abcd',
      user: {
        id: '7',
        username: 'svc',
        role: { id: '3', name: 'Security Manager' },
        organization: { id: '1', name: 'Org' },
      },
      administrator: false,
      checkedAt: '2026-11-23T10:15:00.000Z',
    },
  },
  {
    detailType: DetailType.KeyValidationFailed,
    detail: {
      secretArn: 'arn:x',
      versionId: 'v2',
      versionStage: 'AWSCURRENT',
      trigger: 'label-updated',
      scUrl: 'https://sc.example.com',
      errorCode: 'SC_KEYS_REJECTED',
      reason: 'SC refused the keys.',
      checkedAt: '2026-11-23T10:15:00.000Z',
    },
  },
  {
    detailType: DetailType.KeyRotationCompleted,
    detail: {
      secretArn: 'arn:x',
      versionId: 'v2',
      previousVersionId: 'v1',
      completedAt: '2026-11-23T10:15:00.000Z',
    },
  },
  { detailType: DetailType.ExportCompleted, detail: completed },
  {
    detailType: DetailType.ExportContinuationRequested,
    detail: { datasets: ['vulns', 'fixed'], runs: { vulns: 'r1' }, requestedAt: '2026-11-23T10:15:00.000Z' },
  },
  {
    detailType: DetailType.FindingsDelivered,
    detail: {
      dataset: 'vulns',
      runId: 'r1',
      manifest: 's3://bucket/sc2aws/findings/x/_manifest.json',
      manifestKey: 'findings/x/_manifest.json',
      rowCount: 1190,
      rejectedCount: 4,
      duplicateCount: 6,
    },
  },
];

describe('event details', () => {
  it.each(published.map((e) => [e.detailType, e] as const))(
    'reads a published "%s" detail back equal from the bus',
    (detailType, event) => {
      const sent = JSON.parse(JSON.stringify(event.detail)) as unknown;

      expect(eventDetail(onTheBus(detailType, sent), detailType)).toEqual(event.detail);
    },
  );

  it('leaves events of other sources and other types to the caller', () => {
    expect(
      eventDetail(
        { ...onTheBus(DetailType.ExportCompleted, {}), source: 'aws.s3' },
        DetailType.ExportCompleted,
      ),
    ).toBeUndefined();
    expect(
      eventDetail(onTheBus(DetailType.FindingsDelivered, {}), DetailType.ExportCompleted),
    ).toBeUndefined();
    expect(eventDetail('Export Completed', DetailType.ExportCompleted)).toBeUndefined();
  });

  it('has forward-results refuse a forged "Export Completed" detail, saying which field is wrong', () => {
    const forged = onTheBus(DetailType.ExportCompleted, { ...completed, rowCount: '1200' });

    const reading = () => deliveryRequestOf(forged, 'bucket', 'sc2aws', ['default']);

    expect(reading).toThrow(
      expect.objectContaining({
        code: 'EVENT_DETAIL_INVALID',
        message: expect.stringContaining('"Export Completed" event was refused: its detail does not fit'),
      }),
    );
    expect(reading).toThrow('(rowCount must be a number, not a string)');
  });

  it('has forward-results refuse an "Export Completed" event that names only a manifest', () => {
    const forged = onTheBus(DetailType.ExportCompleted, { manifest: completed.manifest });

    expect(() => deliveryRequestOf(forged, 'bucket', 'sc2aws', ['default'])).toThrow('(dataset is missing)');
  });

  it('has pull-analysis refuse a continuation whose datasets are not a list', () => {
    const forged = onTheBus(DetailType.ExportContinuationRequested, {
      datasets: 'vulns',
      runs: {},
      requestedAt: '2026-11-23T10:15:00.000Z',
    });

    expect(() => datasetsFor(forged, ['vulns', 'fixed', 'assets'])).toThrow(
      expect.objectContaining({
        code: 'EVENT_DETAIL_INVALID',
        message: expect.stringContaining('(datasets must be an array, not a string)'),
      }),
    );
  });

  it('has pull-analysis refuse a continuation naming a dataset sc2aws does not export', () => {
    const forged = onTheBus(DetailType.ExportContinuationRequested, {
      datasets: ['vulns', 'plugins'],
      runs: {},
      requestedAt: '2026-11-23T10:15:00.000Z',
    });

    expect(() => datasetsFor(forged, ['vulns'])).toThrow(
      'datasets[1] must be "vulns" or "fixed" or "assets"',
    );
  });

  it('has pull-analysis export the datasets a valid continuation lists, among the configured ones', () => {
    const continuation = onTheBus(DetailType.ExportContinuationRequested, {
      datasets: ['fixed', 'assets'],
      runs: { fixed: 'r1' },
      requestedAt: '2026-11-23T10:15:00.000Z',
    });

    expect(datasetsFor(continuation, ['vulns', 'fixed'])).toEqual(['fixed']);
  });
});

/** The datasets pull-analysis exports for an event, in a deployment of one console. */
function datasetsFor(event: unknown, datasets: Dataset[]): Dataset[] {
  return exportRequestOf(event, [{ consoleId: 'default', datasets }]).datasets;
}
