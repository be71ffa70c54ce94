import type { StateHandle } from './state';
import type { ExportDeps } from './types';

/** A failed run frees the dataset at once (the next invocation resumes it) and is counted. */
export async function recordFailure(deps: ExportDeps, dataset: string, state: StateHandle): Promise<void> {
  await state.release();
  deps.metrics.addMetric('ExportFailed', 'Count', 1, { dataset });
  recordLag(deps, dataset, state);
}

/** Seconds since the newest data the consumers have: what the "no fresh data" alarm watches. */
export function recordLag(deps: ExportDeps, dataset: string, state: StateHandle): void {
  const end = state.state.checkpoint?.end;
  if (end !== undefined)
    deps.metrics.addMetric('DataLagSeconds', 'Seconds', Math.max(0, Math.floor(deps.clock() / 1000) - end), {
      dataset,
    });
}
