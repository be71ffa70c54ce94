import { codeOf } from '#lib/errors';
import { DetailType } from '#lib/events';
import type { Dataset } from './datasets';
import { exportDataset } from './run';
import type { DatasetOutcome, ExportDeps, ExportSettings } from './types';

export interface ExportSummary {
  outcomes: DatasetOutcome[];
  /** Datasets handed to a continuation invocation (paused, or not reached in time). */
  continued: Dataset[];
  /** True when `deps.cancel` stopped the export: the datasets not done resume on the next run. */
  interrupted: boolean;
}

/**
 * Exports the datasets one after another. When time runs short, the paused dataset and the ones not
 * started are handed on through one `Export Continuation Requested` event, which a rule routes back
 * to pull-analysis. A failed dataset does not stop the others; its error is rethrown at the end so
 * the invocation fails visibly (alarms, DLQ) after the healthy datasets were exported.
 */
export async function exportDatasets(
  deps: ExportDeps,
  settings: ExportSettings,
  datasets: readonly Dataset[],
): Promise<ExportSummary> {
  const outcomes: DatasetOutcome[] = [];
  const continued: Dataset[] = [];
  const errors: unknown[] = [];
  for (const dataset of datasets) {
    if (deps.cancel?.aborted) break;
    if (continued.length > 0 || deps.remainingMs() < settings.timeGuardMs) {
      continued.push(dataset);
      continue;
    }
    try {
      const outcome = await exportDataset(deps, settings, dataset);
      outcomes.push(outcome);
      if (outcome.status === 'continued') continued.push(dataset);
    } catch (err) {
      deps.logger.error('Dataset export failed; the checkpoint did not move.', {
        dataset,
        code: codeOf(err),
        reason: (err as Error).message,
      });
      errors.push(err);
    }
  }
  if (continued.length > 0) {
    const runs = Object.fromEntries(
      outcomes
        .filter((o) => o.status === 'continued')
        .map((o) => [o.dataset, (o as { runId: string }).runId]),
    );
    await deps.events.publish({
      detailType: DetailType.ExportContinuationRequested,
      detail: { datasets: continued, runs, requestedAt: new Date(deps.clock()).toISOString() },
    });
  }
  if (errors.length > 0) throw errors[0];
  return { outcomes, continued, interrupted: deps.cancel?.aborted === true };
}
