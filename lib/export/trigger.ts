import * as z from 'zod/mini';
import { ErrorCode, Sc2awsError, schemaProblem } from '#lib/errors';
import { DetailType, EventDetailError, eventDetail } from '#lib/events';
import { DATASETS, type Dataset } from './datasets';

const datasetNames = z.array(z.enum(DATASETS));
/** The event contract names datasets as strings (lib/events knows no datasets); these are ours. */
const continuationDatasets = z.object({ datasets: datasetNames });

const scheduled = z.object({ source: z.literal('aws.events'), 'detail-type': z.literal('Scheduled Event') });
const direct = z.object({ datasets: z.optional(datasetNames) });

/**
 * Which datasets an invocation exports: all configured ones on the schedule (or a direct `{}`), the
 * listed ones on a continuation or `{"datasets":[…]}`. Listed datasets outside the configuration are
 * ignored; a continuation whose detail does not fit its schema is refused.
 */
export function datasetsForEvent(event: unknown, configured: readonly Dataset[]): Dataset[] {
  const pick = (wanted: readonly Dataset[]) => configured.filter((d) => wanted.includes(d));
  if (scheduled.safeParse(event).success) return [...configured];
  const continuation = eventDetail(event, DetailType.ExportContinuationRequested);
  if (continuation !== undefined) {
    const named = continuationDatasets.safeParse(continuation);
    if (!named.success) {
      throw new EventDetailError(
        `pull-analysis refused an "${DetailType.ExportContinuationRequested}" event: ${schemaProblem(named.error.issues, continuation)}. Fix: only sc2aws publishes this event; check that every function runs the same sc2aws version.`,
      );
    }
    return pick(named.data.datasets);
  }
  const call = direct.safeParse(event);
  if (call.success && (event as { source?: unknown }).source === undefined)
    return call.data.datasets ? pick(call.data.datasets) : [...configured];
  throw new Sc2awsError(
    ErrorCode.EventUnsupported,
    `pull-analysis received an event it does not handle. It takes the EventBridge schedule, "${DetailType.ExportContinuationRequested}" events, and {"datasets":["vulns","fixed","assets"]}.`,
  );
}
