/**
 * The HTTP(S) server: reads and records each request, applies injected faults, routes, delivers.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { createCertificates } from './certificates';
import { MAX_BODY_BYTES, REDACTED } from './constants';
import { createControl } from './control';
import { createDatasetInfo } from './dataset-info';
import { deliver, TimerSet } from './delivery';
import { faultReply, isReplacing } from './faults';
import { resolveOptions } from './options';
import { htmlReply, type Reply } from './reply';
import { route } from './router';
import { SimulatorState } from './state';
import type { RecordedRequest, SimulatorHandle, SimulatorOptions } from './types';

const SECRET_HEADERS = new Set(['x-apikey', 'x-securitycenter', 'cookie', 'authorization']);

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Headers with lower-cased names and secrets replaced, safe to keep and print. */
function recordedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = SECRET_HEADERS.has(name) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function handleRequest(
  state: SimulatorState,
  timers: TimerSet,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = req.method ?? 'GET';
  const raw = await readBody(req);
  const body = raw === undefined ? undefined : parseJson(raw);
  if (state.settings.recordRequests) {
    const entry: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      headers: recordedHeaders(req),
      body,
      at: state.settings.now(),
    };
    state.requests.push(entry);
  }
  const fault = state.faults.take(url.pathname);
  let reply: Reply;
  if (raw === undefined) reply = htmlReply(413, 'Request Entity Too Large', 'The request body is too large.');
  else if (fault && isReplacing(fault)) reply = faultReply(fault, state.nowSeconds());
  else
    reply = route(state, {
      method,
      path: url.pathname,
      searchParams: url.searchParams,
      headers: req.headers,
      body,
    });
  // SC varies on the key header (reference §1.1); so does every answer here.
  reply.headers.vary = 'x-apikey';
  deliver(res, reply, fault && !isReplacing(fault) ? fault : undefined, timers, state.held);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Starts an SC simulator on 127.0.0.1.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ vulnCount: 10_000 });
 * // GET `${sim.url}/rest/currentUser` with `x-apikey: accesskey=${sim.keys.accessKey}; secretkey=${sim.keys.secretKey};`
 * // and a client that trusts sim.caPem.
 * await sim.close();
 * ```
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const settings = resolveOptions(options);
  const state = new SimulatorState(settings);
  const timers = new TimerSet();
  const sockets = new Set<Socket>();
  const certificates = settings.tls ? createCertificates() : undefined;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(state, timers, req, res).catch((error: unknown) => {
      // A simulator bug: answer 500 rather than hang the client, and say what broke.
      if (res.headersSent) return void res.destroy();
      const reply = htmlReply(500, 'Internal Server Error', `simulator error: ${String(error)}`);
      res.writeHead(reply.status, reply.headers).end(reply.body);
    });
  };
  const server: Server = certificates
    ? createHttpsServer({ key: certificates.keyPem, cert: certificates.certPem }, onRequest)
    : createHttpServer(onRequest);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await listen(server, settings.port);
  return {
    url: `${certificates ? 'https' : 'http'}://127.0.0.1:${port}`,
    caPem: certificates?.caPem ?? '',
    get keys() {
      return { ...state.registry.find().keys };
    },
    users: settings.users,
    control: createControl(state),
    requests: state.requests,
    dataset: createDatasetInfo(state),
    close: () =>
      new Promise<void>((resolve) => {
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}
