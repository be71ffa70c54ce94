/** forward-results: completed raw runs → delivered findings. */
export { DedupePlan } from './dedupe';
export {
  type DeliveryDeps,
  type DeliveryResult,
  type DeliverySettings,
  deliverRun,
} from './deliver';
export { RawManifestError } from './raw-manifest';
export { PartIntegrityError, type RawLine, rawLines } from './raw-reader';
export { manifestKeyForEvent } from './trigger';
