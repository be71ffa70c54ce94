import { runPrefix } from '#lib/sink';
import { completeRun } from './complete-run';
import { DATASET_SPECS, type Dataset, datasetQuery } from './datasets';
import { ExportInvocationLimitError } from './errors';
import { type OpenRun, openRun } from './open-run';
import { pumpPages } from './pump-pages';
import { announceFailure, recordFailure, recordLag } from './run-metrics';
import type { DatasetOutcome, ExportDeps, ExportSettings } from './types';

/**
 * Exports one dataset in three steps: {@link openRun} (lease; resume the in-flight run or start the
 * next window), {@link pumpPages} (SC pages into stored parts, the resume cursor recorded with each
 * part, until SC is done or the deadline is near) and {@link completeRun} (`_manifest.json`, the
 * `Export Completed` event, then the checkpoint). Near the deadline the run is paused and
 * `continued` is returned (`interrupted` when `deps.cancel` stopped it). On any failure the
 * checkpoint stays put, the failure is announced (`ExportFailed` metric, `Export Failed` event) and
 * the next run resumes from the last stored part. A run that has taken more than
 * `settings.maxInvocations` invocations fails instead of continuing again.
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
  let opened: OpenRun | undefined;
  try {
    opened = await openRun(deps, settings, dataset);
    if (opened === undefined) return { dataset, status: 'locked' };
    const { state, run } = opened;
    if (run.invocations > settings.maxInvocations) {
      await recordFailure(deps, dataset, state);
      throw new ExportInvocationLimitError(dataset, run.runId, run.invocations, settings.maxInvocations);
    }
    const spec = DATASET_SPECS[dataset];
    const query = datasetQuery(spec, run.window, settings);
    const prefix = runPrefix('raw', dataset, run.dt, run.runId);

    const pumped = await pumpPages(deps, settings, dataset, spec, opened, query, prefix);
    deps.metrics.addMetric('RowsExported', 'Count', pumped.rows, { dataset });
    deps.metrics.addMetric('PagesFetched', 'Count', pumped.pages, { dataset });
    if (pumped.stop !== 'done') {
      await state.release();
      deps.logger.info(
        pumped.stop === 'deadline'
          ? 'Time is short: run paused, to be continued.'
          : 'Interrupted: run paused where its last part was stored; run the same command again to resume.',
        { dataset, runId: run.runId, offset: pumped.cursor.offset },
      );
      recordLag(deps, dataset, state);
      return {
        dataset,
        status: pumped.stop === 'deadline' ? 'continued' : 'interrupted',
        runId: run.runId,
        rows: pumped.rows,
      };
    }
    return await completeRun(deps, dataset, spec, opened, query, prefix);
  } catch (err) {
    await announceFailure(deps, dataset, opened?.run, err);
    throw err;
  }
}
