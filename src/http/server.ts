/**
 * The HTTP server: transport checks (spec section 1), then the API method, then the reply.
 * Plain node:http, because the balance check is the hottest call of the platform.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { API_ERRORS, type ApiError } from '../domain/api-errors.js';
import type { Params } from '../domain/hash.js';
import { canonicalIp } from '../domain/ip-address.js';
import type { Settings } from '../domain/settings.js';
import { NotWritableError, type Store } from '../store/store.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../ops/metrics.js';
import { answerOps, OPS_PATHS } from '../ops/ops-endpoints.js';
import { errorReply, type AuthGuard, type Reply } from './api-method.js';
import { MAX_BODY_BYTES, parseBodyInto } from './body/request-body.js';
import { parseUrlEncoded } from './body/url-encoded.js';
import { clientAddress } from './client-address.js';
import { checkRequestSignature } from './request-signature.js';
import type { LiveConfig } from './live-config.js';
import { API_PREFIX, resolveRoute } from './routes.js';
import type { Throttle } from './throttle.js';

export interface ApiServerDeps {
  readonly store: Store;
  readonly liveConfig: LiveConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly throttle: Throttle;
  readonly timeouts: { readonly headersMs: number; readonly requestMs: number };
  /** True once the server has begun to shut down. */
  readonly isClosing: () => boolean;
}

/** Request headers above this size are answered 431. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** More distinct parameters than this, or a name or value longer than the next, is refused. */
export const MAX_PARAMETERS = 100;
export const MAX_PARAMETER_LENGTH = 4096;

const EMPTY_BODY = Buffer.alloc(0);
const ALLOW_HEADER = { Allow: 'GET, POST' };
const CLOSE_HEADER = { Connection: 'close' };
const CONTENT_TYPES = {
  xml: 'text/xml; charset=utf-8',
  html: 'text/html; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
} as const;
/** Balance reads are the platform's polling traffic, and probes poll too: logged at debug only. */
const ROUTINE_OUTCOMES: ReadonlySet<string> = new Set(['balance', 'healthy', 'ready', 'metrics']);

/** What the log and the metrics know of a request besides its reply. */
interface Answered {
  readonly reply: Reply;
  /** The method's name, `ops` paths by their own name, or `unknown`. */
  readonly api: string;
  /** Safe to log: never the query string, which carries the hash. */
  readonly logPath: string;
  /** A failed authentication that a guarded check held against the client (see Throttle.check). */
  readonly failedCheck?: boolean;
}

export interface ApiServer {
  readonly server: Server;
  /**
   * Cuts the connections that have no request being answered: idle keep-alive ones, and those
   * still sending a head. Node stops enforcing its timeouts once closing has begun, so a stalled
   * client would otherwise hold a shutdown for its whole grace period.
   */
  dropWaitingConnections(): void;
}

export function createApiServer(deps: ApiServerDeps): ApiServer {
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
  const server = createServer(
    {
      maxHeaderSize: MAX_HEADER_BYTES,
      // A slow client cannot hold a socket: its head and its whole request have deadlines.
      headersTimeout: deps.timeouts.headersMs,
      requestTimeout: deps.timeouts.requestMs,
      // A missing Host is answered with the API's own 400 document, not Node's empty one.
      requireHostHeader: false,
      // How often Node looks for requests past their timeouts (its default is 30 s).
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      track(res);
      void handleRequest(req, res, deps);
    },
  );
  server.on('connection', (socket: Socket) => {
    answering.set(socket, 0);
    socket.once('close', () => answering.delete(socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, deps));
  // Node would answer an unknown Expect with a bare 417 of its own: the request is served instead.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    track(res);
    void handleRequest(req, res, deps);
  });
  // CONNECT is not a method of this API; without a listener Node would just drop the socket.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => answerRaw(socket, errorReply(API_ERRORS.methodNotAllowed, ALLOW_HEADER), deps));
  return {
    server,
    dropWaitingConnections() {
      for (const [socket, requests] of answering) if (requests === 0) socket.destroy();
    },
  };
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, deps: ApiServerDeps): Promise<void> {
  const started = performance.now();
  const requestId = requestIdOf(req);
  const settings = deps.liveConfig.current.settings;
  const client = clientAddress(req, settings.trustedProxies);
  let answered: Answered;
  try {
    answered = await answer(req, client, requestId, settings, deps);
  } catch (error) {
    const logPath = pathForLog(pathOf(originFormOf(req.url ?? '/')));
    if (res.destroyed || req.socket.destroyed) {
      // The client hung up mid-body: nobody to answer, and nothing went wrong on our side.
      deps.logger.info({ reqId: requestId, client, method: req.method, path: logPath, outcome: 'client_gone' }, 'request');
      return;
    }
    deps.logger.error({ reqId: requestId, ...errorFields(error) }, 'request failed');
    answered = { reply: errorReply(API_ERRORS.internalError), api: 'unknown', logPath };
  }
  const { reply } = answered;
  // A failure is counted before it is answered: a client cannot get its next guess in first.
  if (reply.authFailed) await countAuthFailure(client, settings, requestId, answered.failedCheck === true, deps);
  send(res, reply, requestId, settings, deps.isClosing());
  const ms = performance.now() - started;
  deps.metrics.recordRequest(answered.api, reply.outcome, ms / 1000);
  if (reply.outcome === 'balance_updated') deps.metrics.recordLedgerEntry();
  else if (reply.status === 429) deps.metrics.recordThrottled();
  const level = reply.status === 200 && ROUTINE_OUTCOMES.has(reply.outcome) ? 'debug' : 'info';
  if (deps.logger.isLevelEnabled(level)) {
    deps.logger[level](
      { reqId: requestId, client, method: req.method, path: answered.logPath, status: reply.status, outcome: reply.outcome, ms: Math.round(ms * 100) / 100 },
      'request',
    );
  }
}

async function countAuthFailure(client: string, settings: Settings, requestId: string, failedCheck: boolean, deps: ApiServerDeps): Promise<void> {
  deps.metrics.recordAuthFailure();
  try {
    await deps.throttle.recordFailure(client, settings, Date.now(), failedCheck);
  } catch (error) {
    deps.logger.error({ reqId: requestId, ...errorFields(error) }, 'could not count a failed authentication');
  }
}

async function answer(req: IncomingMessage, client: string, requestId: string, settings: Settings, deps: ApiServerDeps): Promise<Answered> {
  const url = originFormOf(req.url ?? '/');
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const route = resolveRoute(path);
  if (route === undefined) {
    const ops = OPS_PATHS.get(path);
    if (ops !== undefined) return { reply: await answerOps(ops, req.method, deps), api: ops, logPath: path };
    return { reply: errorReply(API_ERRORS.noSuchApi), api: 'unknown', logPath: pathForLog(path, route) };
  }
  const logPath = pathForLog(path, route);
  if ('malformed' in route) return { reply: errorReply(API_ERRORS.malformedRequest), api: 'unknown', logPath };
  const api = route.method.names[0]!;
  let failedCheck = false;
  const done = (reply: Reply): Answered => ({ reply, api, logPath, failedCheck });

  const method = req.method;
  if (method !== 'GET' && method !== 'POST') return done(errorReply(API_ERRORS.methodNotAllowed, ALLOW_HEADER));
  if (req.httpVersion === '1.1' && req.headers.host === undefined) return done(errorReply(API_ERRORS.malformedRequest));

  const blockedUntil = deps.throttle.blockedUntil(client, Date.now());
  if (blockedUntil !== undefined) return done(throttledReply(blockedUntil));

  const body = await readBody(req);
  if (body === undefined) return done(errorReply(API_ERRORS.bodyTooLarge, CLOSE_HEADER));

  const params = new Map<string, string>();
  if (queryStart !== -1 && !parseUrlEncoded(url.slice(queryStart + 1), params)) {
    return done(errorReply(API_ERRORS.malformedRequest));
  }
  const bodyFault = parseBodyInto(body, req.headers['content-type'], params) ?? parameterLimitFault(params);
  if (bodyFault !== undefined) return done(errorReply(bodyFault));

  const guard: AuthGuard = async (run) => {
    const result = await deps.throttle.check(client, settings, run);
    if (result?.authFailure) failedCheck = true;
    return result;
  };
  if (settings.signatureMode !== 'off') {
    const refused = await guard(() => checkRequestSignature(req, method, path, params, settings, deps.store));
    if (refused !== undefined) return done(withRetryAfter(errorReply(refused), client, settings, deps.throttle));
  }

  const reply = await route.method.handle(
    { method, params, pathArgument: route.argument, client, requestId },
    { config: deps.liveConfig.current, store: deps.store, guard, refreshConfig: () => deps.liveConfig.refresh() },
  );
  return done(withRetryAfter(reply, client, settings, deps.throttle));
}

/** A 429 answered by a guarded check says when to come back, like the one answered up front. */
function withRetryAfter(reply: Reply, client: string, settings: Settings, throttle: Throttle): Reply {
  if (reply.status !== 429) return reply;
  const now = Date.now();
  return throttledReply(throttle.blockedUntil(client, now) ?? now + settings.authFailureCooldownSeconds * 1000);
}

/** `http://host/path?query` (absolute form, RFC 9112 section 3.2.2) as `/path?query`. */
function originFormOf(url: string): string {
  if (url.startsWith('/')) return url;
  const match = /^https?:\/\/[^/?#]*/i.exec(url);
  if (match === null) return url;
  const rest = url.slice(match[0].length);
  return rest.startsWith('/') ? rest : '/' + rest;
}

function throttledReply(blockedUntil: number): Reply {
  const seconds = Math.max(1, Math.ceil((blockedUntil - Date.now()) / 1000));
  return errorReply(API_ERRORS.tooManyFailedAttempts, { 'Retry-After': String(seconds) });
}

function parameterLimitFault(params: Params): ApiError | undefined {
  if (params.size > MAX_PARAMETERS) return API_ERRORS.tooManyParameters;
  for (const [name, value] of params) {
    if (name.length > MAX_PARAMETER_LENGTH || value.length > MAX_PARAMETER_LENGTH) return API_ERRORS.parameterTooLong;
  }
  return undefined;
}

const REQUEST_ID_SYNTAX = /^[A-Za-z0-9._:-]{1,64}$/;
const REQUEST_ID_PREFIX = randomBytes(4).toString('hex') + '-';
let requestCounter = 0;

/** The client's X-Request-Id when it is a sane one, else this process's next. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID_SYNTAX.test(given) ? given : newRequestId();
}

function newRequestId(): string {
  return REQUEST_ID_PREFIX + (++requestCounter).toString(36);
}

/**
 * The whole body, or undefined when it is over the limit. A body that is too large is not
 * read to its end: the reply closes the connection instead.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> | Buffer | undefined {
  const declared = req.headers['content-length'];
  if (declared === '0' || (declared === undefined && req.headers['transfer-encoding'] === undefined)) return EMPTY_BODY;
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) return discardRest(req);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData).off('end', onEnd);
        resolve(discardRest(req));
      } else chunks.push(chunk);
    };
    const onEnd = (): void => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    // 'close' before the body is complete means the client went away mid-body. Every request
    // closes, so the error is only built when it is one.
    const onClose = (): void => {
      if (!req.complete) reject(new Error('the client closed the connection before the body ended'));
    };
    req.on('data', onData).on('end', onEnd).on('error', reject).on('close', onClose);
  });
}

// How long a client that sent too much may go on sending before its socket is cut.
const DISCARD_GRACE_MS = 2000;

/** Lets a too-large body drain for a moment so the client can read the 413 before the close. */
function discardRest(req: IncomingMessage): undefined {
  req.resume();
  setTimeout(() => req.socket.destroy(), DISCARD_GRACE_MS).unref();
  return undefined;
}

function send(res: ServerResponse, reply: Reply, requestId: string, settings: Settings, closing: boolean): void {
  // A flat header list and a string body: Node writes the head and the body in one piece.
  const headers = [
    'Content-Type', contentType(reply.type, settings),
    'Content-Length', String(Buffer.byteLength(reply.body, 'utf8')),
    'Cache-Control', 'no-store',
    'X-Request-Id', requestId,
  ];
  if (reply.headers) for (const name in reply.headers) headers.push(name, reply.headers[name]!);
  // A server shutting down answers what is in flight and lets no connection be reused.
  if (closing) headers.push('Connection', 'close');
  res.writeHead(reply.status, headers);
  res.end(reply.body, 'utf8');
}

function contentType(type: Reply['type'], settings: Settings): string {
  if (type !== 'xml') return CONTENT_TYPES[type];
  return settings.xmlApiExtension ? CONTENT_TYPES.xml : CONTENT_TYPES.html;
}

/**
 * Faults Node's HTTP parser finds before any request exists: oversized headers, an unknown
 * method, broken syntax. Each still gets an honest status and an XML error document.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, deps: ApiServerDeps): void {
  const fault = clientErrorFault(error.code);
  if (fault === undefined || !socket.writable) {
    socket.destroy();
    return;
  }
  answerRaw(socket, errorReply(fault, fault === API_ERRORS.methodNotAllowed ? ALLOW_HEADER : undefined), deps, error.code);
}

/** Writes a whole answer on a socket no request object owns, then closes it. */
function answerRaw(socket: Socket, reply: Reply, deps: ApiServerDeps, parserError?: string): void {
  const requestId = newRequestId();
  const body = Buffer.from(reply.body, 'utf8');
  const headers: Record<string, string | number> = {
    'Content-Type': contentType(reply.type, deps.liveConfig.current.settings),
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    ...reply.headers,
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status]}\r\n${head}\r\n`, 'latin1'), body]));
  // Whatever the client still sends is read and dropped, and the socket is cut after a grace:
  // an unread socket would otherwise stay half-open and hold the server's shutdown.
  socket.resume();
  setTimeout(() => socket.destroy(), DISCARD_GRACE_MS).unref();
  deps.metrics.recordRequest('unknown', reply.outcome, 0);
  // No request was parsed, so only the peer is known (and no X-Forwarded-For is believed).
  const client = canonicalIp(socket.remoteAddress ?? '') ?? socket.remoteAddress ?? '';
  deps.logger.info({ reqId: requestId, client, status: reply.status, outcome: reply.outcome, parserError }, 'request');
}

function clientErrorFault(code: string | undefined): ApiError | undefined {
  switch (code) {
    case 'ECONNRESET':
      return undefined; // the client is gone: nothing worth writing
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return API_ERRORS.requestTimeout;
    case 'HPE_HEADER_OVERFLOW':
      return API_ERRORS.headersTooLarge;
    case 'HPE_INVALID_METHOD':
      return API_ERRORS.methodNotAllowed;
    default:
      return API_ERRORS.malformedRequest;
  }
}

function pathOf(url: string): string {
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

/**
 * Any path as logged: an ops path as itself, a known method as `/billing/api/NAME` (never its
 * argument, which may be a uniquehash token), anything else as its prefix only.
 */
function pathForLog(path: string, route = resolveRoute(path)): string {
  if (route !== undefined) return API_PREFIX + route.name;
  if (OPS_PATHS.has(path)) return path;
  // Any segment of an unknown path may be a uniquehash token sent to a mistyped address
  // (`/billing/api/<token>`, `/<token>`), so none is kept.
  return path.startsWith(API_PREFIX) ? API_PREFIX : '/';
}

/** A refused write says why in one field; anything else is logged with its stack. */
function errorFields(error: unknown): { reason: string } | { err: unknown } {
  return error instanceof NotWritableError ? { reason: error.reason } : { err: error };
}
