/**
 * The HTTP transport every listener shares: sockets, header limit and timeouts, request ids,
 * sending, the request log and the request metrics, and what shutdown needs. What a request
 * means is its surface's business: each listener mounts its own surfaces by path.
 * Plain node:http, because the balance check is the hottest call of the platform.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { canonicalIp } from '../domain/ip-address.js';
import type { Logger } from '../logging.js';
import { errorFields } from './error-fields.js';
import { DISCARD_GRACE_MS } from './read-body.js';
import { send, sendRaw } from './reply.js';
import { newRequestId, requestIdOf } from './request-id.js';
import type { Surface, SurfaceAnswer, TransportFault } from './surface.js';

/** Request headers above this size are answered 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Where the transport counts what it answered (ops/metrics.ts keeps these). */
export interface RequestMetrics {
  /** One answered request: `api` as the surface named it, `unknown` when none could. */
  recordRequest(api: string, outcome: string, seconds: number): void;
}

export interface HttpServerOptions {
  /** Mounted by their paths (see Surface.paths). */
  readonly surfaces: readonly Surface[];
  /** Answers every path no surface claims, and the requests Node's parser refuses. */
  readonly fallback: Surface;
  /** Who sent a request, for the log (and for the surfaces, which are given it). */
  readonly clientAddress: (req: IncomingMessage) => string;
  readonly logger: Logger;
  readonly metrics: RequestMetrics;
  readonly timeouts: { readonly headersMs: number; readonly requestMs: number };
  /** True once the server has begun to shut down. */
  readonly isClosing: () => boolean;
}

export interface HttpServer {
  readonly server: Server;
  /**
   * Cuts the connections that have no request being answered: idle keep-alive ones, and those
   * still sending a head. Node stops enforcing its timeouts once closing has begun, so a stalled
   * client would otherwise hold a shutdown for its whole grace period.
   */
  dropWaitingConnections(): void;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  // Requests being answered per connection, to tell a busy connection from a waiting one.
  const answering = new Map<Socket, number>();
  const track = (res: ServerResponse): void => {
    const socket = res.socket;
    if (socket === null) return;
    answering.set(socket, (answering.get(socket) ?? 0) + 1);
    res.once('close', () => {
      // A socket that has closed already is gone from the map and must not come back.
      const requests = answering.get(socket);
      if (requests !== undefined) answering.set(socket, requests - 1);
    });
  };
  const surfaceFor = router(options.surfaces, options.fallback);
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    track(res);
    void handleRequest(req, res, surfaceFor, options);
  };
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      // A slow client cannot hold a socket: its head and its whole request have deadlines.
      headersTimeout: options.timeouts.headersMs,
      requestTimeout: options.timeouts.requestMs,
      // A missing Host is answered by the surface (the Kolmisoft API's own 400 document), not by Node.
      requireHostHeader: false,
      // How often Node looks for requests past their timeouts (its default is 30 s).
      connectionsCheckingInterval: 1000,
    },
    onRequest,
  );
  server.on('connection', (socket: Socket) => {
    answering.set(socket, 0);
    socket.once('close', () => answering.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, options));
  // Node would answer an unknown Expect with a bare 417 of its own: the request is served instead.
  server.on('checkExpectation', onRequest);
  // CONNECT has no surface; without a listener Node would just drop the socket.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => answerRaw(socket, 'method_not_allowed', options));
  return {
    server,
    dropWaitingConnections() {
      for (const [socket, requests] of answering) if (requests === 0) socket.destroy();
    },
  };
}

/** The surface for a path: an exact path first, then the longest prefix, then the fallback. */
function router(surfaces: readonly Surface[], fallback: Surface): (path: string) => Surface {
  const exact = new Map<string, Surface>();
  const prefixes: { readonly prefix: string; readonly surface: Surface }[] = [];
  for (const surface of surfaces) {
    for (const path of surface.paths) {
      if (exact.has(path) || prefixes.some(({ prefix }) => prefix === path)) throw new Error(`two surfaces claim ${path}`);
      if (path.endsWith('/')) prefixes.push({ prefix: path, surface });
      else exact.set(path, surface);
    }
  }
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  return (path) => {
    const surface = exact.get(path);
    if (surface !== undefined) return surface;
    for (let index = 0; index < prefixes.length; index++) {
      const mount = prefixes[index]!;
      if (path.startsWith(mount.prefix)) return mount.surface;
    }
    return fallback;
  };
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, surfaceFor: (path: string) => Surface, options: HttpServerOptions): Promise<void> {
  const started = performance.now();
  const requestId = requestIdOf(req);
  const client = options.clientAddress(req);
  const target = originFormOf(req.url ?? '/');
  const queryStart = target.indexOf('?');
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const surface = surfaceFor(path);
  let answered: SurfaceAnswer;
  try {
    answered = await surface.answer(req, path, target, client, requestId);
  } catch (error) {
    const logPath = surface.logPath(path);
    if (res.destroyed || req.socket.destroyed) {
      // The client hung up mid-body: nobody to answer, and nothing went wrong on our side.
      options.logger.info({ reqId: requestId, client, method: req.method, path: logPath, outcome: 'client_gone' }, 'request');
      return;
    }
    options.logger.error({ reqId: requestId, ...errorFields(error) }, 'request failed');
    answered = { reply: surface.fault('internal_error'), api: 'unknown', logPath };
  }
  const { reply } = answered;
  send(res, reply, surface.contentType(reply), requestId, options.isClosing());
  const ms = performance.now() - started;
  options.metrics.recordRequest(answered.api, reply.outcome, ms / 1000);
  const level = reply.status === 200 && surface.routineOutcomes.has(reply.outcome) ? 'debug' : 'info';
  if (options.logger.isLevelEnabled(level)) {
    options.logger[level](
      { reqId: requestId, client, method: req.method, path: answered.logPath, status: reply.status, outcome: reply.outcome, ms: Math.round(ms * 100) / 100 },
      'request',
    );
  }
}

/** `http://host/path?query` (absolute form, RFC 9112 section 3.2.2) as `/path?query`. */
function originFormOf(url: string): string {
  if (url.startsWith('/')) return url;
  const match = /^https?:\/\/[^/?#]*/i.exec(url);
  if (match === null) return url;
  const rest = url.slice(match[0].length);
  return rest.startsWith('/') ? rest : '/' + rest;
}

/**
 * Faults Node's HTTP parser finds before any request exists: oversized headers, an unknown
 * method, broken syntax. Each still gets an honest status and the fallback surface's document.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, options: HttpServerOptions): void {
  const fault = clientErrorFault(error.code);
  if (fault === undefined || !socket.writable) {
    socket.destroy();
    return;
  }
  answerRaw(socket, fault, options, error.code);
}

/** Answers a fault on a socket no request object owns, then closes it. */
function answerRaw(socket: Socket, fault: TransportFault, options: HttpServerOptions, parserError?: string): void {
  const requestId = newRequestId();
  const reply = options.fallback.fault(fault);
  sendRaw(socket, reply, options.fallback.contentType(reply), requestId);
  // Whatever the client still sends is read and dropped, and the socket is cut after a grace:
  // an unread socket would otherwise stay half-open and hold the server's shutdown.
  socket.resume();
  setTimeout(() => socket.destroy(), DISCARD_GRACE_MS).unref();
  options.metrics.recordRequest('unknown', reply.outcome, 0);
  // No request was parsed, so only the peer is known (and no X-Forwarded-For is believed).
  const client = canonicalIp(socket.remoteAddress ?? '') ?? socket.remoteAddress ?? '';
  options.logger.info({ reqId: requestId, client, status: reply.status, outcome: reply.outcome, parserError }, 'request');
}

function clientErrorFault(code: string | undefined): TransportFault | undefined {
  switch (code) {
    case 'ECONNRESET':
      return undefined; // the client is gone: nothing worth writing
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'request_timeout';
    case 'HPE_HEADER_OVERFLOW':
      return 'headers_too_large';
    case 'HPE_INVALID_METHOD':
      return 'method_not_allowed';
    default:
      return 'malformed_request';
  }
}
