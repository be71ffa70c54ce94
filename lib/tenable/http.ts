/**
 * undici's Agent and request(), imported from their own modules rather than from undici's index.
 * The index also loads fetch, WebSocket, EventSource, cookies, caches and the mocks: ~230 kB more in
 * every bundle that talks to SC and ~23 ms more module init (bench/, issue 9), none of it used.
 * undici is pinned to an exact version; test/unit/tenable drives both through MockAgent and the
 * simulator, so a layout change in an upgrade fails there, not in production.
 */
import type { Dispatcher } from 'undici';
import requestModule from 'undici/lib/api/api-request.js';
import AgentModule from 'undici/lib/dispatcher/agent.js';

export const Agent = AgentModule;

/** One request through `dispatcher` (any undici Dispatcher: an Agent, or a MockAgent in tests). */
export function dispatchRequest(
  dispatcher: Dispatcher,
  options: Dispatcher.RequestOptions,
): Promise<Dispatcher.ResponseData> {
  return requestModule.call(dispatcher, options);
}
