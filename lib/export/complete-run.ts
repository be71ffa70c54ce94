import { DetailType } from '#lib/events';
import { DEFAULT_CONSOLE_ID } from '#lib/product';
import {
  commitRun,
  committedKey,
  MANIFEST_VERSION,
  manifestKey,
  partsForManifest,
  type RunManifest,
  totalsOf,
} from '#lib/sink';
import type { AnalysisQuery } from '#lib/tenable';
import type { Dataset, DatasetSpec } from './datasets';
import type { OpenRun } from './open-run';
import { recordFailure, recordLag } from './run-metrics';
import type { DatasetOutcome, ExportDeps } from './types';
import { isoOf } from './window';

/**
 * Completes a run whose pages are all stored: commits it (`_manifest.json` under `prefix`, then its
 * committed list, which makes it visible to the raw table), announces `Export Completed`, and only
 * then moves the checkpoint (and frees the lease). A failure before the checkpoint moves leaves the
 * run in flight: the next invocation completes it again.
 */
export async function completeRun(
  deps: ExportDeps,
  dataset: Dataset,
  spec: DatasetSpec,
  { state, run }: OpenRun,
  query: AnalysisQuery,
  prefix: string,
): Promise<Extract<DatasetOutcome, { status: 'completed' }>> {
  const manifest = buildManifest(deps, { state, run }, spec.timeField, dataset, query);
  const key = manifestKey(prefix);
  try {
    await commitRun(
      deps.store,
      { manifestKey: key, committedKey: committedKey('raw', dataset, run.dt, run.runId) },
      manifest,
    );
    // Announced before the checkpoint moves: if EventBridge refuses the event, the run stays in
    // flight and the next invocation announces it again (delivery is idempotent). Announcing after
    // the move would leave a completed run that forward-results never hears of.
    await deps.events.publish({
      detailType: DetailType.ExportCompleted,
      detail: {
        detailVersion: 2,
        dataset,
        runId: run.runId,
        window: manifest.window,
        manifest: deps.store.uri(key),
        ...(deps.store.bucket === undefined ? {} : { bucket: deps.store.bucket }),
        manifestKey: deps.store.bucketKey(key),
        rowCount: manifest.totals.rows,
        parts: manifest.totals.parts,
      },
    });
  } catch (err) {
    await recordFailure(deps, dataset, state);
    throw err;
  }
  // Only now, with every part and the manifest stored and announced, does the checkpoint move.
  state.state.checkpoint = {
    end: run.window.end,
    runId: run.runId,
    completedAt: manifest.createdAt,
    manifestKey: key,
  };
  delete state.state.inflight;
  delete state.state.lease;
  await state.save();
  recordLag(deps, dataset, state);
  deps.logger.info('Run complete.', {
    dataset,
    runId: run.runId,
    rows: manifest.totals.rows,
    parts: manifest.totals.parts,
  });
  return {
    dataset,
    status: 'completed',
    runId: run.runId,
    rows: manifest.totals.rows,
    parts: manifest.totals.parts,
    manifest: deps.store.uri(key),
  };
}

function buildManifest(
  deps: ExportDeps,
  { run }: OpenRun,
  field: string,
  dataset: Dataset,
  query: AnalysisQuery,
): RunManifest {
  return {
    manifestVersion: MANIFEST_VERSION,
    kind: 'raw',
    dataset,
    runId: run.runId,
    ...(deps.store.bucket === undefined ? {} : { bucket: deps.store.bucket }),
    window: {
      field,
      start: run.window.start,
      end: run.window.end,
      startIso: isoOf(run.window.start),
      endIso: isoOf(run.window.end),
    },
    sc: {
      host: deps.sc.baseUrl.host,
      version: run.scVersion,
      consoleId: deps.consoleId ?? DEFAULT_CONSOLE_ID,
    },
    parts: partsForManifest(deps.store, run.parts),
    totals: totalsOf(run.parts),
    createdAt: new Date(deps.clock()).toISOString(),
    details: {
      query,
      invocations: run.invocations,
      duplicatesSkipped: run.duplicatesSkipped,
      startedAt: run.startedAt,
    },
  };
}
