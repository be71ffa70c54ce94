/**
 * lib/secrets: the SC API keys, read from Secrets Manager, checked, cached, and kept out of logs.
 *
 * @example
 * ```ts
 * import { createApiKeySource } from '#lib/secrets';
 * const source = createApiKeySource({ client: new SecretsManagerClient({}), secretId: config.secretArn });
 * const { keys } = await source.get();
 * ```
 */
export {
  type ApiKeySource,
  type ApiKeySourceOptions,
  createApiKeySource,
  type KeyRequest,
  keyProviderOf,
  type ResolvedApiKeys,
  type SecretValueReader,
} from './api-key-source';
export { parseApiKeys, ScApiKeys } from './api-keys';
export {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  DEFAULT_KEY_TTL_MS,
  DEFAULT_VERSION_STAGE,
  SC_KEY_LENGTH,
} from './constants';
export {
  type AccessDeniedReason,
  type NotFoundReason,
  SecretAccessDeniedError,
  SecretFormatError,
  type SecretLocation,
  SecretNotFoundError,
  SecretSourceConfigError,
  SecretUnavailableError,
  type UnavailableReason,
} from './errors';
