/**
 * The Kolmisoft API as a surface of the transport: `/billing/api/NAME`, answered in the order
 * of spec section 1 (method, Host, throttle, body, parameters, signature), then by the API
 * method's handler. Its XML documents also answer the faults of its listener's transport.
 */
import type { IncomingMessage } from 'node:http';
import { API_ERRORS } from '../domain/api-errors.js';
import type { Settings } from '../domain/settings.js';
import type { Guard } from '../store/store.js';
import type { Logger } from '../logging.js';
import { errorFields } from '../transport/error-fields.js';
import { readBody } from '../transport/read-body.js';
import { TEXT_PLAIN, type Reply } from '../transport/reply.js';
import type { Surface, SurfaceAnswer, TransportFault } from '../transport/surface.js';
import { errorReply, type ApiReply, type ApiStore, type AuthGuard } from './api-method.js';
import { MAX_BODY_BYTES } from './body/request-body.js';
import type { LiveConfig } from './live-config.js';
import { checkRequestSignature } from './request-signature.js';
import { readParamsInto } from './request-params.js';
import { API_PREFIX, resolveRoute } from './routes.js';
import type { CheckResult, Throttle } from './throttle.js';

/** What the API counts besides its requests (ops/metrics.ts keeps these). */
export interface ApiMetrics {
  recordAuthFailure(): void;
  recordThrottled(): void;
  recordLedgerEntry(): void;
}

export interface ApiSurfaceDeps {
  /** The methods' roles, and the guard's for the signature's nonces. */
  readonly store: ApiStore & Guard;
  readonly liveConfig: LiveConfig;
  readonly logger: Logger;
  readonly metrics: ApiMetrics;
  readonly throttle: Throttle;
}

const ALLOW_HEADER = { Allow: 'GET, POST' };
const CLOSE_HEADER = { Connection: 'close' };
const XML = 'text/xml; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
/** Balance reads are the platform's polling traffic: logged at debug only. */
const ROUTINE_OUTCOMES: ReadonlySet<string> = new Set(['balance']);

const FAULTS: Readonly<Record<TransportFault, ApiReply>> = {
  internal_error: errorReply(API_ERRORS.internalError),
  malformed_request: errorReply(API_ERRORS.malformedRequest),
  method_not_allowed: errorReply(API_ERRORS.methodNotAllowed, ALLOW_HEADER),
  headers_too_large: errorReply(API_ERRORS.headersTooLarge),
  request_timeout: errorReply(API_ERRORS.requestTimeout),
};

export function createApiSurface(deps: ApiSurfaceDeps): Surface {
  return {
    paths: [API_PREFIX],
    routineOutcomes: ROUTINE_OUTCOMES,
    answer: (req, path, target, client, requestId) => answer(req, path, target, client, requestId, deps),
    fault: (fault) => FAULTS[fault],
    // XML documents follow `xml_api_extension`; user_simple_balance_get answers plain text.
    contentType: (reply: Reply) => (reply.type !== 'xml' ? TEXT_PLAIN : deps.liveConfig.current.settings.xmlApiExtension ? XML : HTML),
    logPath: (path) => pathForLog(path),
  };
}

async function answer(req: IncomingMessage, path: string, target: string, client: string, requestId: string, deps: ApiSurfaceDeps): Promise<SurfaceAnswer> {
  const settings = deps.liveConfig.current.settings;
  const route = resolveRoute(path);
  if (route === undefined) return { reply: errorReply(API_ERRORS.noSuchApi), api: 'unknown', logPath: pathForLog(path, route) };
  const logPath = pathForLog(path, route);
  if ('malformed' in route) return { reply: errorReply(API_ERRORS.malformedRequest), api: 'unknown', logPath };
  const api = route.method.descriptor.names[0];
  let failedCheck = false;
  const done = (reply: ApiReply): SurfaceAnswer | Promise<SurfaceAnswer> => {
    if (reply.outcome === 'balance_updated') deps.metrics.recordLedgerEntry();
    else if (reply.status === 429) deps.metrics.recordThrottled();
    const answered = { reply, api, logPath };
    // A failure is counted before it is answered: a client cannot get its next guess in first.
    return reply.authFailed ? countAuthFailure(client, settings, requestId, failedCheck, deps).then(() => answered) : answered;
  };

  const method = req.method;
  if (method !== 'GET' && method !== 'POST') return done(errorReply(API_ERRORS.methodNotAllowed, ALLOW_HEADER));
  if (req.httpVersion === '1.1' && req.headers.host === undefined) return done(errorReply(API_ERRORS.malformedRequest));

  const blockedUntil = deps.throttle.blockedUntil(client, Date.now());
  if (blockedUntil !== undefined) return done(throttledReply(blockedUntil));

  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) return done(errorReply(API_ERRORS.bodyTooLarge, CLOSE_HEADER));

  const params = new Map<string, string>();
  const paramsFault = readParamsInto(target, path.length === target.length ? -1 : path.length, body, req.headers['content-type'], params);
  if (paramsFault !== undefined) return done(errorReply(paramsFault));

  const noteFailure = (result: CheckResult): CheckResult => {
    if (result?.authFailure) failedCheck = true;
    return result;
  };
  // Synchronous when the check is (the hash check of a client with no recent failure).
  const guard: AuthGuard = (run) => {
    const result = deps.throttle.check(client, settings, run);
    return result instanceof Promise ? result.then(noteFailure) : noteFailure(result);
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

async function countAuthFailure(client: string, settings: Settings, requestId: string, failedCheck: boolean, deps: ApiSurfaceDeps): Promise<void> {
  deps.metrics.recordAuthFailure();
  try {
    await deps.throttle.recordFailure(client, settings, Date.now(), failedCheck);
  } catch (error) {
    deps.logger.error({ reqId: requestId, ...errorFields(error) }, 'could not count a failed authentication');
  }
}

/** A 429 answered by a guarded check says when to come back, like the one answered up front. */
function withRetryAfter(reply: ApiReply, client: string, settings: Settings, throttle: Throttle): ApiReply {
  if (reply.status !== 429) return reply;
  const now = Date.now();
  return throttledReply(throttle.blockedUntil(client, now) ?? now + settings.authFailureCooldownSeconds * 1000);
}

function throttledReply(blockedUntil: number): ApiReply {
  const seconds = Math.max(1, Math.ceil((blockedUntil - Date.now()) / 1000));
  return errorReply(API_ERRORS.tooManyFailedAttempts, { 'Retry-After': String(seconds) });
}

/**
 * A path as logged: a known method as `/billing/api/NAME` (never its argument, which may be a
 * uniquehash token), anything else as its prefix only.
 */
function pathForLog(path: string, route = resolveRoute(path)): string {
  if (route !== undefined) return API_PREFIX + route.name;
  // Any segment of an unknown path may be a uniquehash token sent to a mistyped address
  // (`/billing/api/<token>`, `/<token>`), so none is kept.
  return path.startsWith(API_PREFIX) ? API_PREFIX : '/';
}
