import { text } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryRequestOf } from '#lib/delivery';
import { exportDataset } from '#lib/export';
import {
  findingsRunManifestSchema,
  manifestKey,
  PartWriter,
  partKey,
  type RunManifest,
  rawRunManifestSchema,
  runPrefix,
  totalsOf,
} from '#lib/sink';
import { deliverFully } from '#support/delivery';
import { type ExportHarness, exportHarness, HARNESS_STORE_PREFIX, readRun } from '#support/export-harness';

const settings = { pluginOutputMaxBytes: 8192 };

describe('forward-results delivery', () => {
  let h: ExportHarness;
  afterEach(async () => {
    await h?.close();
  });

  const deps = () => ({
    store: h.store,
    events: { publish: async (e: (typeof h.events)[number]) => void h.events.push(e) },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...(h.s3 === undefined ? {} : { bucket: h.s3.bucket }),
  });
  const rawRun = async (dataset: 'vulns' | 'fixed' | 'assets') => {
    const outcome = await exportDataset(h.deps(), h.settings(), dataset);
    return (outcome as { manifest: string }).manifest.replace(/^.*?raw\//, 'raw/');
  };

  /** Writes a raw run by hand, for rows the simulator never sends. */
  const handRun = async (lines: string[]) => {
    const prefix = runPrefix('raw', 'vulns', '2025-11-23', '20251123T000000Z-deadbeef');
    const writer = new PartWriter(h.store, (i) => partKey(prefix, i), { partSizeBytes: 1 << 20 });
    await writer.write(lines);
    await writer.finishPart();
    const manifest: RunManifest = {
      manifestVersion: 1,
      kind: 'raw',
      dataset: 'vulns',
      runId: '20251123T000000Z-deadbeef',
      window: {
        field: 'lastSeen',
        start: 0,
        end: 1763856000,
        startIso: '1970-01-01T00:00:00.000Z',
        endIso: '2025-11-23T00:00:00.000Z',
      },
      sc: { host: 'sc.example.com', version: '6.4.0' },
      parts: writer.completed,
      totals: totalsOf(writer.completed),
      createdAt: '2025-11-23T00:00:01.000Z',
    };
    await h.store.putText(manifestKey(prefix), JSON.stringify(manifest));
    return manifestKey(prefix);
  };

  it('delivers a raw run of a few thousand rows to findings/ on s3rver, manifest last, one row per finding', async () => {
    h = await exportHarness({ store: 's3' });
    const rawKey = await rawRun('vulns');
    const raw = await readRun(h.store, rawKey);
    const result = await deliverFully(deps(), settings, rawKey);
    const delivered = await readRun(h.store, result.manifest);
    expect(raw.rows.length).toBeGreaterThan(1000);
    expect(delivered.rows).toHaveLength(raw.rows.length - result.duplicates - result.rejected);
    expect(result.rejected).toBe(0);
    const ids = delivered.rows.map((r) => r.finding_id);
    expect(new Set(ids).size).toBe(ids.length);
    const row = delivered.rows[0] as Record<string, unknown>;
    expect(row).toMatchObject({
      state: expect.stringMatching(/^(open|reopened)$/),
      run_id: raw.manifest.runId,
      dataset: 'vulns',
      collected_at: raw.manifest.window.endIso,
      severity: { id: expect.any(Number), name: expect.any(String) },
    });
    expect(typeof row.port).toBe('number');
    expect(row.last_seen).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
    expect(delivered.manifest).toMatchObject({
      kind: 'findings',
      runId: raw.manifest.runId,
      bucket: h.s3?.bucket,
      details: { source: `${HARNESS_STORE_PREFIX}/${rawKey}` },
    });
    expect(h.events.find((e) => e.detailType === 'Findings Delivered')).toMatchObject({
      detailType: 'Findings Delivered',
      detail: {
        dataset: 'vulns',
        rowCount: delivered.rows.length,
        manifest: expect.stringMatching(/^s3:\/\/.*findings\/.*_manifest\.json$/),
      },
    });
  });

  it('marks every row of the fixed dataset fixed and delivers assets with asset ids', async () => {
    h = await exportHarness();
    const fixed = await readRun(
      h.store,
      (await deliverFully(deps(), settings, await rawRun('fixed'))).manifest,
    );
    expect(fixed.rows.length).toBeGreaterThan(0);
    expect(new Set(fixed.rows.map((r) => r.state))).toEqual(new Set(['fixed']));
    expect(fixed.rows.every((r) => typeof r.last_mitigated === 'string')).toBe(true);
    const assets = await readRun(
      h.store,
      (await deliverFully(deps(), settings, await rawRun('assets'))).manifest,
    );
    expect(assets.rows.length).toBeGreaterThan(0);
    expect(assets.rows.every((r) => typeof r.asset_id === 'string')).toBe(true);
  });

  it('writes raw and findings manifests that parse back equal, to the same bytes', async () => {
    h = await exportHarness();
    const rawKey = await rawRun('vulns');
    const findingsKey = (await deliverFully(deps(), settings, rawKey)).manifest.replace(
      /^.*?findings\//,
      'findings/',
    );
    const rawText = (await h.store.getText(rawKey))?.body as string;
    const findingsText = (await h.store.getText(findingsKey))?.body as string;

    const raw = rawRunManifestSchema.parse(JSON.parse(rawText));
    const findings = findingsRunManifestSchema.parse(JSON.parse(findingsText));

    expect(raw).toEqual(JSON.parse(rawText));
    expect(`${JSON.stringify(raw, null, 2)}\n`).toBe(rawText);
    expect(findings).toEqual(JSON.parse(findingsText));
    expect(`${JSON.stringify(findings, null, 2)}\n`).toBe(findingsText);
  });

  it('produces the same objects when a run is delivered twice', async () => {
    h = await exportHarness();
    const rawKey = await rawRun('vulns');
    const first = await deliverFully(deps(), settings, rawKey);
    const firstManifest = (await h.store.getText(first.manifest.replace(/^.*?findings\//, 'findings/')))
      ?.body;
    const second = await deliverFully(deps(), settings, rawKey);
    const secondManifest = (await h.store.getText(second.manifest.replace(/^.*?findings\//, 'findings/')))
      ?.body;
    expect(second.manifest).toBe(first.manifest);
    expect(secondManifest).toBe(firstManifest);
  });

  it('fails loudly on a corrupted raw part and makes nothing visible', async () => {
    h = await exportHarness({ store: 's3' });
    const rawKey = await rawRun('vulns');
    const raw = await readRun(h.store, rawKey);
    const part = h.store.keyOf(raw.manifest.parts[0]?.key as string) as string;
    await h.store.putText(part, 'not the bytes the manifest promised', { contentType: 'application/gzip' });
    await expect(deliverFully(deps(), settings, rawKey)).rejects.toMatchObject({
      code: 'RAW_PART_CORRUPT',
      message: expect.stringContaining(part),
    });
    const prefix = runPrefix(
      'findings',
      'vulns',
      raw.manifest.window.endIso.slice(0, 10),
      raw.manifest.runId,
    );
    expect(await h.store.getText(manifestKey(prefix))).toBeUndefined();
    expect(await h.store.getText(partKey(prefix, 0))).toBeUndefined();
    expect(h.events.filter((e) => e.detailType === 'Findings Delivered')).toEqual([]);
  });

  it('counts rejected rows, keeps them with their reason, and keeps the newest duplicate', async () => {
    h = await exportHarness();
    const good = h.sim.dataset.rowAt('cumulative', 10) as unknown as Record<string, unknown>;
    const older = { ...good, lastSeen: String(Number(good.lastSeen) - 86400), pluginName: 'older copy' };
    const lines = [
      JSON.stringify(older),
      JSON.stringify({ ...good, ip: undefined }),
      JSON.stringify({ ...good, port: 'abc' }),
      'this is not json',
      JSON.stringify(good),
      JSON.stringify(h.sim.dataset.rowAt('cumulative', 11)),
    ];
    const result = await deliverFully(deps(), settings, await handRun(lines));
    expect(result).toMatchObject({ rows: 2, rejected: 3, duplicates: 1 });
    const delivered = await readRun(h.store, result.manifest);
    expect(delivered.rows.find((r) => r.plugin_name === 'older copy')).toBeUndefined();
    const manifest = delivered.manifest.details as { rejected: { rows: number; parts: { key: string }[] } };
    expect(manifest.rejected.rows).toBe(3);
    const key = manifest.rejected.parts[0]?.key as string;
    expect(key).toMatch(/^rejected\/dataset=vulns\//);
    const rejectedLines = (await text((await h.store.getStream(key)).pipe(createGunzip())))
      .trim()
      .split('\n');
    const reasons = rejectedLines.map((l) => (JSON.parse(l) as { reason: string }).reason);
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/ip/);
    expect(reasons[1]).toMatch(/port/);
  });

  it('reads the console from the manifest address and refuses manifests outside the deployment', () => {
    const detail = {
      dataset: 'vulns',
      runId: 'y',
      window: { field: 'lastSeen', start: 0, end: 1, startIso: 'a', endIso: 'b' },
      manifest: 's3://b/p/console=emea/raw/dataset=vulns/dt=x/run=y/_manifest.json',
      manifestKey: 'p/console=emea/raw/dataset=vulns/dt=x/run=y/_manifest.json',
      rowCount: 0,
      parts: 0,
    };
    const consoles = ['default', 'emea'];
    expect(
      deliveryRequestOf({ source: 'sc2aws', 'detail-type': 'Export Completed', detail }, 'b', 'p', consoles),
    ).toEqual({ consoleId: 'emea', manifestKey: 'raw/dataset=vulns/dt=x/run=y/_manifest.json' });
    expect(
      deliveryRequestOf(
        { manifest: 's3://b/console=default/raw/dataset=vulns/dt=x/run=y/_manifest.json' },
        'b',
        '',
        consoles,
      ),
    ).toEqual({ consoleId: 'default', manifestKey: 'raw/dataset=vulns/dt=x/run=y/_manifest.json' });
    expect(() =>
      deliveryRequestOf(
        { manifest: 's3://other/p/console=default/raw/x/_manifest.json' },
        'b',
        'p',
        consoles,
      ),
    ).toThrow(/not a raw run manifest under s3:\/\/b\/p\/console=<id>\/raw\//);
    expect(() =>
      deliveryRequestOf({ manifest: 's3://b/p/console=apac/raw/x/_manifest.json' }, 'b', 'p', consoles),
    ).toThrow(
      'belongs to the console "apac", which this deployment does not have (its consoles: default, emea)',
    );
    expect(() =>
      deliveryRequestOf({ manifest: 's3://b/p/raw/x/_manifest.json' }, 'b', 'p', consoles),
    ).toThrow('this one was written before consoles: run `sc2aws migrate-layout` once');
    expect(() => deliveryRequestOf({ hello: 1 }, 'b', 'p', consoles)).toThrow(/does not handle/);
  });
});
