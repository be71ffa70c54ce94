import * as z from 'zod/mini';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import { DATASETS, type Dataset } from './datasets';

const datasetName = z.enum(DATASETS);

const scheduled = z.object({ source: z.literal('aws.events'), 'detail-type': z.literal('Scheduled Event') });
const continuation = z.object({
  source: z.literal('sc2aws'),
  'detail-type': z.literal('Export Continuation Requested'),
  detail: z.object({ datasets: z.array(datasetName) }),
});
const direct = z.object({ datasets: z.optional(z.array(datasetName)) });

/**
 * Which datasets an invocation exports: all configured ones on the schedule (or a direct `{}`), the
 * listed ones on a continuation or `{"datasets":[…]}`. Listed datasets outside the configuration are
 * ignored.
 */
export function datasetsForEvent(event: unknown, configured: readonly Dataset[]): Dataset[] {
  const pick = (wanted: readonly Dataset[]) => configured.filter((d) => wanted.includes(d));
  if (scheduled.safeParse(event).success) return [...configured];
  const cont = continuation.safeParse(event);
  if (cont.success) return pick(cont.data.detail.datasets);
  const call = direct.safeParse(event);
  if (call.success && (event as { source?: unknown }).source === undefined)
    return call.data.datasets ? pick(call.data.datasets) : [...configured];
  throw new Sc2awsError(
    ErrorCode.EventUnsupported,
    'pull-analysis received an event it does not handle. It takes the EventBridge schedule, "Export Continuation Requested" events, and {"datasets":["vulns","fixed","assets"]}.',
  );
}
