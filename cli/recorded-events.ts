import type { EventPublisher, Sc2awsEvent } from '#lib/events';

/**
 * The CLI has no event bus: the events a command would publish are kept and named in its JSON
 * summary. Each carries `consoleId`, as the Lambdas' publisher stamps it, so what the summary
 * reports is what the console's Lambda would have put on the bus.
 */
export function recordingPublisher(consoleId: string): { events: EventPublisher; published: Sc2awsEvent[] } {
  const published: Sc2awsEvent[] = [];
  return {
    published,
    events: {
      publish: async (event) => {
        published.push({ ...event, detail: { ...event.detail, consoleId } } as Sc2awsEvent);
      },
    },
  };
}
