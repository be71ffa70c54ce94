import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { createEventPublisher, DetailType, type Sc2awsEvent } from '#lib/events';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';

const eb = mockClient(EventBridgeClient);
const event = {
  detailType: DetailType.KeyRotationCompleted,
  detail: { secretArn: 'arn:x', versionId: 'v2', completedAt: '2026-11-23T00:00:00.000Z' },
} as const;
const publisher = () =>
  createEventPublisher({
    client: new EventBridgeClient({ region: 'us-east-1' }),
    busName: 'sc2aws-bus',
    sleep: async () => {},
  });

describe('createEventPublisher', () => {
  beforeEach(() => eb.reset());

  it('publishes with source sc2aws, the detail type, the bus and the related resources', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    await publisher().publish(event, ['arn:x']);
    expect(eb).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          Source: 'sc2aws',
          DetailType: 'Key Rotation Completed',
          Detail: JSON.stringify(event.detail),
          EventBusName: 'sc2aws-bus',
          Resources: ['arn:x'],
        },
      ],
    });
  });

  it('retries entries EventBridge reports as failed instead of losing them', async () => {
    eb.on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    await publisher().publish(event);
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 2);
  });

  it('retries a rejected call and then gives up with a typed error naming the fix', async () => {
    eb.on(PutEventsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(publisher().publish(event)).rejects.toMatchObject({
      code: 'EVENTS_PUBLISH_FAILED',
      message: expect.stringMatching(/events:PutEvents/),
    });
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 4);
  });

  it('refuses to publish a detail that does not fit its schema, and sends nothing', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const broken = {
      ...event,
      detail: { ...event.detail, completedAt: undefined },
    } as unknown as Sc2awsEvent;

    await expect(publisher().publish(broken)).rejects.toMatchObject({
      code: 'EVENT_DETAIL_INVALID',
      message: expect.stringContaining(
        '"Key Rotation Completed" event: its detail does not fit the event\'s schema (completedAt is missing)',
      ),
    });
    expect(eb).toHaveReceivedCommandTimes(PutEventsCommand, 0);
  });
});
