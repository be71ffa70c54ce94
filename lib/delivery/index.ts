/** forward-results: completed raw runs → delivered findings. */
export { deliverRun } from './deliver';
export { DeliveryStateCorruptError } from './delivery-state';
export { PartIntegrityError } from './errors';
export { ocsfTargetOf } from './ocsf-target';
export { createPartRunner, deliveryThreads, type PartRunner } from './part-runner';
export { RawManifestError } from './raw-manifest';
export { type SecurityHubDelivery, type SenderLeaseRequest, takeSenderLease } from './securityhub-phase';
export { securityHubDeliveryOf, targetOfFunctionArn } from './securityhub-target';
export { type DeliveryRequest, deliveryRequestOf } from './trigger';
export {
  type DeliveryDeps,
  DeliveryInvocationLimitError,
  type DeliveryOutcome,
  type DeliveryProgress,
  type DeliveryResult,
  type DeliverySettings,
} from './types';
