/** forward-results: completed raw runs → delivered findings. */
export { DedupePlan } from './dedupe';
export {
  type DeliveryDeps,
  type DeliveryResult,
  type DeliverySettings,
  deliverRun,
  RawManifestError,
} from './deliver';
export { PartIntegrityError, type RawLine, rawLines } from './raw-reader';
export { manifestKeyForEvent } from './trigger';
