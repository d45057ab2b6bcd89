/**
 * The admin console's sessions (spec admin-api.md section 2): opened with a name and password,
 * ended after 12 hours, after 30 minutes without a request, when the operator's password
 * changes or it is removed. The session token is random and kept only as its SHA-256 digest;
 * the CSRF token is derived from it, so neither is stored.
 */
import { csrfTokenOf, isSessionTokenShaped, newSessionToken, tokenDigest } from '../domain/credentials.js';
import type { Operators, SessionRecord, Sessions } from '../store/store.js';
import { checkOperatorPassword, viewOf, type OperatorView } from './operators.js';

export const SESSION_MAX_AGE_MS = 12 * 3600_000;
export const SESSION_IDLE_MS = 30 * 60_000;
/**
 * A session's last request is written at most this often, not once per request: so a session
 * can end up to this much before 30 idle minutes have passed since its very last request.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** undefined for a wrong name or password (same cost either way: checkPassword in admin/operators.ts). */
export async function openSession(
  store: Operators & Sessions,
  username: string,
  password: string,
  nowMs = Date.now(),
): Promise<{ operator: OperatorView; sessionToken: string; csrfToken: string } | undefined> {
  const operator = await checkOperatorPassword(store, username, password);
  if (operator === undefined) return undefined;
  const sessionToken = newSessionToken();
  // The time is the one read before the password was checked: a password changed meanwhile is
  // newer than the session, which checkSession then refuses.
  await store.createSession(operator.id, tokenDigest(sessionToken), nowMs);
  return { operator: viewOf(operator), sessionToken, csrfToken: csrfTokenOf(sessionToken) };
}

/**
 * undefined when unknown, expired (12 h since created), idle (30 min since last seen), or opened
 * before the operator's last password change. Refreshes last_seen at most once a minute (not a
 * write per request). A session found ended is deleted.
 */
export async function checkSession(store: Sessions, sessionToken: string, nowMs = Date.now()): Promise<{ operator: OperatorView; csrfToken: string } | undefined> {
  // Anything else was never handed out: not worth a look-up.
  if (!isSessionTokenShaped(sessionToken)) return undefined;
  const digest = tokenDigest(sessionToken);
  const session = await store.findSession(digest);
  if (session === undefined) return undefined;
  if (hasEnded(session, nowMs)) {
    await store.deleteSession(digest);
    return undefined;
  }
  if (nowMs - Date.parse(session.lastSeenAt) >= SESSION_TOUCH_INTERVAL_MS) await store.touchSession(digest, nowMs);
  return { operator: viewOf(session.operator), csrfToken: csrfTokenOf(sessionToken) };
}

export async function endSession(store: Sessions, sessionToken: string): Promise<void> {
  if (isSessionTokenShaped(sessionToken)) await store.deleteSession(tokenDigest(sessionToken));
}

/** Deletes every session that has ended by `nowMs` (housekeeping: checkSession refuses them anyway). */
export async function purgeEndedSessions(store: Sessions, nowMs = Date.now()): Promise<void> {
  await store.purgeSessions(nowMs - SESSION_MAX_AGE_MS, nowMs - SESSION_IDLE_MS);
}

function hasEnded(session: SessionRecord, nowMs: number): boolean {
  const created = Date.parse(session.createdAt);
  return (
    nowMs - created >= SESSION_MAX_AGE_MS ||
    nowMs - Date.parse(session.lastSeenAt) >= SESSION_IDLE_MS ||
    created < Date.parse(session.operator.passwordChangedAt)
  );
}
