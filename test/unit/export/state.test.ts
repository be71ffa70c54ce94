import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type InflightRun, StateHandle } from '#lib/export';
import { createLocalStore, type ObjectStore, stateKey } from '#lib/sink';

const inflight: InflightRun = {
  runId: '20261123T101500Z-0a1b2c3d',
  window: { start: 1763000000, end: 1763892900 },
  dt: '2026-11-23',
  cursor: { offset: 2000, landmarks: ['a|b', 'c|d'] },
  parts: [
    {
      key: 'raw/dataset=vulns/x/part-00000.ndjson.gz',
      rows: 2000,
      bytes: 1234,
      uncompressedBytes: 9876,
      sha256: 'ab'.repeat(32),
    },
  ],
  nextPart: 1,
  scVersion: '6.4.0',
  startedAt: '2026-11-23T10:15:00.000Z',
  invocations: 2,
  duplicatesSkipped: 3,
};

describe('the export state object', () => {
  let dir: string;
  let store: ObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-state-'));
    store = createLocalStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back what it wrote as an equal state, and writes it again with the same bytes', async () => {
    // A run paused after an earlier one completed: a checkpoint and a run in flight.
    const first = await StateHandle.load(store, 'vulns');
    first.state.checkpoint = {
      end: 1763000000,
      runId: 'r0',
      completedAt: '2026-11-22T00:00:00.000Z',
      manifestKey: 'raw/m',
    };
    await first.acquire('owner-1', 1763892900, 960);
    first.state.inflight = structuredClone(inflight);
    await first.release();
    const written = (await store.getText(stateKey('vulns')))?.body;

    const second = await StateHandle.load(store, 'vulns');
    await second.save();

    expect(second.state).toEqual(first.state);
    expect((await store.getText(stateKey('vulns')))?.body).toBe(written);
  });

  it('refuses a state with a field of the wrong type, naming the object, the field and the fix', async () => {
    await store.putText(
      stateKey('vulns'),
      JSON.stringify({
        stateVersion: 1,
        dataset: 'vulns',
        checkpoint: { end: '1763000000', runId: 'r', completedAt: 'c', manifestKey: 'k' },
      }),
    );

    const loading = StateHandle.load(store, 'vulns');

    await expect(loading).rejects.toMatchObject({ code: 'STATE_CORRUPT', name: 'StateCorruptError' });
    await expect(loading).rejects.toThrow(store.uri(stateKey('vulns')));
    await expect(loading).rejects.toThrow('checkpoint.end must be a number, not a string');
    await expect(loading).rejects.toThrow(/Fix: /);
  });

  it('refuses a state whose resume cursor lost its landmarks', async () => {
    const { landmarks: _, ...cursor } = inflight.cursor;
    await store.putText(
      stateKey('vulns'),
      JSON.stringify({ stateVersion: 1, dataset: 'vulns', inflight: { ...inflight, cursor } }),
    );

    await expect(StateHandle.load(store, 'vulns')).rejects.toThrow('inflight.cursor.landmarks is missing');
  });

  it('refuses a state that is not JSON, or belongs to another dataset', async () => {
    await store.putText(stateKey('vulns'), '{"stateVersion":1,');
    await store.putText(stateKey('fixed'), JSON.stringify({ stateVersion: 1, dataset: 'vulns' }));

    await expect(StateHandle.load(store, 'vulns')).rejects.toThrow('(it is not JSON)');
    await expect(StateHandle.load(store, 'fixed')).rejects.toThrow('it is the state of dataset "vulns"');
  });
});
