/**
 * The console's one way to the server: the typed admin API client, signed in by the session
 * cookie (HttpOnly, so no script can read it), with the session's CSRF token on every request
 * but GET. The token lives in memory only: a reload asks GET /admin/v1/session for it again.
 */
import { createAdminClient, type AdminClient, type components } from '../../admin-client/index.js';

export type Problem = components['schemas']['Problem'];
export type OperatorRole = 'viewer' | 'admin' | 'owner';

let csrfToken: string | null = null;
let onSignedOut: (() => void) | undefined;

export const api: AdminClient = createAdminClient(window.location.origin, { credentials: 'same-origin' });

api.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken !== null) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    // A session that ended (idle, signed out elsewhere, password changed) sends the reader to sign in.
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/admin/v1/session')) onSignedOut?.();
    return response;
  },
});

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The CSRF header for a request made without the typed client (an upload with progress). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken === null ? {} : { 'X-CSRF-Token': csrfToken };
}

export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

/** A request made without the typed client (an upload) was answered 401: the session ended, sign in again. */
export function sessionEnded(): void {
  onSignedOut?.();
}

/** Whether a role may do what `needed` may. */
export function allows(role: OperatorRole | undefined, needed: OperatorRole): boolean {
  const rank = { viewer: 0, admin: 1, owner: 2 } as const;
  return role !== undefined && rank[role] >= rank[needed];
}

/** What to tell the reader about a failed call: the problem's detail and each field's message, never a stack. */
export function problemText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const problem = error as Partial<Problem> & { errors?: { field: string; message: string }[] };
    const parts = [problem.detail ?? problem.title ?? 'The request failed.'];
    for (const field of problem.errors ?? []) if (!parts[0]!.includes(field.message)) parts.push(`${field.field}: ${field.message}`);
    return parts.join(' ');
  }
  if (error instanceof Error) return `The server could not be reached (${error.message}).`;
  return 'The request failed.';
}

/** A fresh idempotency key for one change the reader confirms (a retry of it sends the same). */
export function newIdempotencyKey(): string {
  return `console-${crypto.randomUUID()}`;
}
