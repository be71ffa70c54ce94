/**
 * API-key authentication as SC does it (reference §1.1, §1.2, §6, §7.8). Every refusal here is an
 * SC envelope; which status and code depends on the situation and on the failure style.
 */
import { ScRequestError } from './sc-error';
import type { AuthFailureStyle, SimulatorKeys, SimulatorUser } from './types';
import type { UserRegistry } from './users';

/** Messages and codes the simulator uses; exported so tests and docs can quote them. */
export const AUTH_ERRORS = {
  bothCredentials: {
    status: 400,
    code: 1,
    msg: 'Requests cannot contain both an authentication token and API keys.\n',
  },
  keysDisabled: {
    status: 400,
    code: 0,
    msg: 'API Key authentication is not enabled on this server. An administrator can enable it in System > Configuration > Security.\n',
  },
  // The only real capture (SC 5.20): 403 with error_code 0 and an empty message (reference §1.2).
  rejectedSc520: { status: 403, code: 0, msg: '' },
  rejectedDocumented: { status: 400, code: 0, msg: 'Invalid API key.\n' },
  noCredentials: { status: 403, code: 0, msg: '' },
  // SC 5.8's answer to a bad session token (reference §1.2); the simulator has no sessions.
  invalidToken: { status: 403, code: 12, msg: 'This request contains an invalid token.\n' },
} as const;

function fail(error: { status: number; code: number; msg: string }): ScRequestError {
  return new ScRequestError(error.status, error.code, error.msg);
}

/**
 * Reads `x-apikey: accesskey=<A>; secretkey=<S>;` tolerantly like SC: names in any case, spaces
 * optional, final ';' optional (reference §1.1). Undefined when either part is missing.
 *
 * @example parseApiKeyHeader('accessKey=abc; secretKey=def') // { accessKey: 'abc', secretKey: 'def' }
 */
export function parseApiKeyHeader(header: string): SimulatorKeys | undefined {
  const parts = new Map<string, string>();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const accessKey = parts.get('accesskey');
  const secretKey = parts.get('secretkey');
  return accessKey && secretKey ? { accessKey, secretKey } : undefined;
}

export interface AuthSettings {
  apiKeysEnabled: boolean;
  authFailureStyle: AuthFailureStyle;
}

/**
 * The user a request authenticates as.
 *
 * @throws ScRequestError carrying SC's answer for the failure.
 */
export function authenticate(
  headers: Record<string, string | string[] | undefined>,
  registry: UserRegistry,
  settings: AuthSettings,
): SimulatorUser {
  const apiKey = headers['x-apikey'];
  const token = headers['x-securitycenter'];
  if (apiKey !== undefined && token !== undefined) throw fail(AUTH_ERRORS.bothCredentials);
  if (apiKey === undefined)
    throw fail(token === undefined ? AUTH_ERRORS.noCredentials : AUTH_ERRORS.invalidToken);
  if (!settings.apiKeysEnabled) throw fail(AUTH_ERRORS.keysDisabled);
  const keys = parseApiKeyHeader(Array.isArray(apiKey) ? apiKey.join(';') : apiKey);
  const user = keys && registry.authenticate(keys);
  if (!user)
    throw fail(
      settings.authFailureStyle === 'documented' ? AUTH_ERRORS.rejectedDocumented : AUTH_ERRORS.rejectedSc520,
    );
  return user;
}
