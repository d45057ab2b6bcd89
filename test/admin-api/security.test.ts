/**
 * Who may call what (spec admin-api.md section 2, issue 12's security bar), over EVERY operation
 * of the OpenAPI document: an operation added later is in the matrix without a change here.
 * Without credentials, 401 (public operations aside); a malformed Authorization header or a wrong
 * token, 401; a role below the operation's `x-tally-role`, 403 before anything the request names
 * is looked at; wrong tokens are counted by the throttle until even a valid token gets 429. Every
 * answer is a problem document of exactly the spec's fields, with X-Request-Id and
 * Cache-Control: no-store, and holds no token. The session cookie is in the same matrix: a GET
 * answers as the token does; any other method needs the session's own X-CSRF-Token (403 without
 * it, with a wrong one or another session's, and nothing changes); a lower role's cookie is 403,
 * a forged or ended one 401, and forged cookies are counted by the throttle as wrong tokens are.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openApiDocument } from '../../src/admin-api/operations/index.js';
import { PROBLEMS, type ProblemCode } from '../../src/admin-api/problems.js';
import { OPERATOR_ROLES, type OperatorRole } from '../../src/domain/operators.js';
import { adminHarness, adminRequest, signIn, type AdminHarness } from './helpers.js';
import { documentOperations, exampleBody, filledPath, type DocumentOperation, type OpenApiDocument } from './served-operations.js';

// The document the server serves is built by this same function (a test below checks they are
// one): the matrix is declared from it before any server starts.
const OPERATIONS = documentOperations(openApiDocument() as unknown as OpenApiDocument);
const GUARDED = OPERATIONS.filter((op) => op.role !== 'public');
const WRONG_TOKEN = 'tally_wrong_0123456789abcdefghijklmnopqrstuvwxyz';
const MALFORMED_AUTHORIZATIONS = ['Basic b3duZXIxOnBhc3N3b3Jk', 'Bearer', 'Bearer two words', `Token ${WRONG_TOKEN}`];
// A session token's shape that no session has, one of no session token's shape, and an API token
// sent as the cookie: each is refused, none is a session.
const FORGED_SESSION = `tallys_${'Q'.repeat(43)}`;
const FORGED_COOKIES = [`tally_session=${FORGED_SESSION}`, 'tally_session=not-a-session', `tally_session=${WRONG_TOKEN}`];

type Session = Awaited<ReturnType<typeof signIn>>;

type Answer = Awaited<ReturnType<typeof adminRequest>>;

let requestCount = 0;

/** Sends `op` as its example would (path filled, example body), with the given headers. */
async function send(h: AdminHarness, op: DocumentOperation, headers: Record<string, string>, query = ''): Promise<{ answer: Answer; requestId: string }> {
  const requestId = `security-${++requestCount}`;
  const body = exampleBody(op);
  const answer = await adminRequest(h, op.method, filledPath(op) + query, {
    headers: { 'X-Request-Id': requestId, ...(body !== undefined && { 'Content-Type': body.type }), ...headers },
    ...(body !== undefined && { body: body.body }),
  });
  return { answer, requestId };
}

/** What every answer carries, and what none may hold. */
function assertCommon(h: AdminHarness, op: DocumentOperation, answer: Answer, requestId: string, sent: readonly string[]): void {
  const where = `${op.method} ${op.path}`;
  assert.equal(answer.headers.get('x-request-id'), requestId, `${where}: the client's X-Request-Id echoed`);
  assert.equal(answer.headers.get('cache-control'), 'no-store', `${where}: Cache-Control`);
  for (const secret of [...Object.values(h.tokens), ...sent]) {
    assert.ok(!answer.text.includes(secret), `${where}: the answer holds a token`);
    for (const [name, value] of answer.headers) assert.ok(!value.includes(secret), `${where}: header ${name} holds a token`);
  }
}

/** A problem document of exactly the spec's fields, for `code`. */
function assertProblem(h: AdminHarness, op: DocumentOperation, sentAnswer: { answer: Answer; requestId: string }, code: ProblemCode, sent: readonly string[] = []): void {
  const { answer, requestId } = sentAnswer;
  const where = `${op.method} ${op.path}`;
  assert.equal(answer.status, PROBLEMS[code].status, `${where}: ${answer.text}`);
  assert.equal(answer.headers.get('content-type'), 'application/problem+json; charset=utf-8', where);
  assertCommon(h, op, answer, requestId, sent);
  const document = answer.json as Record<string, unknown>;
  // GET /session's 401 alone also says whether any operator exists (the console's first screen).
  const extra = code === 'unauthorized' && op.method === 'GET' && op.path === '/admin/v1/session' ? ['operators_exist'] : [];
  assert.deepEqual(Object.keys(document).sort(), ['code', 'detail', 'status', 'title', 'type', ...extra].sort(), `${where}: the problem's fields`);
  assert.deepEqual(
    { type: document['type'], title: document['title'], status: document['status'], code: document['code'] },
    { type: `/admin/docs#problem-${code}`, title: PROBLEMS[code].title, status: PROBLEMS[code].status, code },
    where,
  );
  assert.equal(typeof document['detail'], 'string', where);
}

function rolesBelow(role: DocumentOperation['role']): OperatorRole[] {
  const index = OPERATOR_ROLES.indexOf(role as OperatorRole);
  return index === -1 ? [] : OPERATOR_ROLES.slice(0, index);
}

function rolesFrom(role: DocumentOperation['role']): OperatorRole[] {
  const index = OPERATOR_ROLES.indexOf(role as OperatorRole);
  return index === -1 ? [] : OPERATOR_ROLES.slice(index);
}

/** What a session's cookie request sends: the cookie, and the CSRF token when one is given. */
function cookieHeaders(session: Session, csrf?: string): Record<string, string> {
  return { Cookie: session.cookie, ...(csrf !== undefined && { 'X-CSRF-Token': csrf }) };
}

/** The secrets a session request sends, which no answer may hold (GET /session alone answers its own CSRF token). */
function sessionSecrets(session: Session): string[] {
  return [session.cookie.slice(session.cookie.indexOf('=') + 1)];
}

describe('every operation of the document, with the throttle off', () => {
  let h: AdminHarness;
  /** A password session of each role, opened once (scrypt costs about 250 ms a sign-in). */
  let sessions: Record<OperatorRole, Session>;
  /** A viewer's session signed out before the tests: its cookie is refused everywhere. */
  let ended: Session;
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    // An empty database: id 1, EUR and x name nothing, so a 403 cannot come from the target.
    // auth_failure_limit 0: the many wrong credentials here are not blocked (the throttle's rows are below).
    h = await adminHarness({ after: (fn: () => Promise<void>) => closers.push(fn) }, { settings: { auth_failure_limit: '0' } });
    const [owner, admin, viewer, toEnd] = await Promise.all(
      (['owner1', 'admin1', 'viewer1', 'viewer1'] as const).map((name) => signIn(h, name, `${name}-password-long`)),
    );
    for (const session of [owner, admin, viewer, toEnd]) assert.equal(session!.answer.status, 201, session!.answer.text);
    sessions = { owner: owner!, admin: admin!, viewer: viewer! };
    ended = toEnd!;
    const out = await adminRequest(h, 'DELETE', '/admin/v1/session', { headers: cookieHeaders(ended, ended.csrf) });
    assert.equal(out.status, 204, out.text);
  });

  /** Every change is audited: the same audit log before and after means the requests changed nothing. */
  async function unchanged<T>(requests: () => Promise<T>): Promise<T> {
    const before = await h.operator.audit(1000);
    const result = await requests();
    assert.deepEqual(await h.operator.audit(1000), before, 'nothing changed');
    return result;
  }
  after(async () => {
    for (const close of closers) await close();
  });

  test('the server serves the document the matrix is declared from', async () => {
    const served = await adminRequest(h, 'GET', '/admin/v1/openapi.json');
    assert.deepEqual(served.json, openApiDocument());
  });

  for (const op of OPERATIONS) {
    const name = `${op.method} ${op.path} (${op.role})`;
    if (op.role === 'public') {
      if (op.method !== 'GET') continue; // POST /session: its refusals are the sessions' tests
      test(`${name} answers without credentials`, async () => {
        const { answer, requestId } = await send(h, op, {});
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8');
        assertCommon(h, op, answer, requestId, []);
      });
      continue;
    }

    test(`${name} answers 401 without credentials, even to a parameter it does not take`, async () => {
      assertProblem(h, op, await send(h, op, {}), 'unauthorized');
      assertProblem(h, op, await send(h, op, {}, '?no_such_parameter=1'), 'unauthorized');
    });

    test(`${name} answers 401 to a malformed Authorization header and to a wrong token`, async () => {
      for (const authorization of MALFORMED_AUTHORIZATIONS) assertProblem(h, op, await send(h, op, { Authorization: authorization }), 'unauthorized', [WRONG_TOKEN]);
      assertProblem(h, op, await send(h, op, { Authorization: `Bearer ${WRONG_TOKEN}` }), 'unauthorized', [WRONG_TOKEN]);
    });

    const below = rolesBelow(op.role);
    if (below.length > 0) {
      test(`${name} answers 403 to ${below.join(' and ')}, whatever it names`, async () => {
        for (const role of below) {
          assertProblem(h, op, await send(h, op, { Authorization: `Bearer ${h.tokens[role]}` }), 'forbidden');
          assertProblem(h, op, await send(h, op, { Authorization: `Bearer ${h.tokens[role]}` }, '?no_such_parameter=1'), 'forbidden');
        }
      });
    }

    const allowed = rolesFrom(op.role);
    if (op.method === 'GET') {
      test(`${name} answers a session cookie of ${allowed.join(', ')} as it answers the role's token, without X-CSRF-Token`, async () => {
        for (const role of allowed) {
          const session = sessions[role];
          const byToken = await send(h, op, { Authorization: `Bearer ${h.tokens[role]}` });
          const byCookie = await send(h, op, cookieHeaders(session));
          const again = await send(h, op, { Authorization: `Bearer ${h.tokens[role]}` });
          const where = `${name} as ${role}`;
          assert.notEqual(byCookie.answer.status, 401, `${where}: ${byCookie.answer.text}`);
          assert.notEqual(byCookie.answer.status, 403, `${where}: ${byCookie.answer.text}`);
          assert.equal(byCookie.answer.status, byToken.answer.status, `${where}: ${byCookie.answer.text}`);
          assert.equal(byCookie.answer.headers.get('content-type'), byToken.answer.headers.get('content-type'), where);
          assertCommon(h, op, byCookie.answer, byCookie.requestId, sessionSecrets(session));
          if (op.path === '/admin/v1/session') {
            // The one answer that tells the two apart: a session carries its CSRF token on.
            assert.deepEqual(byCookie.answer.json, { operator: { username: `${role}1`, role }, csrf_token: session.csrf }, where);
            assert.deepEqual(byToken.answer.json, { operator: { username: `${role}1`, role }, csrf_token: null }, where);
          } else if (byToken.answer.text === again.answer.text) {
            // An answer that moves between two token requests (stats' counts) is compared by status alone.
            assert.equal(byCookie.answer.text, byToken.answer.text, where);
          }
        }
      });
    } else {
      test(`${name} answers 403 to a session cookie of ${allowed.join(', ')} without its X-CSRF-Token, with a wrong one or another session's, and changes nothing`, async () => {
        for (const role of allowed) {
          const session = sessions[role];
          const other = sessions[role === 'owner' ? 'admin' : 'owner'];
          const wrong = session.csrf.slice(0, -1) + (session.csrf.endsWith('A') ? 'B' : 'A');
          const sent = [...sessionSecrets(session), session.csrf, wrong, other.csrf];
          await unchanged(async () => {
            for (const csrf of [undefined, wrong, other.csrf, '']) assertProblem(h, op, await send(h, op, cookieHeaders(session, csrf)), 'forbidden', sent);
          });
          // The refusals ended nothing: the session still signs in (DELETE /session above included).
          const still = await adminRequest(h, 'GET', '/admin/v1/session', { headers: cookieHeaders(session) });
          assert.equal(still.status, 200, `${name} as ${role}: ${still.text}`);
        }
      });
    }

    if (below.length > 0) {
      test(`${name} answers 403 to a session cookie of ${below.join(' and ')}, with its X-CSRF-Token`, async () => {
        await unchanged(async () => {
          for (const role of below) {
            const session = sessions[role];
            const sent = [...sessionSecrets(session), session.csrf];
            assertProblem(h, op, await send(h, op, cookieHeaders(session, session.csrf)), 'forbidden', sent);
            assertProblem(h, op, await send(h, op, cookieHeaders(session, session.csrf), '?no_such_parameter=1'), 'forbidden', sent);
          }
        });
      });
    }

    test(`${name} answers 401 to a forged session cookie and to the cookie of a session signed out`, async () => {
      await unchanged(async () => {
        for (const cookie of FORGED_COOKIES) assertProblem(h, op, await send(h, op, { Cookie: cookie, 'X-CSRF-Token': sessions.owner.csrf }), 'unauthorized', [FORGED_SESSION, WRONG_TOKEN]);
        assertProblem(h, op, await send(h, op, cookieHeaders(ended, ended.csrf)), 'unauthorized', [...sessionSecrets(ended), ended.csrf]);
      });
    });
  }
});

describe('wrong tokens on every operation, counted by the throttle', () => {
  test('after auth_failure_limit wrong tokens, one per operation, every operation answers 429 with Retry-After even to a valid token', async (t) => {
    // One wrong token per guarded operation, and a limit of just that many: the block comes only
    // if every operation's wrong token was counted.
    const h = await adminHarness(t, { settings: { auth_failure_limit: String(GUARDED.length), auth_failure_cooldown: '120' } });
    for (const op of GUARDED) assertProblem(h, op, await send(h, op, { Authorization: `Bearer ${WRONG_TOKEN}` }), 'unauthorized', [WRONG_TOKEN]);
    for (const op of GUARDED) {
      const sent = await send(h, op, { Authorization: `Bearer ${h.tokens.owner}` });
      assertProblem(h, op, sent, 'too_many_requests');
      const retryAfter = sent.answer.headers.get('retry-after');
      assert.match(retryAfter ?? '', /^\d+$/, `${op.method} ${op.path}: Retry-After`);
      assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 120, `Retry-After ${retryAfter}`);
    }
  });

  test('after auth_failure_limit forged session cookies, one per operation, every operation answers 429 even to a valid cookie', async (t) => {
    const h = await adminHarness(t, { settings: { auth_failure_limit: String(GUARDED.length), auth_failure_cooldown: '120' } });
    // Signed in before the block: a valid session is refused as a valid token is, once the address is blocked.
    const session = await signIn(h, 'owner1', 'owner1-password-long');
    assert.equal(session.answer.status, 201, session.answer.text);
    for (const [index, op] of GUARDED.entries()) {
      const cookie = FORGED_COOKIES[index % FORGED_COOKIES.length]!;
      assertProblem(h, op, await send(h, op, { Cookie: cookie }), 'unauthorized', [FORGED_SESSION, WRONG_TOKEN]);
    }
    for (const op of GUARDED) {
      const sent = await send(h, op, cookieHeaders(session, session.csrf));
      assertProblem(h, op, sent, 'too_many_requests', sessionSecrets(session));
      assert.match(sent.answer.headers.get('retry-after') ?? '', /^\d+$/, `${op.method} ${op.path}: Retry-After`);
    }
  });

  test('one wrong token fewer than the limit blocks nothing', async (t) => {
    const h = await adminHarness(t, { settings: { auth_failure_limit: '3' } });
    const op = GUARDED.find((candidate) => candidate.method === 'GET' && candidate.role === 'viewer');
    assert.ok(op !== undefined, 'a GET operation for viewers');
    for (let i = 0; i < 2; i++) assertProblem(h, op, await send(h, op, { Authorization: `Bearer ${WRONG_TOKEN}` }), 'unauthorized', [WRONG_TOKEN]);
    const { answer } = await send(h, op, { Authorization: `Bearer ${h.tokens.viewer}` });
    assert.notEqual(answer.status, 429, answer.text);
    assert.notEqual(answer.status, 401, answer.text);
  });
});
