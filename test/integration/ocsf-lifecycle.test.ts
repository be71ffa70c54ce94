import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLifecycle, type LifecycleRunInfo } from '#lib/lifecycle';
import { type FindingRecordInput, vulnerabilityFindingOf } from '#lib/ocsf';
import { createLocalStore, type ObjectStore } from '#lib/sink';
import { readObjectLines, storeDeliveredRun } from '#support/lifecycle';
import { schemaErrors, validateVulnerabilityFinding } from '#support/ocsf-schema';

const DAY = 86_400;
const T0 = 1_767_225_600;

/** OCSF Vulnerability Finding records follow the change feed: one per change, none without. */
describe('OCSF records from the change feed', () => {
  let dir: string;
  let store: ObjectStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-ocsf-lifecycle-'));
    store = createLocalStore(dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function recordsOf(run: LifecycleRunInfo) {
    const outcome = await applyLifecycle({ store, shouldStop: () => false }, run);
    if (outcome.status !== 'committed') throw new Error('not committed');
    const manifest = JSON.parse((await store.getText(outcome.result.manifestKey))?.body ?? '{}') as {
      parts: { key: string }[];
    };
    const rows = [];
    for (const part of manifest.parts) rows.push(...(await readObjectLines(store, part.key)));
    return rows.map((row) => ({ row, record: vulnerabilityFindingOf(row as unknown as FindingRecordInput) }));
  }

  it('writes Create for new findings (a first import too), Update for changes, Close + Resolved for fixes, and nothing for the unchanged', async () => {
    const first = await recordsOf(
      await storeDeliveredRun(store, 'vulns', T0 + DAY, [
        { host: 1, plugin: 10, lastSeen: T0 + DAY },
        { host: 1, plugin: 11, lastSeen: T0 + DAY },
        { host: 2, plugin: 10, lastSeen: T0 + DAY },
      ]),
    );
    expect(first.map((r) => [r.record.activity_name, r.record.status])).toEqual([
      ['Create', 'New'],
      ['Create', 'New'],
      ['Create', 'New'],
    ]);

    const second = await recordsOf(
      await storeDeliveredRun(store, 'vulns', T0 + 2 * DAY, [
        { host: 1, plugin: 10, lastSeen: T0 + 2 * DAY }, // unchanged: no record
        { host: 1, plugin: 11, lastSeen: T0 + 2 * DAY, acceptRisk: true },
        { host: 2, plugin: 10, lastSeen: T0 + 2 * DAY, vpr: '9.9' },
      ]),
    );
    const fixed = await recordsOf(
      await storeDeliveredRun(store, 'fixed', T0 + 3 * DAY, [
        { host: 2, plugin: 10, lastSeen: T0 + 2 * DAY, lastMitigated: T0 + 3 * DAY - 60 },
      ]),
    );

    const summary = [...second, ...fixed].map(({ row, record }) => ({
      change: row.change,
      activity: record.activity_name,
      status: record.status,
      type_uid: record.type_uid,
      uid: record.metadata.uid === row.change_id,
      time: record.time === Date.parse(row.detected_at as string),
    }));
    expect(summary).toEqual(
      expect.arrayContaining([
        {
          change: 'risk_accepted',
          activity: 'Update',
          status: 'Suppressed',
          type_uid: 200202,
          uid: true,
          time: true,
        },
        { change: 'changed', activity: 'Update', status: 'New', type_uid: 200202, uid: true, time: true },
        { change: 'fixed', activity: 'Close', status: 'Resolved', type_uid: 200203, uid: true, time: true },
      ]),
    );
    expect(summary).toHaveLength(3);
    for (const { record } of [...first, ...second, ...fixed]) {
      expect(validateVulnerabilityFinding(record), schemaErrors(validateVulnerabilityFinding)).toBe(true);
    }
  });
});
