import * as z from 'zod/mini';
import { ErrorCode, Sc2awsError, schemaProblem } from '#lib/errors';
import { type DetailType, EVENT_DETAIL_SCHEMAS, EVENT_SOURCE, type EventDetail } from './types';

/** An sc2aws event whose detail does not have its type's shape. */
export class EventDetailError extends Sc2awsError {
  constructor(message: string) {
    super(ErrorCode.EventDetailInvalid, message);
  }
}

const envelope = z.object({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.string(),
  detail: z.unknown(),
});

/**
 * The detail of an EventBridge event when it is sc2aws's `detailType` event, parsed with that type's
 * schema; `undefined` for any other event. An event that claims to be one (source `sc2aws`, that
 * detail type) but carries another shape throws {@link EventDetailError}: it did not come from this
 * version's publisher, and acting on a guess could export or deliver the wrong thing.
 *
 * @example
 * ```ts
 * const completed = eventDetail(event, DetailType.ExportCompleted);
 * if (completed !== undefined) return completed.manifest;
 * ```
 */
export function eventDetail<T extends DetailType>(event: unknown, detailType: T): EventDetail<T> | undefined {
  const outer = envelope.safeParse(event);
  if (!outer.success || outer.data['detail-type'] !== detailType) return undefined;
  const parsed = (EVENT_DETAIL_SCHEMAS[detailType] as z.ZodMiniType).safeParse(outer.data.detail);
  // tsc cannot follow a generic key into the schema table: the data is that type's parse output.
  if (parsed.success) return parsed.data as EventDetail<T>;
  throw new EventDetailError(
    `An sc2aws "${detailType}" event was refused: its detail does not fit the event's schema (${schemaProblem(parsed.error.issues, outer.data.detail, 'the detail')}). Fix: only sc2aws publishes this event; check which other producer puts events with source "${EVENT_SOURCE}" on the bus, and that every function runs the same sc2aws version.`,
  );
}

/** Checks a detail sc2aws is about to publish; a mismatch is a bug here, caught before it reaches the bus. */
export function checkOutgoingDetail(detailType: DetailType, detail: unknown): void {
  const parsed = (EVENT_DETAIL_SCHEMAS[detailType] as z.ZodMiniType).safeParse(detail);
  if (parsed.success) return;
  throw new EventDetailError(
    `sc2aws did not publish the "${detailType}" event: its detail does not fit the event's schema (${schemaProblem(parsed.error.issues, detail, 'the detail')}). This is a bug in sc2aws; nothing was sent. Fix: report it with this message.`,
  );
}
