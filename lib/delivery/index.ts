/** forward-results: completed raw runs → delivered findings. */
export {
  type DeliveryDeps,
  DeliveryInvocationLimitError,
  type DeliveryOutcome,
  type DeliveryProgress,
  type DeliveryResult,
  type DeliverySettings,
  deliverRun,
} from './deliver';
export { DeliveryStateCorruptError } from './delivery-state';
export { createPartRunner, deliveryThreads, type PartRunner } from './part-runner';
export { RawManifestError } from './raw-manifest';
export { PartIntegrityError, type RawLine, rawLines } from './raw-reader';
export { manifestKeyForEvent } from './trigger';
