import { afterEach, describe, expect, it } from 'vitest';
import { exportDataset } from '#lib/export';
import { consolePrefix, DEFAULT_CONSOLE_ID } from '#lib/product';
import { committedKey, createS3Store, manifestKey, type ObjectStore } from '#lib/sink';
import {
  expectTablesShowCommittedRunsOnly,
  keysTableReads,
  listKeys,
  shippedDdl,
} from '#support/athena-table';
import { deliverFully } from '#support/delivery';
import { type ExportHarness, exportHarness } from '#support/export-harness';
import { sdkRetriesWithoutBackoff } from '#support/sdk-retries';
import { injectS3Faults, type S3Faults } from '../faults/support/s3-faults';

/** The deployment's data prefix; the one console `default` keeps its data under its folder. */
const PREFIX = 'sc2aws';
const CONSOLE_ROOT = consolePrefix(PREFIX, DEFAULT_CONSOLE_ID);
/** Small findings parts, so a delivery writes several and can fail between them. */
const DELIVERY = { pluginOutputMaxBytes: 8192 };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Committed runs only (README "Committed runs only"): what the shipped Athena tables read
 * (infra/athena/*.sql, applied to s3rver's bucket by the rules Athena follows) is, at every step,
 * the parts of runs whose manifest and committed list exist — never parts of a run in flight or of
 * a delivery that failed.
 */
describe('the shipped tables show committed runs only', () => {
  let h: ExportHarness;
  let store: ObjectStore;
  let faults: S3Faults;
  afterEach(async () => {
    await h?.close();
  });

  const published: string[] = [];
  const start = async () => {
    published.length = 0;
    h = await exportHarness({ store: 's3' });
    const client = h.s3?.client({ retryStrategy: sdkRetriesWithoutBackoff() });
    if (client === undefined || h.s3 === undefined) throw new Error('needs s3rver');
    faults = injectS3Faults(client);
    store = createS3Store({ client, bucket: h.s3.bucket, prefix: CONSOLE_ROOT });
  };
  const bucket = () => ({ client: h.s3?.client() as never, bucket: h.s3?.bucket as string });
  const tables = () => expectTablesShowCommittedRunsOnly(bucket(), PREFIX);
  const deliver = (rawKey: string) =>
    deliverFully(
      { store, events: { publish: async (e) => void published.push(e.detailType) }, logger: quiet },
      DELIVERY,
      rawKey,
    );
  const exportVulns = async (overrides: Parameters<ExportHarness['deps']>[0] = {}) =>
    exportDataset(h.deps({ store, ...overrides }), h.settings({ partSizeBytes: 256 * 1024 }), 'vulns');
  const rawKeyOf = (manifestUri: string) => manifestUri.replace(/^.*?raw\//, 'raw/');

  it('keeps a delivery that failed between parts out of the findings table; the redelivery shows it whole', async () => {
    // Prepare: a committed raw run, and S3 refusing the delivery's second findings part.
    await start();
    const exported = await exportVulns();
    if (exported.status !== 'completed') throw new Error('the export did not complete');
    const rawKey = rawKeyOf(exported.manifest);
    faults.add({
      commands: ['PutObjectCommand', 'CreateMultipartUploadCommand', 'UploadPartCommand'],
      key: /^sc2aws\/console=default\/findings\/.*\/part-00001\.ndjson\.gz$/,
      status: 500,
      code: 'InternalError',
      times: Number.POSITIVE_INFINITY,
    });

    // Act
    const failed = deliver(rawKey);

    // Assert: the delivery failed after storing its first part, and no table reads that part.
    await expect(failed).rejects.toMatchObject({ code: 'SINK_WRITE_FAILED' });
    const stored = await listKeys(bucket());
    expect(
      stored.filter((k) =>
        /^sc2aws\/console=default\/findings\/dataset=vulns\/.*\/part-00000\.ndjson\.gz$/.test(k),
      ),
    ).toHaveLength(1);
    expect(await tables()).toEqual({ raw: [exported.runId], findings: [], assets: [] });
    expect(published).toEqual([]);

    // Act: S3 recovers, forward-results retries the same event.
    faults.clear();
    const result = await deliver(rawKey);

    // Assert: the run shows whole, once.
    expect(result.rows).toBeGreaterThan(1000);
    expect(await tables()).toEqual({ raw: [exported.runId], findings: [exported.runId], assets: [] });
    expect(published).toEqual(['Findings Delivered', 'Findings Changed']);
  });

  it('keeps the raw parts of a run in flight out of the raw table until the run commits', async () => {
    // Prepare: the deadline comes after two pages, so the run continues in a later invocation.
    await start();
    let pages = 0;
    const paused = await exportVulns({
      remainingMs: () => (pages >= 2 ? 500 : Number.POSITIVE_INFINITY),
      onProgress: (p) => {
        pages = p.pages;
      },
    });
    expect(paused.status).toBe('continued');
    expect((await h.state('vulns'))?.inflight?.parts.length).toBeGreaterThan(0);

    // Assert: the stored parts are in the bucket, not in the raw table.
    expect(await tables()).toEqual({ raw: [], findings: [], assets: [] });

    // Act: the continuation finishes the run.
    const resumed = await exportVulns();

    // Assert
    expect(resumed.status).toBe('completed');
    expect(await tables()).toEqual({ raw: [(resumed as { runId: string }).runId], findings: [], assets: [] });
  });

  it('lists a run only after its manifest: a refused committed list leaves it out of the table until the retry', async () => {
    // Prepare: a committed raw run; S3 refuses the findings committed list.
    await start();
    const exported = await exportVulns();
    if (exported.status !== 'completed') throw new Error('the export did not complete');
    const rawKey = rawKeyOf(exported.manifest);
    faults.add({
      commands: ['PutObjectCommand'],
      key: /^sc2aws\/console=default\/findings\/committed\//,
      status: 503,
      code: 'SlowDown',
      times: Number.POSITIVE_INFINITY,
    });

    // Act
    const failed = deliver(rawKey);

    // Assert: the manifest is written, the table does not show the run, nothing is announced.
    await expect(failed).rejects.toThrow(/committed\/dataset=vulns\/.*\.txt failed \(SlowDown, HTTP 503\)/);
    const stored = await listKeys(bucket());
    expect(
      stored.some((k) => k.startsWith(`${CONSOLE_ROOT}/findings/`) && k.endsWith('/_manifest.json')),
    ).toBe(true);
    expect((await tables()).findings).toEqual([]);
    expect(published).toEqual([]);

    // Act: the retry.
    faults.clear();
    await deliver(rawKey);

    // Assert
    expect((await tables()).findings).toEqual([exported.runId]);
  });

  it('keeps an export whose committed list S3 refused out of the raw table, unannounced, until the next invocation', async () => {
    // Prepare
    await start();
    faults.add({
      commands: ['PutObjectCommand'],
      key: /^sc2aws\/console=default\/raw\/committed\//,
      status: 503,
      code: 'SlowDown',
      times: Number.POSITIVE_INFINITY,
    });

    // Act
    const failed = exportVulns();

    // Assert: the run stays in flight, unlisted and unannounced.
    await expect(failed).rejects.toMatchObject({ code: 'SINK_WRITE_FAILED' });
    expect((await h.state('vulns'))?.inflight).toBeDefined();
    expect((await h.state('vulns'))?.checkpoint).toBeUndefined();
    expect(h.events.map((e) => e.detailType)).not.toContain('Export Completed');
    expect((await tables()).raw).toEqual([]);

    // Act: S3 recovers; the next invocation completes the run.
    faults.clear();
    const completed = await exportVulns();

    // Assert
    expect(completed.status).toBe('completed');
    expect((await tables()).raw).toEqual([(completed as { runId: string }).runId]);
  });

  it("shows every listed console's committed runs in one table, and a console only once it is listed", async () => {
    // Prepare: the console default and the console emea each export and deliver a run, emea an hour
    // later (run ids follow the window, so the same window would give both the same id).
    await start();
    const client = h.s3?.client() as never;
    const emea = createS3Store({
      client,
      bucket: h.s3?.bucket as string,
      prefix: consolePrefix(PREFIX, 'emea'),
    });
    const ours = await exportVulns();
    h.clock.now += 3600_000;
    const theirs = await exportDataset(
      h.deps({ store: emea, consoleId: 'emea' }),
      h.settings({ partSizeBytes: 256 * 1024 }),
      'vulns',
    );
    if (ours.status !== 'completed' || theirs.status !== 'completed')
      throw new Error('an export did not complete');
    const quietDeps = { events: { publish: async () => {} }, logger: quiet };
    await deliverFully({ store, ...quietDeps }, DELIVERY, rawKeyOf(ours.manifest));
    await deliverFully({ store: emea, ...quietDeps }, DELIVERY, rawKeyOf(theirs.manifest));
    expect(theirs.runId).not.toBe(ours.runId);

    // Act
    const both = await expectTablesShowCommittedRunsOnly(bucket(), PREFIX, [DEFAULT_CONSOLE_ID, 'emea']);
    const shipped = await expectTablesShowCommittedRunsOnly(bucket(), PREFIX);

    // Assert: the tables listing both consoles show both runs; as shipped (default only), emea's
    // runs stay out until its id is added to projection.console.values.
    const runs = [ours.runId, theirs.runId].sort();
    expect(both).toEqual({ raw: runs, findings: runs, assets: [] });
    expect(shipped).toEqual({ raw: [ours.runId], findings: [ours.runId], assets: [] });
    const reads = await keysTableReads(
      shippedDdl('findings', h.s3?.bucket as string, PREFIX, ['emea']),
      bucket(),
    );
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((k) => k.startsWith(`${PREFIX}/console=emea/findings/dataset=vulns/`))).toBe(true);
  });

  it('writes the raw committed list after the raw manifest, naming every part once, in order', async () => {
    await start();
    const exported = await exportVulns();
    if (exported.status !== 'completed') throw new Error('the export did not complete');
    const rawKey = rawKeyOf(exported.manifest);
    const manifest = JSON.parse((await store.getText(rawKey))?.body ?? '{}') as {
      parts: { key: string }[];
    };
    const dt = rawKey.match(/dt=([\d-]+)/)?.[1] as string;

    const list = await store.getText(committedKey('raw', 'vulns', dt, exported.runId));

    expect(manifest.parts.length).toBeGreaterThan(1);
    expect(list?.body).toBe(manifest.parts.map((p) => `s3://${h.s3?.bucket}/${p.key}\n`).join(''));
    expect(rawKey).toBe(manifestKey(rawKey.replace(/_manifest\.json$/, '')));
  });
});
