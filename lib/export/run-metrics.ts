import { codeOf } from '#lib/errors';
import { DetailType } from '#lib/events';
import type { InflightRun, StateHandle } from './state';
import type { ExportDeps } from './types';

/** A failed run frees the dataset at once: the next invocation resumes it. */
export async function recordFailure(deps: ExportDeps, dataset: string, state: StateHandle): Promise<void> {
  await state.release();
  recordLag(deps, dataset, state);
}

/**
 * Announces a failed dataset export: the `ExportFailed` metric (its alarm) and the `Export Failed`
 * event, with the run's id and progress when it had one. An announcement that fails is logged, never
 * put in the place of the export's own error.
 */
export async function announceFailure(
  deps: ExportDeps,
  dataset: string,
  run: InflightRun | undefined,
  err: unknown,
): Promise<void> {
  deps.metrics.addMetric('ExportFailed', 'Count', 1, { dataset });
  try {
    await deps.events.publish({
      detailType: DetailType.ExportFailed,
      detail: {
        dataset,
        ...(run === undefined
          ? {}
          : { runId: run.runId, invocations: run.invocations, parts: run.parts.length }),
        errorCode: codeOf(err),
        reason: err instanceof Error ? err.message : String(err),
        failedAt: new Date(deps.clock()).toISOString(),
      },
    });
  } catch (publishError) {
    deps.logger.error('The Export Failed event could not be published.', {
      dataset,
      code: codeOf(publishError),
    });
  }
}

/** Seconds since the newest data the consumers have: what the "no fresh data" alarm watches. */
export function recordLag(deps: ExportDeps, dataset: string, state: StateHandle): void {
  const end = state.state.checkpoint?.end;
  if (end !== undefined)
    deps.metrics.addMetric('DataLagSeconds', 'Seconds', Math.max(0, Math.floor(deps.clock() / 1000) - end), {
      dataset,
    });
}
