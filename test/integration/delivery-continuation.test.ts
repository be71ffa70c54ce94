import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveryDeps, type DeliveryOutcome, type DeliverySettings, deliverRun } from '#lib/delivery';
import { ErrorCode } from '#lib/errors';
import { rebuildLifecycle } from '#lib/lifecycle';
import { SecurityLakeWriteError, type SecurityLakeWriter } from '#lib/ocsf';
import type { ObjectStore } from '#lib/sink';
import { DELIVERY_SETTINGS } from '#support/delivery';
import { readRun } from '#support/export-harness';
import {
  type DeliveryOutput,
  expectSameFiles,
  filesOf,
  PARTS,
  type RawRunBench,
  ROWS_PER_PART,
  RAW_RUN_ID as RUN_ID,
  startRawRunBench,
} from '#support/raw-run';
import { keyListerFor } from '../../cli/key-listing';

/** OCSF records follow the change run: small lifecycle groups give it several parts, so several files. */
const OCSF_SETTINGS = { ...DELIVERY_SETTINGS, lifecycleGroupTargetBytes: 64 * 1024 };

/** Milliseconds left: plenty for `calls` questions, then less than the guard. */
function budget(calls: number): () => number {
  let asked = 0;
  return () => (++asked <= calls ? 900_000 : 0);
}

describe('a delivery that runs out of time', () => {
  // The raw run's worker-thread deliveries are in delivery-worker-threads.test.ts (they also run on the Lambda's Node).
  let bench: RawRunBench;
  let source: ObjectStore;
  let rawKey: string;

  beforeAll(async () => {
    bench = await startRawRunBench();
    ({ source, rawKey } = bench);
  });
  afterAll(async () => {
    await bench?.close();
  });

  const output = () => bench.output();
  const depsFor = (out: DeliveryOutput, extra: Partial<DeliveryDeps> = {}): DeliveryDeps =>
    bench.depsFor(out, extra);

  /** Invokes the delivery as the continuation rule would, each invocation with `calls` time checks. */
  async function deliverInSteps(
    out: DeliveryOutput,
    calls: number,
    settings: DeliverySettings = DELIVERY_SETTINGS,
  ): Promise<DeliveryOutcome[]> {
    const outcomes: DeliveryOutcome[] = [];
    for (let i = 0; i < 50; i++) {
      const outcome = await deliverRun(depsFor(out, { remainingMs: budget(calls) }), settings, rawKey);
      outcomes.push(outcome);
      if (outcome.status === 'delivered') return outcomes;
    }
    throw new Error('the delivery never finished');
  }

  it('writes the same objects, byte for byte, when forced to continue three times or more as in one go', async () => {
    const whole = await output();
    const once = await deliverRun(depsFor(whole), DELIVERY_SETTINGS, rawKey);
    expect(once).toMatchObject({ status: 'delivered', duplicates: 10 + 10 + 5 + 1 + 6, rejected: 2 });

    const stepped = await output();
    const outcomes = await deliverInSteps(stepped, 3);
    const continued = outcomes.filter((o) => o.status === 'continued');
    expect(continued.length).toBeGreaterThanOrEqual(3);
    // It stopped in every phase: reading raw parts, settling flagged ids, pruning, and the lifecycle.
    expect(new Set(continued.map((o) => ('phase' in o ? o.phase : '')))).toEqual(
      new Set(['transform', 'scan', 'prune', 'lifecycle']),
    );
    const continuations = stepped.events.filter((e) => e.detailType === 'Delivery Continuation Requested');
    expect(continuations).toHaveLength(continued.length);
    expect(continuations[0]?.detail).toMatchObject({
      manifest: source.uri(rawKey),
      dataset: 'vulns',
      runId: RUN_ID,
    });

    const a = await filesOf(whole.dir);
    expectSameFiles(a, await filesOf(stepped.dir));
    // Nothing of the delivery's working state is left once the run is committed (the lifecycle's stays).
    expect([...a.keys()].filter((p) => p.startsWith('state/') && !p.startsWith('state/lifecycle/'))).toEqual(
      [],
    );
    expect([...a.keys()].filter((p) => p.startsWith('state/lifecycle/work/'))).toEqual([]);
    expect(stepped.events.findLast((e) => e.detailType === 'Findings Delivered')).toMatchObject({
      detailType: 'Findings Delivered',
      detail: { rowCount: PARTS * ROWS_PER_PART, duplicateCount: 32, rejectedCount: 2 },
    });
  });

  it('keeps one row per finding_id: the newest last_seen, and of equal times the later copy', async () => {
    const out = await output();
    const result = await deliverRun(depsFor(out), DELIVERY_SETTINGS, rawKey);
    if (result.status !== 'delivered') throw new Error(result.status);
    const { rows, manifest } = await readRun(out.store, result.manifest);
    const ids = rows.map((r) => r.finding_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(rows.filter((r) => String(r.plugin_name).startsWith('older copy'))).toEqual([]);
    expect(rows.filter((r) => r.plugin_name === 'same time, later copy')).toHaveLength(5);
    // The part of losing copies only is gone; the others keep their raw part's number.
    expect(manifest.parts.map((p) => p.key.slice(-20))).toEqual(
      Array.from({ length: PARTS }, (_, i) => `part-${String(i).padStart(5, '0')}.ndjson.gz`),
    );
  });

  it('finishes a prune that an invocation died in, from the state saved before it, with the same bytes', async () => {
    const whole = await output();
    await deliverRun(depsFor(whole), DELIVERY_SETTINGS, rawKey);

    const out = await output();
    // First invocation: out of time in the scan; its state says "scan from here".
    let outcome: DeliveryOutcome;
    let calls = 1;
    do {
      await rm(out.dir, { recursive: true, force: true });
      outcome = await deliverRun(depsFor(out, { remainingMs: budget(calls++) }), DELIVERY_SETTINGS, rawKey);
    } while (outcome.status !== 'continued' || outcome.phase !== 'scan');
    // Second invocation prunes every part, then dies before its commit: the saved state still says "scan".
    const dying: ObjectStore = {
      ...out.store,
      async putText(key, body, options) {
        if (key.endsWith('_manifest.json')) throw new Error('the invocation died here');
        return out.store.putText(key, body, options);
      },
    };
    await expect(deliverRun({ ...depsFor(out), store: dying }, DELIVERY_SETTINGS, rawKey)).rejects.toThrow(
      'the invocation died here',
    );
    // The retry prunes again from parts that were already pruned, and ends where one go ends.
    const retried = await deliverRun(depsFor(out), DELIVERY_SETTINGS, rawKey);
    expect(retried.status).toBe('delivered');
    expectSameFiles(await filesOf(whole.dir), await filesOf(out.dir));
  });

  it('fails with DELIVERY_INVOCATION_LIMIT instead of continuing forever, and commits nothing', async () => {
    const out = await output();
    const settings = { ...DELIVERY_SETTINGS, maxInvocations: 2 };
    await expect(deliverInSteps(out, 2, settings)).rejects.toMatchObject({
      code: ErrorCode.DeliveryInvocationLimit,
      message: expect.stringContaining('maxInvocationsPerRun'),
    });
    expect(out.events.filter((e) => e.detailType === 'Findings Delivered')).toEqual([]);
    const files = await filesOf(out.dir);
    expect([...files.keys()].filter((p) => p.endsWith('_manifest.json') || p.includes('committed'))).toEqual(
      [],
    );
  });

  const STATE_FOLDER = `state/delivery/dataset=vulns/run=${RUN_ID}/`;
  /** The fix a STATE_CORRUPT or OCSF_INPUT_CORRUPT message gives: the run's whole delivery state folder, by its full address. */
  const deleteTheFolder = (out: DeliveryOutput) =>
    `Fix: delete the run's delivery state, every object under ${out.store.uri(STATE_FOLDER)}, then redeliver the run`;

  it('refuses a delivery state that does not parse (STATE_CORRUPT, naming it), and the fix it names delivers the run', async () => {
    const out = await output();
    const stopped = await deliverRun(depsFor(out, { remainingMs: budget(2) }), DELIVERY_SETTINGS, rawKey);
    expect(stopped.status).toBe('continued');
    const key = `${STATE_FOLDER}state.json`;
    await out.store.putText(key, '{"stateVersion":1,"phase":"sideways"}');
    const refused = await deliverRun(depsFor(out), DELIVERY_SETTINGS, rawKey).catch((err: Error) => err);
    expect(refused).toMatchObject({ code: ErrorCode.StateCorrupt });
    expect((refused as Error).message).toContain(
      `${out.store.uri(key)} is not what the delivery saved there`,
    );
    expect((refused as Error).message).toContain(deleteTheFolder(out));

    await rm(out.store.uri(STATE_FOLDER), { recursive: true });
    expect((await deliverRun(depsFor(out), DELIVERY_SETTINGS, rawKey)).status).toBe('delivered');
  });

  it('names the id filter a saved transform state points at when it is gone', async () => {
    const out = await output();
    expect(
      (await deliverRun(depsFor(out, { remainingMs: budget(2) }), DELIVERY_SETTINGS, rawKey)).status,
    ).toBe('continued');
    await out.store.delete(`${STATE_FOLDER}filter.bin`);

    const refused = await deliverRun(depsFor(out), DELIVERY_SETTINGS, rawKey).catch((err: Error) => err);

    expect(refused).toMatchObject({ code: ErrorCode.StateCorrupt });
    expect((refused as Error).message).toContain(`${out.store.uri(`${STATE_FOLDER}filter.bin`)} is not what`);
    expect((refused as Error).message).toContain(deleteTheFolder(out));
  });

  it("names a part's saved ids, not a raw part, when they are cut short, with the state folder to delete", async () => {
    const out = await output();
    let outcome: DeliveryOutcome;
    let calls = 1;
    do {
      await rm(out.dir, { recursive: true, force: true });
      outcome = await deliverRun(depsFor(out, { remainingMs: budget(calls++) }), DELIVERY_SETTINGS, rawKey);
    } while (outcome.status !== 'continued' || outcome.phase !== 'scan');
    for (let i = 0; i < PARTS; i++) await out.store.putText(`${STATE_FOLDER}ids-0000${i}.bin`, 'short');

    const refused = await deliverRun(depsFor(out), DELIVERY_SETTINGS, rawKey).catch((err: Error) => err);

    expect(refused).toMatchObject({ code: ErrorCode.StateCorrupt });
    const message = (refused as Error).message;
    expect(message).toMatch(
      new RegExp(
        `${out.store.uri(STATE_FOLDER)}/ids-\\d{5}\\.bin is not what the delivery saved there \\(5 bytes, expected`,
      ),
    );
    expect(message).toContain(deleteTheFolder(out));
    expect(message).not.toMatch(/raw part|export/i);
  });

  it('refuses a lease object that does not parse, naming it and the state folder', async () => {
    const out = await output();
    await out.store.putText(`${STATE_FOLDER}lease.json`, 'not a lease');

    const refused = await deliverRun(depsFor(out), DELIVERY_SETTINGS, rawKey).catch((err: Error) => err);

    expect(refused).toMatchObject({ code: ErrorCode.StateCorrupt });
    expect((refused as Error).message).toContain(`${out.store.uri(`${STATE_FOLDER}lease.json`)} is not what`);
    expect((refused as Error).message).toContain(deleteTheFolder(out));
  });

  it('names the change part that changed during the OCSF phase, and the fix it names (rebuild, start over) delivers the run', async () => {
    const ocsf = { kind: 'bucket' } as const;
    const out = await output();
    let committed = false;
    const stopAtOcsf = depsFor(out, {
      ocsf,
      events: {
        publish: async (e) => {
          out.events.push(e);
          if (e.detailType === 'Findings Changed') committed = true;
        },
      },
      remainingMs: () => (committed ? 0 : 900_000),
    });
    expect(await deliverRun(stopAtOcsf, DELIVERY_SETTINGS, rawKey)).toMatchObject({
      status: 'continued',
      phase: 'ocsf',
    });
    // The Vulnerability Finding records are made from the run's changes.
    const part = `changes/dt=2025-11-23/run=${RUN_ID}/part-00000.ndjson.gz`;
    await out.store.putText(part, 'not the bytes the delivery wrote');

    const refused = await deliverRun(depsFor(out, { ocsf }), DELIVERY_SETTINGS, rawKey).catch(
      (err: Error) => err,
    );

    expect(refused).toMatchObject({ code: ErrorCode.OcsfInputCorrupt });
    const message = (refused as Error).message;
    expect(message).toContain(
      `Change part ${out.store.uri(part)} is not what the delivery recorded for it (sha256`,
    );
    expect(message).toContain('sc2aws lifecycle rebuild --from <the data prefix> --replace');
    expect(message).toContain(`then delete every object under ${out.store.uri(STATE_FOLDER)}`);
    // The fix it names: rebuild the lifecycle (the change runs are written again), then start over.
    const rebuilt = await rebuildLifecycle(
      {
        source: out.store,
        store: out.store,
        listSourceKeys: keyListerFor(out.store.location, {}, '--from'),
        shouldStop: () => false,
      },
      { replace: true },
    );
    expect(rebuilt.status).toBe('rebuilt');
    await rm(out.store.uri(STATE_FOLDER), { recursive: true });
    expect(await deliverRun(depsFor(out, { ocsf }), DELIVERY_SETTINGS, rawKey)).toMatchObject({
      status: 'delivered',
      ocsf: { rows: PARTS * ROWS_PER_PART },
    });
  });

  it('with OCSF output on, writes the same findings and OCSF files when forced to continue, OCSF phase included', async () => {
    const ocsf = { kind: 'bucket' } as const;
    const whole = await output();
    const once = await deliverRun(depsFor(whole, { ocsf }), OCSF_SETTINGS, rawKey);
    // A first import: every finding is new, so one record each, in one file per change part.
    expect(once).toMatchObject({ status: 'delivered', ocsf: { rows: PARTS * ROWS_PER_PART } });
    expect(once.status === 'delivered' && once.ocsf?.files).toBeGreaterThan(2);

    const stepped = await output();
    const outcomes: DeliveryOutcome[] = [];
    for (let i = 0; i < 60 && outcomes.at(-1)?.status !== 'delivered'; i++) {
      outcomes.push(
        await deliverRun(
          depsFor(stepped, { ocsf, remainingMs: budget(3) }),
          { ...OCSF_SETTINGS, maxInvocations: 60 },
          rawKey,
        ),
      );
    }
    expect(outcomes.some((o) => o.status === 'continued' && o.phase === 'ocsf')).toBe(true);
    // Findings Delivered once, when the findings were committed, however many invocations followed.
    expect(stepped.events.filter((e) => e.detailType === 'Findings Delivered')).toHaveLength(1);
    const a = await filesOf(whole.dir);
    // OCSF files of every change part (one per event day), each named by its part's number and day.
    const changeParts = [...a.keys()].filter((p) => /^changes\/dt=.*\/part-\d+\.ndjson\.gz$/.test(p));
    const parquet = [...a.keys()].filter((p) => p.startsWith('ocsf/') && p.endsWith('.parquet'));
    const numbers = (keys: string[]) => [...new Set(keys.map((k) => /part-(\d+)[-.]/.exec(k)?.[1]))];
    expect(numbers(parquet)).toEqual(numbers(changeParts));
    for (const key of parquet) expect(key).toMatch(/\/part-\d{5}-\d{8}\.parquet$/);
    expect(parquet.length).toBeGreaterThan(2);
    expect(stepped.events.filter((e) => e.detailType === 'Findings Changed')).toHaveLength(1);
    expect([...a.keys()].some((p) => p.startsWith('ocsf/committed/'))).toBe(true);
    expectSameFiles(a, await filesOf(stepped.dir));
  });

  it('announces the findings once when Security Lake refuses the OCSF copy, and a redelivery finishes only the OCSF run', async () => {
    const out = await output();
    const copied: string[] = [];
    let refuse = true;
    // The Security Lake writer is a port: this one refuses the first copy, as a bucket policy would.
    const lake: SecurityLakeWriter = {
      bucket: 'aws-security-data-lake-eu-west-1-abc123',
      keyFor: (_class, run, partKey) => `ext/sc2awsVulns/${run.runId}/${partKey.slice(-21)}`,
      async put(_class, key) {
        if (refuse) throw new SecurityLakeWriteError(key, 'AccessDenied');
        copied.push(key);
      },
    };
    const ocsf = { kind: 'security-lake', lake } as const;
    await expect(deliverRun(depsFor(out, { ocsf }), OCSF_SETTINGS, rawKey)).rejects.toMatchObject({
      code: ErrorCode.SecurityLakeWriteFailed,
    });
    const files = async () => [...(await filesOf(out.dir)).keys()];
    expect((await files()).some((p) => p.startsWith('findings/committed/'))).toBe(true);
    expect((await files()).some((p) => p.startsWith('ocsf/committed/'))).toBe(false);

    refuse = false;
    const retried = await deliverRun(depsFor(out, { ocsf }), OCSF_SETTINGS, rawKey);
    const files_ = retried.status === 'delivered' ? (retried.ocsf?.files ?? 0) : 0;
    expect(files_).toBeGreaterThan(2);
    expect(retried).toMatchObject({ status: 'delivered', ocsf: { securityLakeKeys: files_ } });
    expect(copied).toHaveLength(files_);
    expect((await files()).some((p) => p.startsWith('ocsf/committed/'))).toBe(true);
    expect((await files()).filter((p) => p.startsWith('state/delivery/'))).toEqual([]);
    expect(out.events.filter((e) => e.detailType === 'Findings Delivered')).toHaveLength(1);
    expect(out.events.filter((e) => e.detailType === 'Findings Changed')).toHaveLength(1);
  });

  it('starts over instead of continuing a delivery saved under another plugin output cap', async () => {
    const capped = { ...DELIVERY_SETTINGS, pluginOutputMaxBytes: 16 };
    const fresh = await output();
    await deliverRun(depsFor(fresh), capped, rawKey);

    const out = await output();
    const stopped = await deliverRun(depsFor(out, { remainingMs: budget(4) }), DELIVERY_SETTINGS, rawKey);
    expect(stopped.status).toBe('continued');
    // PLUGIN_OUTPUT_MAX_BYTES changed between invocations: the parts so far were made with 8192.
    const outcome = await deliverRun(depsFor(out), capped, rawKey);
    expect(outcome).toMatchObject({ status: 'delivered' });
    expectSameFiles(await filesOf(fresh.dir), await filesOf(out.dir));
  });

  it('stops at Ctrl-C during the OCSF phase without publishing a continuation, and the rerun ends as one go', async () => {
    const ocsf = { kind: 'bucket' } as const;
    const whole = await output();
    await deliverRun(depsFor(whole, { ocsf }), OCSF_SETTINGS, rawKey);

    const out = await output();
    const cancel = new AbortController();
    const stopped = await deliverRun(
      depsFor(out, {
        ocsf,
        cancel: cancel.signal,
        onProgress: (p) => {
          if (p.phase === 'ocsf') cancel.abort();
        },
      }),
      OCSF_SETTINGS,
      rawKey,
    );
    expect(stopped).toMatchObject({ status: 'interrupted', phase: 'ocsf' });
    expect(out.events.map((e) => e.detailType)).toEqual(['Findings Delivered', 'Findings Changed']);
    const resumed = await deliverRun(depsFor(out, { ocsf }), OCSF_SETTINGS, rawKey);
    expect(resumed.status).toBe('delivered');
    expect(out.events.map((e) => e.detailType)).toEqual(['Findings Delivered', 'Findings Changed']);
    expectSameFiles(await filesOf(whole.dir), await filesOf(out.dir));
  });
});
