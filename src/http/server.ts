/**
 * The HTTP server: transport checks (spec section 1), then the API method, then the reply.
 * Plain node:http, because the balance check is the hottest call of the platform.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { API_ERRORS, type ApiError } from '../domain/api-errors.js';
import type { HttpMethod } from '../domain/access.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../logging.js';
import { errorReply, type Reply } from './api-method.js';
import { MAX_BODY_BYTES, parseBodyInto } from './body/request-body.js';
import { parseUrlEncoded } from './body/url-encoded.js';
import type { LiveConfig } from './live-config.js';
import { API_PREFIX, resolveRoute } from './routes.js';

export interface ApiServerDeps {
  readonly store: Store;
  readonly liveConfig: LiveConfig;
  readonly logger: Logger;
}

/** Request headers above this size are answered 431. */
export const MAX_HEADER_BYTES = 16 * 1024;

const EMPTY_BODY = Buffer.alloc(0);
const ROUTINE_OUTCOMES: ReadonlySet<string> = new Set(['balance']);
const ALLOW_HEADER = { Allow: 'GET, POST' };
const CLOSE_HEADER = { Connection: 'close' };
const CONTENT_TYPES = {
  xml: 'text/xml; charset=utf-8',
  html: 'text/html; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

export function createApiServer(deps: ApiServerDeps): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    void handleRequest(req, res, deps);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, deps));
  return server;
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, deps: ApiServerDeps): Promise<void> {
  const started = performance.now();
  let reply: Reply;
  let logPath: string;
  try {
    [reply, logPath] = await answer(req, deps);
  } catch (error) {
    if (res.destroyed || req.socket.destroyed) {
      // The client hung up mid-body: nobody to answer, and nothing went wrong on our side.
      deps.logger.info({ method: req.method, path: unknownPathForLog(pathOf(req.url ?? '')), outcome: 'client_gone' }, 'request');
      return;
    }
    deps.logger.error({ err: error }, 'request failed');
    [reply, logPath] = [errorReply(API_ERRORS.internalError), unknownPathForLog(pathOf(req.url ?? ''))];
  }
  send(res, reply, deps);
  // Balance reads are the platform's polling traffic: one line each only at debug level.
  // Everything else (writes, refusals, faults) is logged at info.
  const level = reply.status === 200 && ROUTINE_OUTCOMES.has(reply.outcome) ? 'debug' : 'info';
  if (deps.logger.isLevelEnabled(level)) {
    deps.logger[level](
      { method: req.method, path: logPath, status: reply.status, outcome: reply.outcome, ms: Math.round((performance.now() - started) * 100) / 100 },
      'request',
    );
  }
}

/** The reply, and the path to log: never the query string, which carries the hash. */
async function answer(req: IncomingMessage, deps: ApiServerDeps): Promise<[Reply, string]> {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const route = resolveRoute(path);
  if (route === undefined) return [errorReply(API_ERRORS.noSuchApi), unknownPathForLog(path)];
  if (route === 'malformed') return [errorReply(API_ERRORS.malformedRequest), unknownPathForLog(path)];
  const logPath = API_PREFIX + route.name;

  const method = req.method;
  if (method !== 'GET' && method !== 'POST') return [errorReply(API_ERRORS.methodNotAllowed, ALLOW_HEADER), logPath];

  const body = await readBody(req);
  if (body === undefined) return [errorReply(API_ERRORS.bodyTooLarge, CLOSE_HEADER), logPath];

  const params = new Map<string, string>();
  if (queryStart !== -1 && !parseUrlEncoded(url.slice(queryStart + 1), params)) {
    return [errorReply(API_ERRORS.malformedRequest), logPath];
  }
  const bodyFault = parseBodyInto(body, req.headers['content-type'], params);
  if (bodyFault !== undefined) return [errorReply(bodyFault), logPath];

  const reply = await route.method.handle(
    { method: method as HttpMethod, params, pathArgument: route.argument },
    { config: deps.liveConfig.current, store: deps.store, refreshConfig: () => deps.liveConfig.refresh() },
  );
  return [reply, logPath];
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

function send(res: ServerResponse, reply: Reply, deps: ApiServerDeps): void {
  // A flat header list and a string body: Node writes the head and the body in one piece.
  const headers = [
    'Content-Type', contentType(reply.type, deps),
    'Content-Length', String(Buffer.byteLength(reply.body, 'utf8')),
    'Cache-Control', 'no-store',
  ];
  if (reply.headers) for (const name in reply.headers) headers.push(name, reply.headers[name]!);
  res.writeHead(reply.status, headers);
  res.end(reply.body, 'utf8');
}

function contentType(type: Reply['type'], deps: ApiServerDeps): string {
  if (type === 'text') return CONTENT_TYPES.text;
  return deps.liveConfig.current.settings.xmlApiExtension ? CONTENT_TYPES.xml : CONTENT_TYPES.html;
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
  const reply = errorReply(fault, fault === API_ERRORS.methodNotAllowed ? ALLOW_HEADER : undefined);
  const body = Buffer.from(reply.body, 'utf8');
  const headers: Record<string, string | number> = {
    'Content-Type': contentType(reply.type, deps),
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...reply.headers,
    Connection: 'close',
  };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status]}\r\n${head}\r\n`, 'latin1'), body]));
  deps.logger.info({ status: reply.status, outcome: reply.outcome, parserError: error.code }, 'request');
}

function clientErrorFault(code: string | undefined): ApiError | undefined {
  switch (code) {
    case 'ECONNRESET':
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return undefined; // the client is gone or too slow: nothing worth writing
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
 * An unknown path as logged: `/billing/api/NAME` at most, or only the first segment of any other
 * path, since what follows may be a uniquehash token sent to a mistyped address; and never an
 * attacker's megabyte.
 */
function unknownPathForLog(path: string): string {
  const kept = path.startsWith(API_PREFIX) ? path.split('/', 4).join('/') : path.split('/', 2).join('/');
  return kept.length > 100 ? kept.slice(0, 100) + '…' : kept;
}
