/** Signing in and out of the console: a session cookie and its CSRF token (spec admin-api.md section 2). */
import Type from 'typebox';
import { endSession, openSession, SESSION_MAX_AGE_MS } from '../../admin/sessions.js';
import { clearedSessionCookie, guardedSignIn, sessionCookie } from '../authenticate.js';
import { operation } from '../operation.js';
import { OperatorRoleSchema } from '../schemas.js';

const SessionSchema = Type.Object(
  {
    operator: Type.Object({ username: Type.String({ examples: ['ops'] }), role: OperatorRoleSchema }, { additionalProperties: false }),
    csrf_token: Type.Union([Type.String(), Type.Null()], {
      description: 'Send it in X-CSRF-Token on every request but GET that the cookie signs in; null for a bearer token.',
    }),
  },
  { additionalProperties: false },
);

const SignIn = Type.Object(
  {
    username: Type.String({ maxLength: 64, examples: ['ops'] }),
    password: Type.String({ maxLength: 1024, examples: ['correct horse battery staple'] }),
  },
  { additionalProperties: false },
);

export const sessionOperations = [
  operation({
    id: 'createSession',
    method: 'POST',
    path: '/admin/v1/session',
    access: 'public',
    tag: 'Session',
    summary: 'Sign in',
    description:
      'Checks a username and password and sets the session cookie (`HttpOnly`, `SameSite=Strict`, `Path=/`; `Secure` behind a trusted HTTPS proxy). A wrong name or password is counted by the throttle, and the two are never told apart.',
    body: SignIn,
    example: { username: 'ops', password: 'correct horse battery staple' },
    answers: { 201: { description: 'Signed in; the cookie is set.', schema: SessionSchema, example: { operator: { username: 'ops', role: 'owner' }, csrf_token: 'Zm9v…' } } },
    problems: ['unauthorized', 'too_many_requests', 'malformed', 'invalid', 'unsupported_media_type', 'payload_too_large'],
    async handle({ body, client, secure, deps }) {
      const signedIn = await guardedSignIn(client, deps, () => openSession(deps.store, body.username, body.password));
      if ('type' in signedIn) return signedIn;
      return {
        status: 201,
        json: { operator: { username: signedIn.operator.username, role: signedIn.operator.role }, csrf_token: signedIn.csrfToken },
        headers: { 'Set-Cookie': sessionCookie(signedIn.sessionToken, SESSION_MAX_AGE_MS / 1000, secure) },
        outcome: 'signed_in',
      };
    },
  }),
  operation({
    id: 'getSession',
    method: 'GET',
    path: '/admin/v1/session',
    access: 'viewer',
    tag: 'Session',
    summary: 'The signed-in operator',
    description: "The current operator and the session's csrf_token, so that a reloaded console carries on. Without a session: 401, with `operators_exist: false` while no operator exists yet.",
    tellsOperatorsExist: true,
    answers: { 200: { description: 'The operator.', schema: SessionSchema } },
    problems: [],
    async handle({ operator, csrfToken }) {
      return { status: 200, json: { operator: { username: operator!.username, role: operator!.role }, csrf_token: csrfToken ?? null } };
    },
  }),
  operation({
    id: 'deleteSession',
    method: 'DELETE',
    path: '/admin/v1/session',
    access: 'viewer',
    tag: 'Session',
    summary: 'Sign out',
    description: 'Ends the session and clears its cookie. A cookie request needs its X-CSRF-Token.',
    answers: { 204: { description: 'Signed out.' } },
    problems: [],
    async handle({ sessionToken, secure, deps }) {
      if (sessionToken !== undefined) await endSession(deps.store, sessionToken);
      return { status: 204, headers: { 'Set-Cookie': clearedSessionCookie(secure) }, outcome: 'signed_out' };
    },
  }),
];
