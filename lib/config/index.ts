import { caBundle, type Env, flag, integer, optionalString, scUrl, secretArn } from './env';

export { ConfigError, type Env } from './env';

/**
 * The one place that reads `process.env`. Each function parses once at cold start and throws a
 * {@link ConfigError} with one readable line on a bad value.
 */

/** How every Lambda reaches SC and its keys. */
export interface ScConnectionConfig {
  url: string;
  secretArn: string;
  caBundle?: string;
  insecureSkipTlsVerify: boolean;
  keyCacheTtlMs: number;
}

export interface ValidateKeysConfig {
  sc: ScConnectionConfig;
  /** When set, validation fails if the keys belong to another SC user. */
  expectedUsername?: string;
  eventBusName: string;
}

/**
 * Reads the SC connection settings.
 *
 * @example
 * ```ts
 * const sc = loadScConnectionConfig(process.env);
 * ```
 */
export function loadScConnectionConfig(env: Env): ScConnectionConfig {
  const ca = caBundle(env, 'SC_CA_BUNDLE');
  return {
    url: scUrl(env, 'SC_URL'),
    secretArn: secretArn(env, 'SC_SECRET_ARN'),
    ...(ca === undefined ? {} : { caBundle: ca }),
    insecureSkipTlsVerify: flag(env, 'SC_INSECURE_SKIP_TLS_VERIFY', false),
    keyCacheTtlMs: integer(env, 'SC_KEY_CACHE_TTL_SECONDS', 300, 0, 3600) * 1000,
  };
}

/** Reads the validate-keys Lambda's settings. */
export function loadValidateKeysConfig(env: Env): ValidateKeysConfig {
  const expectedUsername = optionalString(env, 'SC_EXPECTED_USERNAME');
  return {
    sc: loadScConnectionConfig(env),
    ...(expectedUsername === undefined ? {} : { expectedUsername }),
    eventBusName: optionalString(env, 'EVENT_BUS_NAME') ?? 'default',
  };
}
