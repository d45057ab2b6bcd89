/**
 * The admin API as a surface of the transport (spec admin-api.md): `/admin/v1/…`, answered in
 * this order for every operation: route, credentials (401, 429), role (403), CSRF for cookie
 * requests (403), query and path parameters (422), body (415, 413, 400, 422), Idempotency-Key, then
 * the operation's handler. The role of every operation is checked here and nowhere else.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdminError } from '../admin/admin-error.js';
import { keepReply, readIdempotencyKey, replayFor, requestDigest } from '../admin/idempotency.js';
import { roleAllows } from '../domain/operators.js';
import type { Actor } from '../domain/actor.js';
import { cameOverHttps } from '../transport/client-address.js';
import { errorFields } from '../transport/error-fields.js';
import { readBody } from '../transport/read-body.js';
import type { Reply, WholeReply } from '../transport/reply.js';
import type { Surface, SurfaceAnswer, TransportFault } from '../transport/surface.js';
import { adminErrorReply } from './admin-errors.js';
import { authenticate, csrfMatches, type Credentials } from './authenticate.js';
import type { AdminApiDeps } from './deps.js';
import type { Operation, OperationContext, OperationResult } from './operation.js';
import { problemReply, type FieldError } from './problems.js';
import { compileRoutes, type Matched, type Route } from './routes.js';

export const ADMIN_PREFIX = '/admin/v1/';
/** Bodies over this answer 413 unless an operation allows more (imports). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export const JSON_TYPE = 'application/json; charset=utf-8';
export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
export const CSV_TYPE = 'text/csv; charset=utf-8';

const CLOSE_HEADER = { Connection: 'close' };

const FAULTS: Readonly<Record<TransportFault, WholeReply>> = {
  internal_error: problemReply('internal', 'the request failed on the server; its X-Request-Id finds it in the log'),
  malformed_request: problemReply('malformed', 'the request could not be read'),
  method_not_allowed: problemReply('method_not_allowed', 'this method is not allowed here'),
  headers_too_large: { ...problemReply('payload_too_large', 'the request head is too large'), status: 431 },
  request_timeout: { ...problemReply('malformed', 'the request took too long to arrive'), status: 408 },
};

/** The Content-Type of the admin listener's replies, by their kind. */
export function adminContentType(reply: Reply): string {
  switch (reply.type) {
    case 'json':
      return JSON_TYPE;
    case 'csv':
      return CSV_TYPE;
    case 'problem':
      return PROBLEM_TYPE;
    default:
      return reply.type; // static files name their own type
  }
}

export function adminFault(fault: TransportFault): WholeReply {
  return FAULTS[fault];
}

export function createAdminSurface(deps: AdminApiDeps, operations: readonly Operation[]): Surface {
  const routes = compileRoutes(operations);
  return {
    paths: [ADMIN_PREFIX],
    routineOutcomes: new Set(),
    answer: (req, path, target, client, requestId) => answer(req, path, target, client, requestId, routes, deps),
    fault: adminFault,
    contentType: adminContentType,
    logPath: (path) => routes.match(path)?.template ?? ADMIN_PREFIX,
  };
}

async function answer(
  req: IncomingMessage,
  path: string,
  target: string,
  client: string,
  requestId: string,
  routes: ReturnType<typeof compileRoutes>,
  deps: AdminApiDeps,
): Promise<SurfaceAnswer> {
  const matched = routes.match(path);
  if (matched === undefined) return { reply: problemReply('not_found', `no such path: ${ADMIN_PREFIX}…`), api: 'admin', logPath: ADMIN_PREFIX };
  const logPath = matched.template;
  const route = matched.routes.get(req.method === 'HEAD' ? 'GET' : (req.method ?? ''));
  if (route === undefined) {
    const methods = [...matched.routes.keys()];
    const allow = (methods.includes('GET') ? [...methods, 'HEAD'] : methods).join(', ');
    return { reply: problemReply('method_not_allowed', `${logPath} takes ${allow}`, { headers: { Allow: allow } }), api: 'admin', logPath };
  }
  const api = route.operation.id;
  try {
    return { reply: await answerOperation(req, target, path, client, requestId, route, matched, deps), api, logPath };
  } catch (error) {
    if (error instanceof AdminError) return { reply: adminErrorReply(error), api, logPath };
    deps.logger.error({ reqId: requestId, ...errorFields(error) }, 'admin request failed');
    return { reply: FAULTS.internal_error, api, logPath };
  }
}

async function answerOperation(
  req: IncomingMessage,
  target: string,
  path: string,
  client: string,
  requestId: string,
  route: Route,
  matched: Matched,
  deps: AdminApiDeps,
): Promise<Reply> {
  const pathParams = matched.params;
  const { operation } = route;
  // Credentials and the role come before anything the request names or asks (spec section 2:
  // without valid credentials, 401 and nothing else; outside its role, 403 whatever it names).
  let credentials: Credentials | undefined;
  if (operation.access !== 'public') {
    const found = await authenticate(req, client, deps);
    if (!('operator' in found)) return found.status === 401 && operation.tellsOperatorsExist === true ? await withOperatorsExist(found, deps) : found;
    credentials = found;
    if (!roleAllows(credentials.operator.role, operation.access)) {
      return problemReply('forbidden', `this needs the ${operation.access} role; ${credentials.operator.username} is ${article(credentials.operator.role)} ${credentials.operator.role}`);
    }
    if (credentials.via === 'session' && req.method !== 'GET' && req.method !== 'HEAD' && !csrfMatches(req, credentials.sessionToken ?? '')) {
      return problemReply('forbidden', 'a request signed in by the session cookie must send its csrf_token in X-CSRF-Token');
    }
  }

  const query = queryObject(target, path.length);
  if (query instanceof Array) return invalidReply(query);
  // After the credentials (checked above): a request without valid ones learns nothing but 401.
  if (matched.unreadable === true) return problemReply('malformed', 'a path segment is not valid percent-encoded UTF-8');
  const paramsProblems = route.validateParams(pathParams);
  if (paramsProblems.length > 0) return invalidReply(paramsProblems);
  const queryProblems = route.validateQuery(query);
  if (queryProblems.length > 0) return invalidReply(queryProblems);

  const read = await readRequestBody(req, route);
  if ('reply' in read) return read.reply;

  const idempotencyKey = operation.idempotent === undefined ? undefined : readIdempotencyKey('Idempotency-Key', headerText(req, 'idempotency-key'));
  const digest = idempotencyKey === undefined ? undefined : requestDigest(req.method ?? '', target, read.raw);
  if (idempotencyKey !== undefined && digest !== undefined) {
    const stored = await replayFor(deps.store, idempotencyKey, digest);
    if (stored !== undefined) return replayed(operation, stored.body);
  }

  const operator = credentials?.operator;
  const actor: Actor = { source: 'admin', name: operator?.username ?? '', client, requestId };
  const trusted = deps.liveConfig.current.settings.trustedProxies;
  const context: OperationContext<unknown, unknown, unknown> = {
    params: pathParams,
    query,
    body: read.body,
    rawBody: read.raw,
    operator,
    actor,
    client,
    requestId,
    headers: req.headers,
    idempotencyKey,
    secure: cameOverHttps(req, trusted),
    sessionToken: credentials?.sessionToken,
    csrfToken: credentials?.csrfToken,
    deps,
  };
  const handle = operation.handle as (context: OperationContext<unknown, unknown, unknown>) => Promise<OperationResult>;
  let result: OperationResult;
  try {
    result = await handle(context);
  } catch (error) {
    const conflict = error instanceof AdminError && (error.code === 'conflict' || error.code === 'already_exists');
    const twin = conflict && idempotencyKey !== undefined && digest !== undefined ? await twinsAnswer(deps, idempotencyKey, digest) : undefined;
    if (twin === undefined) throw error;
    return replayed(operation, twin);
  }
  if ('type' in result) return result; // a problem the handler answered itself
  const reply = resultReply(result);
  if (idempotencyKey !== undefined && digest !== undefined && reply.status < 300 && typeof reply.body === 'string' && !('keep' in result && result.keep === false)) {
    const kept = await keepReply(deps.store, idempotencyKey, { requestDigest: digest, status: reply.status, body: reply.body });
    if (kept.body !== reply.body) return replayed(operation, kept.body);
  }
  return reply;
}

/** The stored answer to a key, answered again. */
function replayed(operation: Operation, body: string): WholeReply {
  return { status: operation.idempotent!.replayStatus, type: 'json', body, outcome: 'replayed' };
}

/**
 * A keyed request that lost a race to its own twin (both missed the stored answer; the other
 * wrote first, so this one met a taken name or key) answers the twin's answer, not a conflict:
 * the stored body, or undefined when none comes (the conflict is then a real one).
 */
async function twinsAnswer(deps: AdminApiDeps, key: string, digest: string): Promise<string | undefined> {
  // The twin may have written its change and not yet its answer: it is given a moment, a longer
  // one when its change has claimed the key already (a change with a ledger entry).
  const attempts = (await deps.store.ledgerKeyTaken(key)) ? REPLAY_WAIT_ATTEMPTS : UNCLAIMED_WAIT_ATTEMPTS;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const stored = await replayFor(deps.store, key, digest);
      if (stored !== undefined) return stored.body;
    } catch {
      return undefined; // the key names another request: the conflict stands
    }
    await sleep(REPLAY_WAIT_MS);
  }
  return undefined;
}

const REPLAY_WAIT_ATTEMPTS = 25;
const UNCLAIMED_WAIT_ATTEMPTS = 5;
const REPLAY_WAIT_MS = 20;

/** GET /session's 401 says whether any operator exists yet: the console then says which command creates the first. */
async function withOperatorsExist(reply: WholeReply, deps: AdminApiDeps): Promise<WholeReply> {
  const document = JSON.parse(String(reply.body)) as { detail: string };
  const operatorsExist = (await deps.store.listOperators()).length > 0;
  return problemReply('unauthorized', operatorsExist ? document.detail : 'no operator exists yet: create one with "tally operator add NAME --role owner"', {
    extra: { operators_exist: operatorsExist },
  });
}

function resultReply(result: Exclude<OperationResult, WholeReply>): Reply {
  const outcome = result.outcome ?? String(result.status);
  const headers = result.headers;
  if ('json' in result) return { status: result.status, type: 'json', body: JSON.stringify(result.json), outcome, ...(headers && { headers }) };
  if ('csv' in result) return { status: result.status, type: 'csv', body: batched(result.csv), outcome, ...(headers && { headers }) };
  return { status: 204, type: 'json', body: '', outcome, ...(headers && { headers }) };
}

/** Lines gathered into chunks of about 64 KiB: a million one-line writes would cost more than the reads. */
async function* batched(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

type ReadBody = { readonly raw: Buffer; readonly body: unknown } | { readonly reply: WholeReply };

async function readRequestBody(req: IncomingMessage, route: Route): Promise<ReadBody> {
  const { operation } = route;
  const media = operation.bodyMedia ?? 'json';
  const limit = operation.maxBodyBytes ?? MAX_JSON_BODY_BYTES;
  const expectsBody = operation.body !== undefined || media === 'csv';
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  if (expectsBody && hasBody) {
    const type = mediaType(req.headers['content-type']);
    const wanted = media === 'csv' ? 'text/csv' : 'application/json';
    // A PATCH body is a JSON merge patch (RFC 7396) whichever of the two types it names.
    if (type !== wanted && !(media === 'json' && req.method === 'PATCH' && type === 'application/merge-patch+json')) {
      req.resume();
      return { reply: problemReply('unsupported_media_type', `the body must be ${wanted}${type === '' ? '' : `, not ${type}`}`, { headers: CLOSE_HEADER }) };
    }
  }
  const raw = await readBody(req, limit);
  if (raw === undefined) {
    return { reply: problemReply('payload_too_large', `the body is over ${limit / (1024 * 1024)} MiB`, { headers: CLOSE_HEADER }) };
  }
  if (operation.body === undefined || media === 'csv') return { raw, body: undefined };
  if (!isUtf8(raw)) return { reply: problemReply('malformed', 'the body is not valid UTF-8') };
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return { reply: problemReply('malformed', raw.length === 0 ? 'the body is empty: send a JSON object' : 'the body is not valid JSON') };
  }
  const problems = route.validateBody(body);
  if (problems.length > 0) return { reply: invalidReply(problems) };
  return { raw, body };
}

/** The query string as an object of strings; a name given twice is refused. */
function queryObject(target: string, pathLength: number): Record<string, string> | FieldError[] {
  // No prototype: `__proto__` in a query string is a parameter like any other (and refused as unknown).
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  if (target.length === pathLength) return query;
  const problems: FieldError[] = [];
  for (const [name, value] of new URLSearchParams(target.slice(pathLength + 1))) {
    if (Object.hasOwn(query, name)) problems.push({ field: name, message: 'is given more than once' });
    else query[name] = value;
  }
  return problems.length > 0 ? problems : query;
}

function invalidReply(errors: readonly FieldError[]): WholeReply {
  return problemReply('invalid', errors.map((error) => `${error.field}: ${error.message}`).join('; '), { errors });
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

function headerText(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
