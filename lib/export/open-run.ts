import { ErrorCode, Sc2awsError } from '#lib/errors';
import { START_CURSOR } from '#lib/tenable';
import type { Dataset } from './datasets';
import { type InflightRun, StateHandle } from './state';
import type { ExportDeps, ExportSettings } from './types';
import { nextWindow, partitionDate, runIdFor } from './window';

/** A dataset's run, opened by this invocation: its state (lease held) and where it stands. */
export interface OpenRun {
  state: StateHandle;
  run: InflightRun;
}

/**
 * Opens a dataset's run: takes the lease, then resumes the in-flight run if there is one, else
 * starts the next window (from the checkpoint, or `settings.since`). The state is saved with the
 * run in flight before any page is read. Undefined when another invocation holds the lease.
 */
export async function openRun(
  deps: ExportDeps,
  settings: ExportSettings,
  dataset: Dataset,
): Promise<OpenRun | undefined> {
  const nowSeconds = Math.floor(deps.clock() / 1000);
  const state = await StateHandle.load(deps.store, dataset);
  try {
    await state.acquire(deps.owner, nowSeconds, settings.leaseSeconds);
  } catch (err) {
    if (err instanceof Sc2awsError && err.code === ErrorCode.ExportLocked) {
      deps.logger.warn(err.message, { dataset });
      return undefined;
    }
    throw err;
  }

  let run: InflightRun;
  if (state.state.inflight !== undefined) {
    run = state.state.inflight;
    run.invocations += 1;
    deps.logger.info('Resuming an unfinished run.', {
      dataset,
      runId: run.runId,
      offset: run.cursor.offset,
      parts: run.parts.length,
    });
  } else {
    const window =
      settings.since === undefined
        ? nextWindow(
            state.state.checkpoint?.end,
            nowSeconds,
            settings.overlapSeconds,
            settings.lookbackSeconds,
          )
        : { start: Math.min(settings.since, nowSeconds), end: nowSeconds };
    run = {
      runId: runIdFor(dataset, window),
      window,
      dt: partitionDate(window),
      cursor: START_CURSOR,
      parts: [],
      nextPart: 0,
      scVersion: await deps.sc.systemVersion(),
      startedAt: new Date(deps.clock()).toISOString(),
      invocations: 1,
      duplicatesSkipped: 0,
    };
  }
  state.state.inflight = run;
  await state.save();
  return { state, run };
}
