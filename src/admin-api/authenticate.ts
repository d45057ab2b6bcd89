/**
 * Who is asking (spec admin-api.md section 2): a bearer token (scripts) or the session cookie
 * (the console), each checked through the throttle the Kolmisoft API uses, so wrong tokens,
 * passwords and cookies from one address are counted and blocked together. A request with no
 * credentials at all is answered 401 without being counted.
 */
import type { IncomingMessage } from 'node:http';
import { checkToken, type OperatorView } from '../admin/operators.js';
import { checkSession } from '../admin/sessions.js';
import type { ApiError } from '../domain/api-errors.js';
import { csrfTokenMatches } from '../domain/credentials.js';
import type { WholeReply } from '../transport/reply.js';
import type { AdminApiDeps } from './deps.js';
import { problemReply } from './problems.js';

export const SESSION_COOKIE = 'tally_session';

export interface Credentials {
  readonly operator: OperatorView;
  /** How: a token needs no CSRF header; a session does, on every request but GET. */
  readonly via: 'token' | 'session';
  readonly sessionToken?: string;
  readonly csrfToken?: string;
}

/** What the throttle counts: a failed check of a token, a password or a cookie. */
export const CREDENTIALS_REFUSED: ApiError = Object.freeze({
  key: 'admin_credentials_refused',
  envelope: ['status'] as const,
  text: 'credentials refused',
  httpStatus: 401,
  authFailure: true,
  standalone: false,
});

/** The credentials a request carries, as given (not checked). */
export function presentedCredentials(req: IncomingMessage): { readonly token?: string; readonly sessionToken?: string; readonly malformed?: true } {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer +([\x21-\x7e]{1,512}) *$/i.exec(authorization);
    return match === null ? { malformed: true } : { token: match[1]! };
  }
  const sessionToken = cookieValue(req.headers.cookie, SESSION_COOKIE);
  return sessionToken === undefined ? {} : { sessionToken };
}

/**
 * The operator behind a request, or the problem to answer: 401 (none, or refused: a refusal is
 * counted against the client), 429 while the client is blocked.
 */
export async function authenticate(req: IncomingMessage, client: string, deps: AdminApiDeps): Promise<Credentials | WholeReply> {
  const presented = presentedCredentials(req);
  if (presented.token === undefined && presented.sessionToken === undefined && presented.malformed !== true) {
    return problemReply('unauthorized', 'send "Authorization: Bearer TOKEN", or sign in with POST /admin/v1/session');
  }
  return throttledCheck(client, deps, () => check(presented, deps), 'the credentials are not valid, or the session has ended: sign in again');
}

async function check(presented: ReturnType<typeof presentedCredentials>, deps: AdminApiDeps): Promise<Credentials | undefined> {
  if (presented.token !== undefined) {
    const operator = await checkToken(deps.store, presented.token);
    return operator === undefined ? undefined : { operator, via: 'token' };
  }
  if (presented.sessionToken !== undefined) {
    const session = await checkSession(deps.store, presented.sessionToken);
    return session === undefined ? undefined : { operator: session.operator, via: 'session', sessionToken: presented.sessionToken, csrfToken: session.csrfToken };
  }
  return undefined; // a malformed Authorization header
}

/**
 * Checks a password sign-in through the same throttle: the operator, or the problem to answer.
 * `attempt` resolves undefined for a wrong name or password (the two are never told apart).
 */
export async function guardedSignIn<T>(client: string, deps: AdminApiDeps, attempt: () => Promise<T | undefined>): Promise<T | WholeReply> {
  return throttledCheck(client, deps, attempt, 'wrong username or password');
}

/**
 * Runs one credential check through the throttle: what it found, 401 with `refusal` for a
 * failure (counted), or 429 while the client is blocked or has as many checks in flight as it may fail.
 */
async function throttledCheck<T>(client: string, deps: AdminApiDeps, attempt: () => Promise<T | undefined>, refusal: string): Promise<T | WholeReply> {
  const blocked = blockedReply(client, deps);
  if (blocked !== undefined) return blocked;
  let found: T | undefined;
  const outcome = await deps.throttle.check(client, deps.liveConfig.current.settings, async () => {
    found = await attempt();
    return found === undefined ? CREDENTIALS_REFUSED : undefined;
  });
  if (outcome === undefined && found !== undefined) return found;
  if (outcome?.authFailure) {
    await countFailure(client, deps);
    return problemReply('unauthorized', refusal);
  }
  return throttledReply(client, deps);
}

/** A failure is counted before it is answered: a client cannot get its next guess in first. */
async function countFailure(client: string, deps: AdminApiDeps): Promise<void> {
  deps.activity.recordAuthFailure();
  try {
    await deps.throttle.recordFailure(client, deps.liveConfig.current.settings, Date.now(), true);
  } catch (error) {
    deps.logger.error({ err: error }, 'could not count a failed authentication');
  }
}

function blockedReply(client: string, deps: AdminApiDeps): WholeReply | undefined {
  return deps.throttle.blockedUntil(client, Date.now()) === undefined ? undefined : throttledReply(client, deps);
}

function throttledReply(client: string, deps: AdminApiDeps): WholeReply {
  const now = Date.now();
  const until = deps.throttle.blockedUntil(client, now) ?? now + deps.liveConfig.current.settings.authFailureCooldownSeconds * 1000;
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  return problemReply('too_many_requests', `too many failed authentications from this address: try again in ${seconds} s`, { headers: { 'Retry-After': String(seconds) } });
}

/** True when the X-CSRF-Token header is the session's CSRF token (compared in constant time). */
export function csrfMatches(req: IncomingMessage, sessionToken: string): boolean {
  const given = req.headers['x-csrf-token'];
  return typeof given === 'string' && csrfTokenMatches(sessionToken, given);
}

/** One cookie's value from a Cookie header (RFC 6265: `name=value` pairs split by `;`). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    const value = pair.slice(equals + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** The Set-Cookie of a new session; `Secure` when the request came over HTTPS through a trusted proxy. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}
