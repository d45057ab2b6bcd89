/**
 * Who may call what (spec admin-api.md section 2, issue 12's security bar), over EVERY operation
 * of the OpenAPI document: an operation added later is in the matrix without a change here.
 * Without credentials, 401 (public operations aside); a malformed Authorization header or a wrong
 * token, 401; a role below the operation's `x-tally-role`, 403 before anything the request names
 * is looked at; wrong tokens are counted by the throttle until even a valid token gets 429. Every
 * answer is a problem document of exactly the spec's fields, with X-Request-Id and
 * Cache-Control: no-store, and holds no token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openApiDocument } from '../../src/admin-api/operations/index.js';
import { PROBLEMS, type ProblemCode } from '../../src/admin-api/problems.js';
import { OPERATOR_ROLES, type OperatorRole } from '../../src/domain/operators.js';
import { adminHarness, adminRequest, type AdminHarness } from './helpers.js';
import { documentOperations, exampleBody, filledPath, type DocumentOperation, type OpenApiDocument } from './served-operations.js';

// The document the server serves is built by this same function (a test below checks they are
// one): the matrix is declared from it before any server starts.
const OPERATIONS = documentOperations(openApiDocument() as unknown as OpenApiDocument);
const GUARDED = OPERATIONS.filter((op) => op.role !== 'public');
const WRONG_TOKEN = 'tally_wrong_0123456789abcdefghijklmnopqrstuvwxyz';
const MALFORMED_AUTHORIZATIONS = ['Basic b3duZXIxOnBhc3N3b3Jk', 'Bearer', 'Bearer two words', `Token ${WRONG_TOKEN}`];

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

describe('every operation of the document, with the throttle off', () => {
  let h: AdminHarness;
  const closers: (() => Promise<void>)[] = [];
  before(async () => {
    // An empty database: id 1, EUR and x name nothing, so a 403 cannot come from the target.
    // auth_failure_limit 0: the many wrong credentials here are not blocked (the throttle's rows are below).
    h = await adminHarness({ after: (fn: () => Promise<void>) => closers.push(fn) }, { settings: { auth_failure_limit: '0' } });
  });
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

    // Sessions arrive from another branch: the cookie rows of the matrix wait for them.
    test.todo(`${name} answers 403 to a session cookie without its X-CSRF-Token${op.method === 'GET' ? ' (GET: answers as the token does)' : ''}`);
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
