export {
  createEventPublisher,
  EventPublishError,
  type EventPublisher,
  type EventPublisherOptions,
  type PutEventsSender,
} from './publisher';
export {
  DetailType,
  EVENT_SOURCE,
  type ExportCompletedDetail,
  type ExportContinuationDetail,
  type FindingsDeliveredDetail,
  type KeyRotationCompletedDetail,
  type KeyValidationDetail,
  type Sc2awsEvent,
  type ValidationTrigger,
} from './types';
