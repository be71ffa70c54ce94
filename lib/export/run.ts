import { runPrefix } from '#lib/sink';
import { completeRun } from './complete-run';
import { DATASET_SPECS, type Dataset, datasetQuery } from './datasets';
import { openRun } from './open-run';
import { pumpPages } from './pump-pages';
import { recordLag } from './run-metrics';
import type { DatasetOutcome, ExportDeps, ExportSettings } from './types';

/**
 * Exports one dataset in three steps: {@link openRun} (lease; resume the in-flight run or start the
 * next window), {@link pumpPages} (SC pages into stored parts, the resume cursor recorded with each
 * part, until SC is done or the deadline is near) and {@link completeRun} (`_manifest.json`, the
 * `Export Completed` event, then the checkpoint). Near the deadline the run is paused instead and
 * `continued` is returned; on any failure the checkpoint stays put and the next run resumes from
 * the last stored part.
 *
 * @example
 * ```ts
 * const outcome = await exportDataset(deps, settings, 'vulns');
 * ```
 */
export async function exportDataset(
  deps: ExportDeps,
  settings: ExportSettings,
  dataset: Dataset,
): Promise<DatasetOutcome> {
  const opened = await openRun(deps, settings, dataset);
  if (opened === undefined) return { dataset, status: 'locked' };
  const { state, run } = opened;
  const spec = DATASET_SPECS[dataset];
  const query = datasetQuery(spec, run.window, settings);
  const prefix = runPrefix('raw', dataset, run.dt, run.runId);

  const pumped = await pumpPages(deps, settings, dataset, spec, opened, query, prefix);
  deps.metrics.addMetric('RowsExported', 'Count', pumped.rows, { dataset });
  deps.metrics.addMetric('PagesFetched', 'Count', pumped.pages, { dataset });
  if (pumped.timeUp) {
    await state.release();
    deps.logger.info('Time is short: run paused, to be continued.', {
      dataset,
      runId: run.runId,
      offset: pumped.cursor.offset,
    });
    recordLag(deps, dataset, state);
    return { dataset, status: 'continued', runId: run.runId, rows: pumped.rows };
  }
  return completeRun(deps, dataset, spec, opened, query, prefix);
}
