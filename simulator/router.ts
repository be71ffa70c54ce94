/**
 * Routes a request to its handler and turns SC refusals into envelopes. Runs after fault
 * injection decided the request gets a normal answer.
 */
import { randomBytes } from 'node:crypto';
import { handleAnalysis } from './analysis';
import { authenticate } from './auth';
import { SC_BUILD_ID, SC_VERSION } from './constants';
import { currentUserPayload } from './current-user';
import { errorReply, htmlReply, okReply, type Reply } from './reply';
import { ScRequestError } from './sc-error';
import type { SimulatorState } from './state';
import type { SimulatorUser } from './types';

/** A request as the router needs it. */
export interface RoutedRequest {
  method: string;
  path: string;
  searchParams: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

interface Route {
  method: string;
  handle(state: SimulatorState, request: RoutedRequest): Reply;
}

const SYSTEM_INFO = {
  version: SC_VERSION,
  buildID: SC_BUILD_ID,
  releaseID: `${SC_VERSION}.${SC_BUILD_ID}`,
  banner: '',
  logo: 'assets/img/logo.png',
  serverAuth: 'any',
  serverClassification: 'None',
  sessionTimeout: '60',
  licenseStatus: 'Valid',
  mode: 'production',
};

function userOf(state: SimulatorState, request: RoutedRequest): SimulatorUser {
  return authenticate(request.headers, state.registry, state);
}

function hasCredentials(request: RoutedRequest): boolean {
  return request.headers['x-apikey'] !== undefined || request.headers['x-securitycenter'] !== undefined;
}

const ROUTES: Record<string, Route> = {
  '/rest/system': {
    method: 'GET',
    handle: (state, request) => {
      // Reachable without credentials (reference §2), yet SC 5.20 answered bogus keys here with
      // 403 / error_code 0 — the one real capture of a key failure (reference §1.2).
      if (hasCredentials(request)) userOf(state, request);
      return okReply(SYSTEM_INFO, state.nowSeconds());
    },
  },
  '/rest/currentUser': {
    method: 'GET',
    handle: (state, request) => {
      const payload = currentUserPayload(
        userOf(state, request),
        state.nowSeconds(),
        request.searchParams.get('fields'),
      );
      return okReply(payload, state.nowSeconds());
    },
  },
  '/rest/analysis': {
    method: 'POST',
    handle: (state, request) => {
      userOf(state, request);
      return handleAnalysis(state, request.body);
    },
  },
};

function sessionCookie(state: SimulatorState): string {
  // SC sets a session cookie even on API-key calls (reference §1.1); clients must not depend on it.
  const secure = state.settings.tls ? ' secure;' : '';
  return `TNS_SESSIONID=${randomBytes(16).toString('hex')}; path=/;${secure} HttpOnly; SameSite=Strict`;
}

/**
 * The normal answer to a request (no fault applied).
 *
 * @example route(state, { method: 'GET', path: '/rest/system', searchParams, headers: {}, body: undefined })
 */
export function route(state: SimulatorState, request: RoutedRequest): Reply {
  const found = ROUTES[request.path];
  if (!found)
    return htmlReply(404, 'Not Found', `The requested URL ${request.path} was not found on this server.`);
  if (request.method !== found.method) {
    return htmlReply(
      405,
      'Method Not Allowed',
      `The requested method ${request.method} is not allowed for ${request.path}.`,
      {
        allow: found.method,
      },
    );
  }
  try {
    const reply = found.handle(state, request);
    if (request.headers['x-apikey'] !== undefined) reply.headers['set-cookie'] = sessionCookie(state);
    return reply;
  } catch (error) {
    if (error instanceof ScRequestError)
      return errorReply(error.status, error.errorCode, error.errorMsg, state.nowSeconds());
    throw error;
  }
}
