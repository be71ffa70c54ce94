import { describe, expect, it } from 'vitest';
import { classifyNetworkError, classifyResponse } from '../../../lib/tenable/classify';

const env = (code: number, msg = '') =>
  JSON.stringify({
    type: 'regular',
    response: '',
    error_code: code,
    error_msg: msg,
    warnings: [],
    timestamp: 1,
  });
const ok = JSON.stringify({
  type: 'regular',
  response: { a: 1 },
  error_code: 0,
  error_msg: '',
  warnings: [],
  timestamp: 1,
});

describe('classifyResponse', () => {
  it.each([
    // status, body, expected kind, expected code
    [200, ok, 'ok', undefined],
    [403, env(0), 'auth', 'SC_KEYS_REJECTED'], // SC 5.20 capture: 403, error_code 0, no message
    [400, env(0, 'Invalid API key.\n'), 'auth', 'SC_KEYS_REJECTED'], // documented 400
    [401, '', 'auth', 'SC_KEYS_REJECTED'],
    [403, env(12, 'This request contains an invalid token.\n'), 'auth', 'SC_KEYS_REJECTED'],
    [400, env(0, 'API Key authentication is not enabled on this server.\n'), 'fail', 'SC_API_KEYS_DISABLED'],
    [
      400,
      env(1, 'Requests cannot contain both an authentication token and API keys.\n'),
      'fail',
      'SC_TOKEN_AND_KEYS',
    ],
    [
      403,
      env(146, 'Group #0 does not have access to the Repository that contains the scan result.\n'),
      'fail',
      'SC_PERMISSION_DENIED',
    ],
    [
      403,
      env(146, "Invalid parameters specified for Vuln Query. The filter 'x' is invalid\n"),
      'fail',
      'SC_INVALID_QUERY',
    ],
    [403, env(142, 'Please specify a view for the individual data source.\n'), 'fail', 'SC_INVALID_QUERY'],
    [403, env(147, 'Unable to find existing Scan #31.\n'), 'fail', 'SC_REQUEST_REJECTED'],
    [200, env(147, 'Unable to find existing Scan #31.\n'), 'fail', 'SC_REQUEST_REJECTED'],
    [429, '', 'retry', 'SC_TRANSIENT'],
    [500, '<html>Internal error</html>', 'retry', 'SC_TRANSIENT'],
    [502, '<html>Bad gateway</html>', 'retry', 'SC_TRANSIENT'],
    [503, '', 'retry', 'SC_TRANSIENT'],
    [504, '', 'retry', 'SC_TRANSIENT'],
    [200, env(1, 'SQLSTATE: database is locked'), 'retry', 'SC_TRANSIENT'],
    [200, '{"type":"regular","response":{"results":[', 'retry', 'SC_PROTOCOL'],
    [200, '', 'retry', 'SC_PROTOCOL'],
    [200, '<html>Login portal</html>', 'fail', 'SC_PROTOCOL'],
    [200, '{"no":"envelope"}', 'fail', 'SC_PROTOCOL'],
  ])('HTTP %i with %j is %s (%s)', (status, body, kind, code) => {
    const outcome = classifyResponse(status, body, 'GET /rest/currentUser', undefined);
    expect(outcome.kind).toBe(kind);
    if (outcome.kind !== 'ok') expect(outcome.error.code).toBe(code);
  });

  it('keeps SC error details for diagnostics', () => {
    const outcome = classifyResponse(
      403,
      env(146, 'Group #0 does not have access.\n'),
      'POST /rest/analysis',
      undefined,
    );
    expect(outcome.kind !== 'ok' && outcome.error.details).toEqual({
      status: 403,
      request: 'POST /rest/analysis',
      scErrorCode: 146,
      scErrorMessage: 'Group #0 does not have access.',
    });
  });

  it('names the cause and the fix in a keys-rejected message', () => {
    const outcome = classifyResponse(403, env(0), 'GET /rest/currentUser', undefined);
    const message = outcome.kind === 'auth' ? outcome.error.message : '';
    expect(message).toMatch(/regenerated/);
    expect(message).toMatch(/sc2aws keys stage/);
  });

  it('carries the server-requested wait of a 429', () => {
    const outcome = classifyResponse(429, '', 'POST /rest/analysis', 7000);
    expect(outcome.kind === 'retry' && outcome.retryAfterMs).toBe(7000);
  });
});

describe('classifyNetworkError', () => {
  const err = (code: string, name = 'Error') => Object.assign(new Error(`boom ${code}`), { code, name });
  it.each([
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'fail', 'SC_TLS'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'fail', 'SC_TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'fail', 'SC_TLS'],
    ['CERT_HAS_EXPIRED', 'fail', 'SC_TLS'],
    ['ENOTFOUND', 'fail', 'SC_UNREACHABLE'],
    ['ECONNREFUSED', 'retry', 'SC_UNREACHABLE'],
    ['UND_ERR_CONNECT_TIMEOUT', 'retry', 'SC_UNREACHABLE'],
    ['UND_ERR_HEADERS_TIMEOUT', 'retry', 'SC_TIMEOUT'],
    ['UND_ERR_BODY_TIMEOUT', 'retry', 'SC_TIMEOUT'],
    ['UND_ERR_SOCKET', 'retry', 'SC_TRANSIENT'],
    ['ECONNRESET', 'retry', 'SC_TRANSIENT'],
    ['UND_ERR_ABORTED', 'fail', 'SC_ABORTED'],
  ])('%s is %s (%s)', (code, kind, expected) => {
    const outcome = classifyNetworkError(err(code), 'GET /rest/currentUser', 'sc.example.com');
    expect(outcome.kind).toBe(kind);
    expect(outcome.kind !== 'ok' && outcome.error.code).toBe(expected);
  });

  it('finds the code on a wrapped cause', () => {
    const wrapped = new Error('fetch failed', { cause: err('SELF_SIGNED_CERT_IN_CHAIN') });
    const outcome = classifyNetworkError(wrapped, 'GET /rest/currentUser', 'sc.example.com');
    expect(outcome.kind !== 'ok' && outcome.error.code).toBe('SC_TLS');
  });

  it('tells the user how to trust a private CA when TLS fails', () => {
    const outcome = classifyNetworkError(
      err('SELF_SIGNED_CERT_IN_CHAIN'),
      'GET /rest/currentUser',
      'sc.example.com',
    );
    expect(outcome.kind !== 'ok' && outcome.error.message).toMatch(/--ca-file/);
  });
});
