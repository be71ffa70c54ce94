/** Raw HTTP helpers for the simulator tests: node:http(s) only, so every byte and error is visible. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SimulatorHandle, SimulatorKeys } from '#sim';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Error code when the connection failed or the body was cut (e.g. ECONNRESET). */
  error?: string | undefined;
  /** Milliseconds until the headers arrived. */
  headersAfterMs: number;
  /** Milliseconds until the response ended or failed. */
  endAfterMs: number;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** CA to trust; false = trust nothing extra; default the simulator's CA. */
  ca?: string | false;
}

/** The x-apikey header value for a pair, in PAL's style (lowercase names, trailing ';'). */
export function apiKey(keys: SimulatorKeys): string {
  return `accesskey=${keys.accessKey}; secretkey=${keys.secretKey};`;
}

/** Sends one request on a fresh connection and collects whatever comes back. */
export function rawRequest(sim: SimulatorHandle, options: RawRequest): Promise<RawResponse> {
  const url = new URL(options.path, sim.url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  return new Promise((resolve) => {
    let status = 0;
    let responseHeaders: IncomingHttpHeaders = {};
    let headersAfterMs = -1;
    const chunks: Buffer[] = [];
    const finish = (error?: string) =>
      resolve({
        status,
        headers: responseHeaders,
        text: Buffer.concat(chunks).toString('utf8'),
        error,
        headersAfterMs,
        endAfterMs: performance.now() - started,
      });
    const onResponse = (res: import('node:http').IncomingMessage) => {
      status = res.statusCode ?? 0;
      responseHeaders = res.headers;
      headersAfterMs = performance.now() - started;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish());
      res.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
      res.on('aborted', () => finish('ABORTED'));
    };
    const common = { method: options.method ?? 'GET', headers, agent: false as const };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(
            url,
            { ...common, ca: options.ca === false ? undefined : (options.ca ?? sim.caPem) },
            onResponse,
          )
        : httpRequest(url, common, onResponse);
    req.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    req.end(payload);
  });
}

/** Parses an SC envelope out of a response body. */
export function envelopeOf(response: RawResponse): {
  response: unknown;
  error_code: number;
  error_msg: string;
  type: string;
  warnings: unknown[];
  timestamp: number;
} {
  return JSON.parse(response.text);
}
