import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverRun } from '#lib/delivery';
import type { Sc2awsEvent } from '#lib/events';
import { createLocalStore, manifestKey, type ObjectStore, type RawRunManifest, runPrefix } from '#lib/sink';

const key = manifestKey(runPrefix('raw', 'vulns', '2026-11-23', '20261123T000000Z-deadbeef'));
const manifest: RawRunManifest = {
  manifestVersion: 1,
  kind: 'raw',
  dataset: 'vulns',
  runId: '20261123T000000Z-deadbeef',
  window: { field: 'lastSeen', start: 0, end: 1, startIso: 'a', endIso: '2026-11-23T00:00:00.000Z' },
  sc: { host: 'sc.example.com', version: null },
  parts: [],
  totals: { parts: 0, rows: 0, bytes: 0, uncompressedBytes: 0 },
  createdAt: '2026-11-23T00:00:01.000Z',
};

describe('reading the raw manifest a delivery starts from', () => {
  let dir: string;
  let store: ObjectStore;
  let published: Sc2awsEvent[];
  const deliver = () =>
    deliverRun(
      {
        store,
        events: { publish: async (e) => void published.push(e) },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      },
      { pluginOutputMaxBytes: 8192, partSizeBytes: 1 << 20 },
      key,
    );
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-manifest-'));
    store = createLocalStore(dir);
    published = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a manifest missing its totals, naming the manifest and what is missing, and delivers nothing', async () => {
    const { totals: _, ...withoutTotals } = manifest;
    await store.putText(key, JSON.stringify(withoutTotals));

    const delivering = deliver();

    await expect(delivering).rejects.toMatchObject({ code: 'RAW_MANIFEST_INVALID' });
    await expect(delivering).rejects.toThrow(`Cannot deliver ${store.uri(key)}`);
    await expect(delivering).rejects.toThrow('totals is missing');
    expect(published).toEqual([]);
  });

  it('refuses a findings manifest, and a part whose row count is not a number', async () => {
    await store.putText(key, JSON.stringify({ ...manifest, kind: 'findings' }));
    await expect(deliver()).rejects.toThrow('kind must be "raw"');

    const part = {
      key: 'raw/x/part-00000.ndjson.gz',
      rows: '5',
      bytes: 1,
      uncompressedBytes: 1,
      sha256: 'ab',
    };
    await store.putText(key, JSON.stringify({ ...manifest, parts: [part] }));
    await expect(deliver()).rejects.toThrow('parts[0].rows must be a number, not a string');
  });

  it('refuses a manifest of a dataset delivery does not know', async () => {
    await store.putText(key, JSON.stringify({ ...manifest, dataset: 'plugins' }));

    await expect(deliver()).rejects.toThrow('dataset must be "vulns" or "fixed" or "assets"');
  });

  it('delivers an empty raw run whose manifest fits, announcing it', async () => {
    await store.putText(key, JSON.stringify(manifest));

    const result = await deliver();

    expect(result).toMatchObject({ rows: 0, rejected: 0, duplicates: 0 });
    expect(published.map((e) => e.detailType)).toEqual(['Findings Delivered']);
  });
});
