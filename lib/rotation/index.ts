/**
 * Key validation and rotation: only keys proven against SC's `/rest/currentUser` become AWSCURRENT.
 */

export {
  type ChangeDeps,
  type ChangeOutcome,
  type SecretLabelUpdatedEvent,
  validateOnLabelUpdate,
  validateStage,
} from './change';
export {
  consoleOfKeysEvent,
  handleValidateKeysEvent,
  type KeysConsole,
  type ValidateKeysResponse,
} from './dispatch';
export { RotationError, stagingHelp } from './errors';
export { REJECTED_LABEL, STAGED_LABEL, TESTED_LABEL } from './labels';
export { type StageKeysDeps, type StageKeysResult, stageKeys } from './stage';
export { type RotationDeps, type RotationEvent, runRotationStep } from './steps';
export {
  MetricName,
  reportUnreadableKeys,
  type ValidationDeps,
  type ValidationResult,
  type ValidationSubject,
  validateKeys,
} from './validate';
