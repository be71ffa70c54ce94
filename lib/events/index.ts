export { EventDetailError, eventDetail } from './detail';
export {
  createEventPublisher,
  EventPublishError,
  type EventPublisher,
  type EventPublisherOptions,
  type PutEventsSender,
} from './publisher';
export {
  changeCountsSchema,
  DetailType,
  EVENT_DETAIL_SCHEMAS,
  EVENT_SOURCE,
  type EventDetail,
  type ExportCompletedDetail,
  type ExportContinuationDetail,
  type FindingsChangedDetail,
  type FindingsDeliveredDetail,
  type KeyRotationCompletedDetail,
  type KeyValidationDetail,
  type Sc2awsEvent,
  type SecurityHubFindingsFailedDetail,
  type ValidationTrigger,
} from './types';
