/** The admin API's operators: GET/POST /admin/v1/operators, PATCH/DELETE /admin/v1/operators/{name}, POST …/tokens and DELETE …/tokens/{label}. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminHarness, adminRequest, memoryLogger, signIn } from './helpers.js';

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

test('an owner changes a role (200): the operator\'s open session and its token carry the new role from their next request, and the change is audited', async (t) => {
  const h = await adminHarness(t);
  const session = await signIn(h, 'admin1', 'admin1-password-long');
  assert.equal(session.answer.status, 201, session.answer.text);
  const asCookie = (method: string, path: string, body?: unknown) =>
    adminRequest(h, method, path, { headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  assert.equal((await asCookie('POST', '/admin/v1/users', { username: 'before' })).status, 201, 'an admin adds a user');

  const changed = await adminRequest(h, 'PATCH', '/admin/v1/operators/ADMIN1', { token: h.tokens.owner, body: JSON.stringify({ role: 'viewer' }) });
  assert.equal(changed.status, 200, changed.text);
  const operator = changed.json as { username: string; role: string; tokens: { label: string }[] };
  assert.deepEqual([operator.username, operator.role, operator.tokens.map((token) => token.label)], ['admin1', 'viewer', ['token-1']]);

  // The same session, not signed in again: a viewer now, at once.
  assert.deepEqual((await asCookie('GET', '/admin/v1/session')).json, { operator: { username: 'admin1', role: 'viewer' }, csrf_token: session.csrf });
  const refused = await asCookie('POST', '/admin/v1/users', { username: 'after' });
  assert.deepEqual([refused.status, (refused.json as { code: string }).code], [403, 'forbidden']);
  assert.equal((await adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.admin, body: JSON.stringify({ username: 'after' }) })).status, 403, 'its token too');
  assert.equal((await asCookie('GET', '/admin/v1/users')).status, 200, 'a viewer still reads');

  const promoted = await h.as.owner.PATCH('/admin/v1/operators/{name}', { params: { path: { name: 'admin1' } }, body: { role: 'owner' } });
  assert.equal(promoted.data?.role, 'owner');
  assert.equal((await asCookie('GET', '/admin/v1/operators')).status, 200, 'an owner now, at once');
  const audit = await h.operator.audit(2);
  assert.deepEqual(
    audit.map((entry) => [entry.action, entry.actor, entry.target, entry.detail]),
    [
      ['operator.role', 'owner1', 'operator:admin1', 'role viewer to owner'],
      ['operator.role', 'owner1', 'operator:admin1', 'role admin to viewer'],
    ],
  );
});

test('demoting the last owner is a 409 with the removal\'s words and keeps it; with a second owner it can step down', async (t) => {
  const h = await adminHarness(t);
  for (const role of ['admin', 'viewer']) {
    const last = await adminRequest(h, 'PATCH', '/admin/v1/operators/owner1', { token: h.tokens.owner, body: JSON.stringify({ role }) });
    assert.equal(last.status, 409, last.text);
    assert.deepEqual([(last.json as { code: string }).code, (last.json as { detail: string }).detail], ['conflict', 'owner1 is the last owner: make another operator an owner first; nothing changed']);
  }
  const same = await adminRequest(h, 'PATCH', '/admin/v1/operators/owner1', { token: h.tokens.owner, body: JSON.stringify({ role: 'owner' }) });
  assert.deepEqual([same.status, (same.json as { role: string }).role], [200, 'owner'], 'its own role again changes nothing');
  assert.deepEqual((await h.operator.audit(100)).filter((entry) => entry.action === 'operator.role'), [], 'nothing was recorded');
  await h.as.owner.PATCH('/admin/v1/operators/{name}', { params: { path: { name: 'viewer1' } }, body: { role: 'owner' } });
  const stepDown = await adminRequest(h, 'PATCH', '/admin/v1/operators/owner1', { token: h.tokens.owner, body: JSON.stringify({ role: 'admin' }) });
  assert.deepEqual([stepDown.status, (stepDown.json as { role: string }).role], [200, 'admin']);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/operators', { token: h.tokens.owner })).status, 403, 'no longer an owner');
});

test('a role change refuses an unknown role, an unknown field, a missing body and an unknown operator', async (t) => {
  const h = await adminHarness(t);
  const patch = (name: string, body: string | undefined) => adminRequest(h, 'PATCH', `/admin/v1/operators/${name}`, { token: h.tokens.owner, ...(body !== undefined && { body }) });
  const cases = [
    [await patch('viewer1', JSON.stringify({ role: 'root' })), 422, [{ field: 'role', message: 'must be one of "viewer", "admin", "owner"' }]],
    [await patch('viewer1', JSON.stringify({ role: 'admin', password: 'x' })), 422, [{ field: 'password', message: 'is not a known field' }]],
    [await patch('viewer1', JSON.stringify({})), 422, [{ field: 'role', message: 'is required' }]],
    [await patch('viewer1', undefined), 400, undefined],
    [await patch('nobody', JSON.stringify({ role: 'admin' })), 404, undefined],
  ] as const;
  for (const [answer, status, errors] of cases) {
    assert.equal(answer.status, status, answer.text);
    assert.deepEqual((answer.json as { errors?: unknown }).errors, errors, answer.text);
  }
  assert.equal((cases[4][0].json as { detail: string }).detail, 'no operator named nobody');
  const { data } = await h.as.owner.GET('/admin/v1/operators');
  assert.deepEqual(data?.data.map((operator) => [operator.username, operator.role]), [['admin1', 'admin'], ['owner1', 'owner'], ['viewer1', 'viewer']]);
});

test('an owner makes a token (201), shown once, that works as a bearer token until it is revoked (204); nothing keeps it', async (t) => {
  const log = memoryLogger();
  const h = await adminHarness(t, { logger: log.logger });
  const made = await adminRequest(h, 'POST', '/admin/v1/operators/viewer1/tokens', { token: h.tokens.owner, body: JSON.stringify({ label: 'deploy bot' }) });
  assert.equal(made.status, 201, made.text);
  const { label, token } = made.json as { label: string; token: string };
  assert.deepEqual(Object.keys(made.json as object), ['label', 'token']);
  assert.equal(label, 'deploy bot');
  assert.match(token, /^tally_[A-Za-z0-9_-]{43}$/);
  const unlabelled = await h.as.owner.POST('/admin/v1/operators/{name}/tokens', { params: { path: { name: 'VIEWER1' } }, body: {} });
  assert.deepEqual([unlabelled.response.status, unlabelled.data?.label], [201, 'token-2'], 'token-1 is the harness\'s own');

  const asNew = await adminRequest(h, 'GET', '/admin/v1/session', { token });
  assert.deepEqual(asNew.json, { operator: { username: 'viewer1', role: 'viewer' }, csrf_token: null });
  const listed = await h.as.owner.GET('/admin/v1/operators');
  const viewer = listed.data?.data.find((operator) => operator.username === 'viewer1');
  assert.deepEqual(viewer?.tokens.map((held) => held.label), ['token-1', 'deploy bot', 'token-2']);
  for (const held of viewer?.tokens ?? []) assert.match(held.created_at, TIME);

  const revoked = await adminRequest(h, 'DELETE', `/admin/v1/operators/viewer1/tokens/${encodeURIComponent('deploy bot')}`, { token: h.tokens.owner });
  assert.equal(revoked.status, 204, revoked.text);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/session', { token })).status, 401, 'revoked at once');
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/session', { token: h.tokens.viewer })).status, 200, 'its other tokens still work');
  const audit = await h.operator.audit(3);
  assert.deepEqual(
    audit.map((entry) => [entry.action, entry.actor, entry.target, entry.detail]),
    [
      ['operator.token_revoke', 'owner1', 'operator:viewer1', 'label "deploy bot"'],
      ['operator.token_add', 'owner1', 'operator:viewer1', 'label "token-2"'],
      ['operator.token_add', 'owner1', 'operator:viewer1', 'label "deploy bot"'],
    ],
  );
  const kept = log.lines.join('') + JSON.stringify(await h.operator.audit()) + JSON.stringify(listed.data);
  assert.equal(kept.includes(token), false, 'the token is in no log line, audit entry or list');
});

test('a token refuses a taken label, a bad label and an unknown operator; revoking an unknown label or operator is a 404', async (t) => {
  const h = await adminHarness(t);
  const post = (name: string, body: unknown) => adminRequest(h, 'POST', `/admin/v1/operators/${name}/tokens`, { token: h.tokens.owner, body: JSON.stringify(body) });
  const taken = await post('viewer1', { label: 'token-1' });
  assert.deepEqual([taken.status, (taken.json as { detail: string }).detail], [409, 'a token labelled "token-1" exists already']);
  const bad = await post('viewer1', { label: ' padded ' });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual((bad.json as { errors: unknown }).errors, [{ field: 'label', message: 'a token label takes printable ASCII characters, with no space at either end' }]);
  assert.equal((await post('viewer1', { label: 7 })).status, 422);
  assert.equal((await post('viewer1', { label: 'x', role: 'owner' })).status, 422);
  const unknown = await post('nobody', { label: 'x' });
  assert.deepEqual([unknown.status, (unknown.json as { detail: string }).detail], [404, 'no operator named nobody']);
  const noLabel = await adminRequest(h, 'DELETE', '/admin/v1/operators/viewer1/tokens/nothing', { token: h.tokens.owner });
  assert.deepEqual([noLabel.status, (noLabel.json as { detail: string }).detail], [404, 'no token labelled "nothing"']);
  const noOperator = await adminRequest(h, 'DELETE', '/admin/v1/operators/nobody/tokens/token-1', { token: h.tokens.owner });
  assert.deepEqual([noOperator.status, (noOperator.json as { detail: string }).detail], [404, 'no operator named nobody']);
  const { data } = await h.as.owner.GET('/admin/v1/operators');
  assert.deepEqual(data?.data.map((operator) => operator.tokens.map((token) => token.label)), [['token-1'], ['token-1'], ['token-1']], 'nothing changed');
});

test('role changes and tokens answer 403 to a viewer or an admin, even for themselves, changing nothing', async (t) => {
  const h = await adminHarness(t);
  for (const role of ['viewer', 'admin'] as const) {
    const self = `${role}1`;
    for (const [method, path, body] of [
      ['PATCH', `/admin/v1/operators/${self}`, { role: 'owner' }],
      ['POST', `/admin/v1/operators/${self}/tokens`, { label: 'mine' }],
      ['DELETE', `/admin/v1/operators/${self}/tokens/token-1`, undefined],
      ['PATCH', '/admin/v1/operators/nobody', { role: 'owner' }],
    ] as const) {
      const answer = await adminRequest(h, method, path, { token: h.tokens[role], ...(body !== undefined && { body: JSON.stringify(body) }) });
      assert.deepEqual([answer.status, (answer.json as { code: string }).code], [403, 'forbidden'], `${role} ${method} ${path}`);
    }
  }
  const { data } = await h.as.owner.GET('/admin/v1/operators');
  assert.deepEqual(data?.data.map((operator) => [operator.username, operator.role, operator.tokens.length]), [['admin1', 'admin', 1], ['owner1', 'owner', 1], ['viewer1', 'viewer', 1]]);
});
