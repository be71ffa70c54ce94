import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sc2awsEvent } from '#lib/events';
import {
  createLocalStore,
  manifestKey,
  type ObjectStore,
  type PartInfo,
  type RawRunManifest,
  runPrefix,
  totalsOf,
} from '#lib/sink';
import { deliverFully } from '#support/delivery';
import { MAX_RUN_PARTS, MAX_RUN_ROWS } from '../../../lib/delivery/raw-manifest';

const own = runPrefix('raw', 'vulns', '2026-11-23', '20261123T000000Z-deadbeef');
const key = manifestKey(own);
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
  let read: string[];
  const deliver = () =>
    deliverFully(
      {
        store: {
          ...store,
          getStream: (k) => {
            read.push(k);
            return store.getStream(k);
          },
        },
        events: { publish: async (e) => void published.push(e) },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      },
      { pluginOutputMaxBytes: 8192 },
      key,
    );
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc2aws-manifest-'));
    store = createLocalStore(dir);
    published = [];
    read = [];
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

  const part = (over: Partial<PartInfo> = {}): PartInfo => ({
    key: `${own}part-00000.ndjson.gz`,
    rows: 10,
    bytes: 100,
    uncompressedBytes: 1000,
    sha256: 'a'.repeat(64),
    ...over,
  });
  /** A manifest listing `parts`, with totals that add up unless `totals` says otherwise. */
  const listing = (parts: PartInfo[], totals: Partial<RawRunManifest['totals']> = {}) => ({
    ...manifest,
    parts,
    totals: { ...totalsOf(parts), ...totals },
  });

  it.each([
    [
      'a part of another run',
      listing([part({ key: `${runPrefix('raw', 'vulns', '2026-11-23', 'other')}part-00000.ndjson.gz` })]),
      /parts\[0\]\.key .* is not a part of this run/,
    ],
    [
      'a part of another dataset',
      listing([
        part({
          key: `${runPrefix('raw', 'fixed', '2026-11-23', '20261123T000000Z-deadbeef')}part-00000.ndjson.gz`,
        }),
      ]),
      /parts\[0\]\.key .* is not a part of this run/,
    ],
    [
      'a part key climbing out with ../',
      listing([part({ key: `${own}../../../../state/vulns.json` })]),
      /parts\[0\]\.key .* is not a part of this run/,
    ],
    [
      'an absolute part key',
      listing([part({ key: '/etc/passwd' })]),
      /parts\[0\]\.key "\/etc\/passwd" is not a part of this run/,
    ],
    [
      'a part given as an s3:// address',
      listing([part({ key: `s3://other-bucket/${own}part-00000.ndjson.gz` })]),
      /is not a part of this run/,
    ],
    ['a part listed twice', listing([part(), part()]), /parts\[1\]\.key .* is listed twice/],
    [
      'a part without a sha256',
      listing([part({ sha256: 'n/a' })]),
      /parts\[0\]\.sha256 is not 64 hex digits/,
    ],
    [
      'a part with more rows than one delivery reads',
      listing([part({ rows: MAX_RUN_ROWS + 1 })]),
      /parts\[0\]\.rows is 100000001, more than the 100000000 rows/,
    ],
    [
      'totals that are not the sum of the parts (rows)',
      listing([part()], { rows: 11 }),
      /totals\.rows is 11, but its parts add up to 10/,
    ],
    [
      'totals that are not the sum of the parts (parts)',
      listing([part()], { parts: 0 }),
      /totals\.parts is 0, but its parts add up to 1/,
    ],
    [
      'totals that are not the sum of the parts (bytes)',
      listing([part()], { bytes: 5 }),
      /totals\.bytes is 5, but its parts add up to 100/,
    ],
    [
      'more rows in all than one delivery reads',
      listing([part({ rows: MAX_RUN_ROWS }), part({ key: `${own}part-00001.ndjson.gz`, rows: 1 })]),
      /it holds 100000001 rows, more than the 100000000/,
    ],
    [
      'a run id that is not one',
      { ...manifest, runId: '../20261123T000000Z-deadbeef' },
      /its runId "\.\.\/20261123T000000Z-deadbeef" is not a run id/,
    ],
    [
      'a manifest of another run than its folder',
      { ...manifest, runId: '20261123T000000Z-0badf00d' },
      /describes run 20261123T000000Z-0badf00d of vulns dated 2026-11-23, whose manifest is raw\/dataset=vulns\/dt=2026-11-23\/run=20261123T000000Z-0badf00d\/_manifest\.json/,
    ],
    [
      'a manifest of another dataset than its folder',
      { ...manifest, dataset: 'fixed' },
      /describes run .* of fixed/,
    ],
    [
      'a manifest dated another day than its folder',
      { ...manifest, window: { ...manifest.window, endIso: '2026-11-24T00:00:00.000Z' } },
      /dated 2026-11-24/,
    ],
  ])('refuses %s before reading any part, and delivers nothing', async (_case, document, problem) => {
    // Prepare
    await store.putText(key, JSON.stringify(document));

    // Act
    const delivering = deliver();

    // Assert
    await expect(delivering).rejects.toMatchObject({ code: 'RAW_MANIFEST_INVALID' });
    await expect(delivering).rejects.toThrow(problem);
    await expect(delivering).rejects.toThrow(
      /Fix: .*restore its previous version .* or export the window again/,
    );
    expect(read).toEqual([]);
    expect(published).toEqual([]);
    expect(
      await store.getText(manifestKey(runPrefix('findings', 'vulns', '2026-11-23', manifest.runId))),
    ).toBeUndefined();
  });

  it('refuses a manifest listing more parts than a run can have, before looking at any of them', async () => {
    const parts = Array.from({ length: MAX_RUN_PARTS + 1 }, () => part({ rows: 0 }));
    await store.putText(key, JSON.stringify(listing(parts)));

    await expect(deliver()).rejects.toThrow(
      `it lists ${MAX_RUN_PARTS + 1} parts, more than the ${MAX_RUN_PARTS}`,
    );
    expect(read).toEqual([]);
  });

  it('reads a version 2 manifest by its bucket keys and refuses one naming a part outside the data prefix', async () => {
    // Prepare: a store under prefix `data` in bucket `b`, as S3 with DATA_PREFIX=data is.
    const prefixed: ObjectStore = {
      ...store,
      bucket: 'b',
      bucketKey: (k) => `data/${k}`,
      keyOf: (k) => (k.startsWith('data/') ? k.slice('data/'.length) : undefined),
    };
    const part: PartInfo = {
      key: `data/${own}part-00000.ndjson.gz`,
      rows: 0,
      bytes: 20,
      uncompressedBytes: 0,
      sha256: 'a'.repeat(64),
    };
    const v2 = { ...manifest, manifestVersion: 2, bucket: 'b', parts: [part], totals: totalsOf([part]) };
    const outside = { ...v2, parts: [{ ...part, key: `${own}part-00000.ndjson.gz` }] };
    const deps = {
      store: prefixed,
      events: { publish: async () => {} },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    };

    // Act
    await store.putText(key, JSON.stringify(v2));
    const insideError = await deliverFully(deps, { pluginOutputMaxBytes: 8192 }, key).catch(
      (err: Error) => err,
    );
    await store.putText(key, JSON.stringify(outside));
    const outsideError = await deliverFully(deps, { pluginOutputMaxBytes: 8192 }, key).catch(
      (err: Error) => err,
    );

    // Assert: the first got past the manifest and asked the store for the part by its own key.
    expect(insideError).not.toMatchObject({ code: 'RAW_MANIFEST_INVALID' });
    expect((insideError as Error).message).toContain(store.uri(`${own}part-00000.ndjson.gz`));
    expect(outsideError).toMatchObject({
      code: 'RAW_MANIFEST_INVALID',
      message: expect.stringContaining(`parts[0].key "${own}part-00000.ndjson.gz" does not lie under`),
    });
  });
});
