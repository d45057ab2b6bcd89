/** The admin API's operators: GET/POST /admin/v1/operators, DELETE /admin/v1/operators/{name}. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminHarness, adminRequest, memoryLogger } from './helpers.js';

const PASSWORD = 'Operator-Pass-8Zr!qW';
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('an owner lists the operators by name with their roles and token labels, never a hash', async (t) => {
  const h = await adminHarness(t);
  const answer = await adminRequest(h, 'GET', '/admin/v1/operators', { token: h.tokens.owner });
  assert.equal(answer.status, 200);
  const { data, next_cursor } = answer.json as { data: { username: string; role: string; created_at: string; password_changed_at: string; tokens: { label: string; created_at: string }[] }[]; next_cursor: null };
  assert.equal(next_cursor, null);
  assert.deepEqual(
    data.map((operator) => [operator.username, operator.role, operator.tokens.map((token) => token.label)]),
    [
      ['admin1', 'admin', ['token-1']],
      ['owner1', 'owner', ['token-1']],
      ['viewer1', 'viewer', ['token-1']],
    ],
  );
  for (const operator of data) {
    assert.deepEqual(Object.keys(operator), ['username', 'role', 'created_at', 'password_changed_at', 'tokens']);
    assert.match(operator.created_at, TIME);
    assert.match(operator.password_changed_at, TIME);
  }
  assert.equal(answer.text.includes('scrypt'), false);
});

test('operators answer 401 without credentials and 403 to a viewer or an admin, changing nothing', async (t) => {
  const h = await adminHarness(t);
  const body = JSON.stringify({ username: 'ops', role: 'owner', password: PASSWORD });
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/operators')).status, 401);
  assert.equal((await adminRequest(h, 'POST', '/admin/v1/operators', { body })).status, 401);
  assert.equal((await adminRequest(h, 'DELETE', '/admin/v1/operators/viewer1')).status, 401);
  for (const role of ['viewer', 'admin'] as const) {
    const token = h.tokens[role];
    for (const [method, path, withBody] of [
      ['GET', '/admin/v1/operators', undefined],
      ['POST', '/admin/v1/operators', body],
      ['DELETE', '/admin/v1/operators/viewer1', undefined],
      ['DELETE', '/admin/v1/operators/nobody', undefined],
    ] as const) {
      const answer = await adminRequest(h, method, path, { token, ...(withBody !== undefined && { body: withBody }) });
      assert.deepEqual([answer.status, (answer.json as { code: string }).code], [403, 'forbidden'], `${role} ${method} ${path}`);
    }
  }
  const { data } = await h.as.owner.GET('/admin/v1/operators');
  assert.deepEqual(data?.data.map((operator) => operator.username), ['admin1', 'owner1', 'viewer1']);
});

test('an owner adds an operator (201) whose password is in no answer, log line or audit entry', async (t) => {
  const log = memoryLogger();
  const h = await adminHarness(t, { logger: log.logger });
  const added = await adminRequest(h, 'POST', '/admin/v1/operators', { token: h.tokens.owner, body: JSON.stringify({ username: 'ops', role: 'admin', password: PASSWORD }) });
  assert.equal(added.status, 201);
  const operator = added.json as { username: string; role: string; created_at: string; password_changed_at: string; tokens: unknown[] };
  assert.deepEqual({ ...operator, created_at: 'T', password_changed_at: 'T' }, { username: 'ops', role: 'admin', created_at: 'T', password_changed_at: 'T', tokens: [] });
  assert.match(operator.created_at, TIME);
  const listed = await adminRequest(h, 'GET', '/admin/v1/operators', { token: h.tokens.owner });
  assert.deepEqual((listed.json as { data: { username: string }[] }).data.map((entry) => entry.username), ['admin1', 'ops', 'owner1', 'viewer1']);
  const [audit] = await h.operator.audit(1);
  assert.deepEqual([audit?.action, audit?.actor, audit?.target], ['operator.add', 'owner1', 'operator:ops']);
  for (const [where, text] of [
    ['answers', added.text + listed.text],
    ['log', log.lines.join('')],
    ['audit', JSON.stringify(await h.operator.audit())],
  ] as const) {
    assert.equal(text.includes(PASSWORD), false, `the password is not in the ${where}`);
  }
});

test('a short password, a bad name, an unknown role, a taken name and unknown fields are refused, echoing no password', async (t) => {
  const log = memoryLogger();
  const h = await adminHarness(t, { logger: log.logger });
  const post = (body: unknown) => adminRequest(h, 'POST', '/admin/v1/operators', { token: h.tokens.owner, body: JSON.stringify(body) });
  const short = 'Short-Pw-1';
  const cases = [
    [await post({ username: 'ops', role: 'admin', password: short }), 422, [{ field: 'password', message: 'a password has at least 12 characters' }]],
    [await post({ username: 'o ps', role: 'admin', password: PASSWORD }), 422, [{ field: 'username', message: 'an operator name takes letters, digits and . _ @ - (starting with a letter or digit)' }]],
    [await post({ username: 'ops', role: 'superuser', password: PASSWORD }), 422, [{ field: 'role', message: 'must be one of "viewer", "admin", "owner"' }]],
    [await post({ username: 'ops', role: 'admin' }), 422, [{ field: 'password', message: 'is required' }]],
    [await post({ username: 'ops', role: 'admin', password: PASSWORD, token: 'x' }), 422, [{ field: 'token', message: 'is not a known field' }]],
    [await post({ username: 'OWNER1', role: 'admin', password: PASSWORD }), 409, undefined],
  ] as const;
  for (const [answer, status, errors] of cases) {
    assert.equal(answer.status, status, answer.text);
    assert.deepEqual((answer.json as { errors?: unknown }).errors, errors, answer.text);
    assert.equal(answer.text.includes(short) || answer.text.includes(PASSWORD), false);
  }
  assert.equal((cases[5][0].json as { detail: string }).detail, 'an operator named OWNER1 already exists (names ignore letter case)');
  assert.equal(log.lines.join('').includes(short) || log.lines.join('').includes(PASSWORD), false);
  const { data } = await h.as.owner.GET('/admin/v1/operators');
  assert.deepEqual(data?.data.map((operator) => operator.username), ['admin1', 'owner1', 'viewer1']);
});

test('an owner removes an operator (204), whose token then answers 401; an unknown one is a 404', async (t) => {
  const h = await adminHarness(t);
  const removed = await h.as.owner.DELETE('/admin/v1/operators/{name}', { params: { path: { name: 'viewer1' } } });
  assert.equal(removed.response.status, 204);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/settings', { token: h.tokens.viewer })).status, 401);
  const [audit] = await h.operator.audit(1);
  assert.deepEqual([audit?.action, audit?.actor, audit?.target], ['operator.remove', 'owner1', 'operator:viewer1']);
  const unknown = await adminRequest(h, 'DELETE', '/admin/v1/operators/viewer1', { token: h.tokens.owner });
  assert.equal(unknown.status, 404);
  assert.deepEqual([(unknown.json as { code: string }).code, (unknown.json as { detail: string }).detail], ['not_found', 'no operator named viewer1']);
});

test('removing the last owner is a 409 and keeps it; with a second owner it can go', async (t) => {
  const h = await adminHarness(t);
  const last = await adminRequest(h, 'DELETE', '/admin/v1/operators/owner1', { token: h.tokens.owner });
  assert.equal(last.status, 409);
  assert.equal((last.json as { detail: string }).detail, 'owner1 is the last owner: make another operator an owner first; nothing changed');
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/operators', { token: h.tokens.owner })).status, 200, 'still an owner');
  const second = await h.as.owner.POST('/admin/v1/operators', { body: { username: 'owner2', role: 'owner', password: PASSWORD } });
  assert.equal(second.response.status, 201);
  assert.equal((await adminRequest(h, 'DELETE', '/admin/v1/operators/owner1', { token: h.tokens.owner })).status, 204);
  const { data } = await h.as.admin.GET('/admin/v1/users');
  assert.ok(data !== undefined, 'the others carry on');
});
