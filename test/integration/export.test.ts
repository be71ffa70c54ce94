import { afterEach, describe, expect, it } from 'vitest';
import { type ExportDeps, exportDataset, exportDatasets, StateHandle } from '#lib/export';
import { createS3Store } from '#lib/sink';
import {
  type ExportHarness,
  exportHarness,
  firstWindow,
  HARNESS_STORE_PREFIX,
  readRun,
  simIdentity,
} from '#support/export-harness';
import type { LocalS3 } from '#support/s3';

const ids = (rows: Record<string, unknown>[]) => rows.map(simIdentity);

describe('pull-analysis export', () => {
  let h: ExportHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('lands the first window of every dataset losslessly on s3rver, manifest last, checkpoint after', async () => {
    h = await exportHarness({ store: 's3' });
    const settings = h.settings();
    const window = firstWindow(h, settings);
    const summary = await exportDatasets(h.deps(), settings, ['vulns', 'fixed', 'assets']);
    expect(summary.outcomes.map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);

    for (const dataset of ['vulns', 'fixed'] as const) {
      const outcome = summary.outcomes.find((o) => o.dataset === dataset);
      const { manifest, rows } = await readRun(h.store, (outcome as { manifest: string }).manifest);
      const expected = h.expectedIdentities(dataset, window);
      expect(expected.size).toBeGreaterThan(100);
      expect(new Set(ids(rows))).toEqual(expected);
      expect(rows).toHaveLength(expected.size);
      expect(manifest).toMatchObject({
        kind: 'raw',
        dataset,
        window: { start: window.start, end: window.end },
        sc: { version: '6.4.0' },
      });
      expect((await h.state(dataset))?.checkpoint).toMatchObject({ end: window.end, runId: manifest.runId });
    }
    const assets = await readRun(h.store, (summary.outcomes[2] as { manifest: string }).manifest);
    expect(assets.rows.length).toBeGreaterThan(0);
    expect(h.events.map((e) => e.detailType)).toEqual([
      'Export Completed',
      'Export Completed',
      'Export Completed',
    ]);
    expect(h.events[0]?.detail).toMatchObject({
      dataset: 'vulns',
      bucket: h.s3?.bucket,
      manifest: expect.stringMatching(/^s3:\/\/.*\/_manifest\.json$/),
    });
  });

  it('keeps SC rows exactly as received', async () => {
    h = await exportHarness();
    const outcome = await exportDataset(h.deps(), h.settings(), 'vulns');
    const { rows } = await readRun(h.store, (outcome as { manifest: string }).manifest);
    const first = rows[0] as Record<string, unknown>;
    expect(first.severity).toEqual(
      expect.objectContaining({ id: expect.any(String), name: expect.any(String) }),
    );
    expect(typeof first.port).toBe('string');
    expect(typeof first.lastSeen).toBe('string');
  });

  it('pulls the next window from the checkpoint minus the overlap', async () => {
    h = await exportHarness();
    const settings = h.settings();
    const first = await exportDataset(h.deps(), settings, 'vulns');
    const end1 = (await h.state('vulns'))?.checkpoint?.end as number;
    h.clock.now += 2 * 3600 * 1000;
    const second = await exportDataset(h.deps(), settings, 'vulns');
    expect(second.status).toBe('completed');
    const { manifest, rows } = await readRun(h.store, (second as { manifest: string }).manifest);
    expect(manifest.window.start).toBe(end1 - 3600);
    expect(manifest.window.end).toBe(end1 + 7200);
    expect(manifest.runId).not.toBe((first as { runId: string }).runId);
    expect(new Set(ids(rows))).toEqual(h.expectedIdentities('vulns', manifest.window));
  });

  it('returns every row exactly once when SC sends float or missing counts', async () => {
    h = await exportHarness();
    h.sim.control.setReturnedRecordsQuirk('float');
    const settings = h.settings();
    const window = firstWindow(h, settings);
    const outcome = await exportDataset(h.deps(), settings, 'vulns');
    const { rows } = await readRun(h.store, (outcome as { manifest: string }).manifest);
    expect(rows).toHaveLength(h.expectedIdentities('vulns', window).size);
    h.sim.control.setReturnedRecordsQuirk('absent');
    h.clock.now += 1000;
    const again = await exportDataset(h.deps(), settings, 'fixed');
    expect(again.status).toBe('completed');
  });

  it('manifests an empty window with zero parts and still moves the checkpoint', async () => {
    h = await exportHarness();
    h.clock.now += 200 * 86400 * 1000; // far past the simulator's data
    const outcome = await exportDataset(h.deps(), h.settings(), 'vulns');
    const { manifest, rows } = await readRun(h.store, (outcome as { manifest: string }).manifest);
    expect(rows).toEqual([]);
    expect(manifest.totals).toEqual({ parts: 0, rows: 0, bytes: 0, uncompressedBytes: 0 });
    expect((await h.state('vulns'))?.checkpoint?.runId).toBe(manifest.runId);
    expect(h.events[0]?.detail).toMatchObject({ rowCount: 0 });
  });

  it('rejects a page size out of bounds before any row is written', async () => {
    h = await exportHarness();
    await expect(exportDataset(h.deps(), h.settings({ pageSize: 6000 }), 'vulns')).rejects.toMatchObject({
      code: 'SC_CONFIG',
    });
    expect((await h.state('vulns'))?.checkpoint).toBeUndefined();
  });

  it('leaves the checkpoint where it was when SC fails mid-export, and a rerun completes without loss or duplicate keys', async () => {
    h = await exportHarness();
    const settings = h.settings({ pageSize: 200, partSizeBytes: 64 * 1024 });
    const window = firstWindow(h, settings);
    let pages = 0;
    const deps = h.deps();
    const flaky: ExportDeps = {
      ...deps,
      onProgress: () => {
        pages += 1;
        if (pages === 3) h.sim.control.injectFault({ kind: 'status', status: 503, times: 10 });
      },
    };
    await expect(exportDataset(flaky, settings, 'vulns')).rejects.toMatchObject({ code: 'SC_TRANSIENT' });
    const failed = await h.state('vulns');
    expect(failed?.checkpoint).toBeUndefined();
    expect(failed?.inflight?.parts.length).toBeGreaterThan(0);
    expect(failed?.lease).toBeUndefined();

    h.sim.control.clearFaults();
    const outcome = await exportDataset(h.deps(), settings, 'vulns');
    const { manifest, rows } = await readRun(h.store, (outcome as { manifest: string }).manifest);
    expect(manifest.runId).toBe(failed?.inflight?.runId);
    expect(new Set(ids(rows))).toEqual(h.expectedIdentities('vulns', window));
    expect(new Set(manifest.parts.map((p) => p.key)).size).toBe(manifest.parts.length);
    expect(manifest.parts.map((p) => p.key)).toEqual(
      manifest.parts.map((_, i) => expect.stringContaining(`part-${String(i).padStart(5, '0')}`)),
    );
  });

  it('keeps the checkpoint and drops the half-written part when S3 fails mid-upload, then a rerun completes', async () => {
    h = await exportHarness({ store: 's3' });
    const settings = h.settings({ pageSize: 200, partSizeBytes: 48 * 1024 });
    const window = firstWindow(h, settings);
    const client = (h.s3 as LocalS3).client();
    let failing = true;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input?: { Key?: string } }).input;
        if (failing && context.commandName !== 'GetObjectCommand' && input?.Key?.includes('part-00002')) {
          throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
            name: 'InternalError',
            $metadata: { httpStatusCode: 500 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failThirdPart' },
    );
    const store = createS3Store({ client, bucket: (h.s3 as LocalS3).bucket, prefix: HARNESS_STORE_PREFIX });
    await expect(exportDataset(h.deps({ store }), settings, 'vulns')).rejects.toMatchObject({
      code: 'SINK_WRITE_FAILED',
      message: expect.stringContaining('part-00002'),
    });
    const state = await h.state('vulns');
    expect(state?.checkpoint).toBeUndefined();
    expect(state?.inflight?.parts.map((p) => p.key.slice(-20))).toEqual([
      'part-00000.ndjson.gz',
      'part-00001.ndjson.gz',
    ]);
    const third = (state?.inflight?.parts[1]?.key ?? '').replace('part-00001', 'part-00002');
    expect(await h.store.getText(third)).toBeUndefined();

    failing = false;
    const outcome = await exportDataset(h.deps({ store }), settings, 'vulns');
    const { rows } = await readRun(h.store, (outcome as { manifest: string }).manifest);
    expect(new Set(ids(rows))).toEqual(h.expectedIdentities('vulns', window));
  });

  it('continues across three invocations with a tiny deadline and writes nothing twice', async () => {
    h = await exportHarness({ sim: { vulnCount: 12000 } });
    const settings = h.settings({ pageSize: 300, partSizeBytes: 32 * 1024 });
    const window = firstWindow(h, settings);
    const outcomes = [];
    for (let invocation = 0; invocation < 10; invocation++) {
      let pages = 0;
      const deps = h.deps({
        onProgress: () => {
          pages += 1;
        },
      });
      // The deadline arrives after four pages of each invocation.
      const outcome = await exportDataset(
        { ...deps, remainingMs: () => (pages >= 4 ? 500 : 60_000) },
        settings,
        'vulns',
      );
      outcomes.push(outcome.status);
      if (outcome.status === 'completed') break;
      expect((await h.state('vulns'))?.inflight?.cursor.offset).toBeGreaterThan(0);
    }
    expect(outcomes.filter((s) => s === 'continued').length).toBeGreaterThanOrEqual(3);
    expect(outcomes.at(-1)).toBe('completed');
    const state = await h.state('vulns');
    const { manifest, rows } = await readRun(h.store, state?.checkpoint?.manifestKey as string);
    const expected = h.expectedIdentities('vulns', window);
    expect(rows).toHaveLength(expected.size);
    expect(new Set(ids(rows))).toEqual(expected);
    expect(manifest.details).toMatchObject({ invocations: outcomes.length });
  });

  it('hands unfinished and unstarted datasets to one continuation event', async () => {
    h = await exportHarness();
    let pages = 0;
    const deps = h.deps({
      onProgress: () => {
        pages += 1;
      },
    });
    const summary = await exportDatasets(
      { ...deps, remainingMs: () => (pages >= 2 ? 500 : 60_000) },
      h.settings({ pageSize: 200 }),
      ['vulns', 'fixed', 'assets'],
    );
    expect(summary.continued).toEqual(['vulns', 'fixed', 'assets']);
    expect(h.events.map((e) => e.detailType)).toEqual(['Export Continuation Requested']);
    expect(h.events[0]?.detail).toMatchObject({
      datasets: ['vulns', 'fixed', 'assets'],
      runs: { vulns: expect.any(String) },
    });
  });

  it.each([
    ['within the overlap', 15, 50],
    ['beyond the overlap (walks back)', 120, 20],
  ])('delivers every row that stayed in the window while rows drift %s', async (_name, perPage, overlap) => {
    h = await exportHarness({ sim: { vulnCount: 8000 } });
    const settings = h.settings({ pageSize: 250, pageOverlapRows: overlap });
    const window = firstWindow(h, settings);
    const before = h.expectedIdentities('vulns', window);
    h.sim.control.startDrift({ perPage, seed: 5 });
    let walkBacks = 0;
    const metrics = {
      addMetric: (name: string, _u: string, v: number) => {
        if (name === 'PagingWalkBacks') walkBacks += v;
      },
    };
    const outcome = await exportDataset(h.deps({ metrics }), settings, 'vulns');
    h.sim.control.stopDrift();
    const { rows } = await readRun(h.store, (outcome as { manifest: string }).manifest);
    const got = new Set(ids(rows));
    const left = new Set(
      h.sim.control
        .driftLog()
        .left.map((i) => `${i.repositoryID}|${i.ip}|${i.port}|${i.protocol}|${i.pluginID}`),
    );
    expect(left.size).toBeGreaterThan(0);
    const stayed = [...before].filter((id) => !left.has(id));
    const missing = stayed.filter((id) => !got.has(id));
    expect(missing).toEqual([]);
    // Drift beyond the overlap is what makes the pager walk back; within it, it never has to.
    expect(walkBacks > 0).toBe(perPage > overlap);
  });

  it.each([
    ['within the overlap', 2, 4],
    ['beyond the overlap (walks back)', 8, 2],
  ])(
    'pages assets sorted on ip (a sumip column) and delivers every host that stayed while hosts drift %s',
    async (_name, perPage, overlap) => {
      h = await exportHarness();
      const settings = h.settings({ pageSize: 10, pageOverlapRows: overlap });
      const window = firstWindow(h, settings);
      // sumip answers the hosts with a finding in the window (reference §5).
      const hostOf = (id: string) => id.split('|').slice(0, 2).join('|');
      const before = new Set([...h.expectedIdentities('assets', window)].map(hostOf));
      h.sim.control.startDrift({ perPage, seed: 5 });
      let walkBacks = 0;
      const metrics = {
        addMetric: (name: string, _u: string, v: number) => {
          if (name === 'PagingWalkBacks') walkBacks += v;
        },
      };
      const outcome = await exportDataset(h.deps({ metrics }), settings, 'assets');
      h.sim.control.stopDrift();
      const { rows } = await readRun(h.store, (outcome as { manifest: string }).manifest);
      const got = new Set(rows.map((row) => `${(row.repository as { id: string }).id}|${row.ip}`));
      const left = new Set(
        h.sim.control.driftLog().hostsLeft.map((host) => `${host.repositoryID}|${host.ip}`),
      );
      expect(left.size).toBeGreaterThan(0);
      const stayed = [...before].filter((host) => !left.has(host));
      expect(stayed.filter((host) => !got.has(host))).toEqual([]);
      expect(walkBacks > 0).toBe(perPage > overlap);
      const sumipBodies = h.sim.requests
        .map((request) => request.body as { sortField?: string; query?: { tool?: string } })
        .filter((body) => body?.query?.tool === 'sumip');
      expect(sumipBodies.length).toBeGreaterThan(0);
      // A column sumip rows carry (they have no lastSeen, issue 17).
      for (const body of sumipBodies) expect(body.sortField).toBe('ip');
    },
  );

  it('lets only one of two concurrent runs of a dataset proceed', async () => {
    h = await exportHarness();
    const settings = h.settings();
    const [a, b] = await Promise.all([
      exportDataset(h.deps({ owner: 'run-a' }), settings, 'vulns'),
      exportDataset(h.deps({ owner: 'run-b' }), settings, 'vulns'),
    ]);
    expect([a.status, b.status].sort()).toEqual(['completed', 'locked']);
  });

  it('skips a dataset whose lease another live run holds, and takes over once it expires (s3rver)', async () => {
    h = await exportHarness({ store: 's3' });
    const settings = h.settings();
    const other = await StateHandle.load(h.store, 'vulns');
    await other.acquire('run-a', Math.floor(h.clock.now / 1000), settings.leaseSeconds);
    const blocked = await exportDataset(h.deps({ owner: 'run-b' }), settings, 'vulns');
    expect(blocked.status).toBe('locked');
    expect((await h.state('vulns'))?.lease?.owner).toBe('run-a');
    h.clock.now += (settings.leaseSeconds + 1) * 1000; // run A died without releasing
    const after = await exportDataset(h.deps({ owner: 'run-b' }), settings, 'vulns');
    expect(after.status).toBe('completed');
  });
});
