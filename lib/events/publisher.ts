import {
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { ErrorCode, Sc2awsError } from '#lib/errors';
import { checkOutgoingDetail } from './detail';
import { EVENT_SOURCE, type Sc2awsEvent } from './types';

/** The part of `EventBridgeClient` used here, so tests can pass a fake or a mocked client. */
export interface PutEventsSender {
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

export interface EventPublisherOptions {
  client: PutEventsSender;
  /** Bus name or ARN; `default` unless the deployment sets a custom bus. */
  busName?: string;
  /** Stamped on every detail as `consoleId`: the console this publisher speaks for. */
  consoleId?: string;
  /** ARNs the events relate to (e.g. the secret), for rule matching. */
  resources?: string[];
  /** Attempts for entries EventBridge reports as failed (FailedEntryCount > 0). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface EventPublisher {
  publish(event: Sc2awsEvent, resources?: string[]): Promise<void>;
}

/** Raised when EventBridge kept refusing an entry. */
export class EventPublishError extends Sc2awsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.EventsPublishFailed, message, options);
  }
}

/**
 * Publishes sc2aws events. PutEvents can succeed as a call yet fail single entries
 * (`FailedEntryCount > 0`, e.g. ThrottlingException per entry): those entries are retried with
 * backoff, never dropped silently. A detail that does not fit its type's schema is refused before
 * anything is sent (`EVENT_DETAIL_INVALID`).
 *
 * @example
 * ```ts
 * const events = createEventPublisher({ client: new EventBridgeClient({}), busName: config.eventBusName });
 * await events.publish({ detailType: DetailType.KeyValidationSucceeded, detail });
 * ```
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const busName = options.busName ?? 'default';
  const maxAttempts = options.maxAttempts ?? 4;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async publish(event, resources) {
      const detail =
        options.consoleId === undefined ? event.detail : { ...event.detail, consoleId: options.consoleId };
      checkOutgoingDetail(event.detailType, detail);
      let pending: PutEventsRequestEntry[] = [
        {
          Source: EVENT_SOURCE,
          DetailType: event.detailType,
          Detail: JSON.stringify(detail),
          EventBusName: busName,
          Resources: resources ?? options.resources ?? [],
        },
      ];
      let lastError = '';
      for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
        if (attempt > 1) await sleep(Math.min(2000, 100 * 2 ** attempt));
        let out: PutEventsCommandOutput;
        try {
          out = await options.client.send(new PutEventsCommand({ Entries: pending }));
        } catch (err) {
          lastError = `${(err as Error).name}: ${(err as Error).message}`.slice(0, 300);
          continue;
        }
        const failed = (out.Entries ?? [])
          .map((result, i) => ({ result, entry: pending[i] }))
          .filter(({ result }) => result.ErrorCode !== undefined && result.ErrorCode !== '');
        lastError = failed
          .map(({ result }) => `${result.ErrorCode}: ${result.ErrorMessage ?? ''}`)
          .join('; ');
        pending = failed.flatMap(({ entry }) => (entry === undefined ? [] : [entry]));
      }
      if (pending.length > 0) {
        throw new EventPublishError(
          `EventBridge did not accept the "${event.detailType}" event after ${maxAttempts} attempts (${lastError}). Fix: check events:PutEvents permission on bus "${busName}" and that the bus exists.`,
        );
      }
    },
  };
}
