import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAnswer, post, signed } from '../http/helpers.js';
import { balanceXml, errorXml } from '../support/spec-oracle.js';
import { adminHarness, adminRequest } from './helpers.js';

test('lists users through the typed client, with uniquehash only for admin and owner', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  const asAdmin = await h.as.admin.GET('/admin/v1/users', { params: { query: { q: 'ali' } } });
  assert.equal(asAdmin.response.status, 200);
  assert.deepEqual(asAdmin.data?.data.map((user) => [user.username, user.balance, typeof user.uniquehash]), [['alice', '10.0', 'string']]);
  const asViewer = await h.as.viewer.GET('/admin/v1/users', { params: { query: { q: 'ali' } } });
  assert.equal(asViewer.data?.data[0]?.uniquehash, undefined);
});

test('answers 401 without credentials and 403 for a viewer adding a user', async (t) => {
  const h = await adminHarness(t);
  const anonymous = await adminRequest(h, 'GET', '/admin/v1/users');
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const viewer = await adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.viewer, body: '{"username":"bob"}' });
  assert.equal(viewer.status, 403);
  assert.equal((viewer.json as { code: string }).code, 'forbidden');
});

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('renames a user and changes its currency in one PATCH; the Kolmisoft API answers it by its new name only', async (t) => {
  const h = await adminHarness(t, { currencies: [{ code: 'EUR', rate: '0.5' }], users: [{ name: 'alice', balance: '10' }] });
  const changed = await h.as.admin.PATCH('/admin/v1/users/{id}', { params: { path: { id: '1' } }, body: { username: 'Alicia', currency: 'eur' } });
  assert.equal(changed.response.status, 200);
  const { created_at: createdAt, uniquehash, ...rest } = changed.data!;
  assert.match(createdAt, TIME);
  assert.equal(typeof uniquehash, 'string');
  assert.deepEqual(rest, {
    id: 1,
    username: 'Alicia',
    first_name: '',
    last_name: '',
    currency: 'EUR',
    balance: '10.0',
    balance_in_currency: '5.0',
    status: 'active',
    role: 'user',
  });
  assertAnswer(await post(h, signed('alicia')), balanceXml('10.00'));
  assertAnswer(await post(h, signed('alice')), errorXml('page', 'User was not found'));
});

test('first_name and last_name: given on POST, changed or cleared by PATCH, read back by GET, each change audited', async (t) => {
  const h = await adminHarness(t);
  const created = await h.as.admin.POST('/admin/v1/users', { body: { username: 'ada', first_name: 'Ada', last_name: ' Lovelace ' } });
  assert.equal(created.response.status, 201);
  assert.deepEqual([created.data?.first_name, created.data?.last_name], ['Ada', ' Lovelace ']);
  const id = String(created.data!.id);
  const changed = await h.as.admin.PATCH('/admin/v1/users/{id}', { params: { path: { id } }, body: { first_name: 'Augusta', last_name: '' } });
  assert.equal(changed.response.status, 200);
  const read = await h.as.viewer.GET('/admin/v1/users/{id}', { params: { path: { id } } });
  assert.deepEqual([read.data?.first_name, read.data?.last_name], ['Augusta', '']);
  const audit = await h.as.owner.GET('/admin/v1/audit', { params: { query: { limit: '2' } } });
  assert.deepEqual(audit.data?.data.map((record) => record.detail), ['last_name " Lovelace " to ""', 'first_name "Ada" to "Augusta"']);
});

test('a first or last name over 255 characters or with a control character is refused with 422, changing nothing', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  const message = 'must be at most 255 characters, none of them a control character';
  for (const [field, value] of [['first_name', 'x'.repeat(256)], ['last_name', 'a\u0000b'], ['first_name', 'line\nbreak']] as const) {
    const refused = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: JSON.stringify({ username: 'alicia', [field]: value }) });
    assert.equal(refused.status, 422, field);
    assert.deepEqual((refused.json as { errors: unknown[] }).errors, [{ field, message }]);
  }
  const added = await adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.admin, body: JSON.stringify({ username: 'bob', last_name: 'tab\there' }) });
  assert.equal(added.status, 422);
  const alice = await h.operator.user('alice');
  assert.equal(alice.username, 'alice');
  assert.equal((await h.as.viewer.GET('/admin/v1/users', { params: { query: { q: 'bob' } } })).data?.data.length, 0);
});

test('PATCH is all or nothing: a valid rename with an unknown currency changes nothing', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  const refused = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: '{"username":"alicia","currency":"XYZ"}' });
  assert.equal(refused.status, 422);
  assert.deepEqual(refused.json, {
    type: '/admin/docs#problem-invalid',
    title: 'Invalid request',
    status: 422,
    code: 'invalid',
    detail: 'currency: no currency XYZ',
    errors: [{ field: 'currency', message: 'no currency XYZ' }],
  });
  const badStatus = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: '{"username":"alicia","status":"gone"}' });
  assert.equal(badStatus.status, 422);
  assert.deepEqual((badStatus.json as { errors: { field: string }[] }).errors.map((error) => error.field), ['status']);
  const user = await h.operator.user('alice');
  assert.deepEqual([user.username, user.currency], ['alice', 'USD']);
  assertAnswer(await post(h, signed('alice')), balanceXml('10.00'));
});

test('PATCH refuses an empty body, a taken name in any case, the same name, and closing a closed user', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice' }, { name: 'bob' }] });
  const empty = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: '{}' });
  assert.equal(empty.status, 422);
  assert.deepEqual((empty.json as { errors: unknown }).errors, [{ field: 'body', message: 'nothing to change' }]);
  const taken = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: '{"username":"BOB"}' });
  assert.equal(taken.status, 409);
  assert.equal((taken.json as { detail: string }).detail, 'a user named BOB already exists (usernames ignore letter case)');
  const same = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: '{"username":"alice"}' });
  assert.equal(same.status, 409);
  const recased = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: '{"username":"ALICE"}' });
  assert.equal(recased.status, 200);
  assert.equal((recased.json as { username: string }).username, 'ALICE');
  const closed = await adminRequest(h, 'PATCH', '/admin/v1/users/2', { token: h.tokens.admin, body: '{"status":"closed"}' });
  assert.equal((closed.json as { status: string }).status, 'closed');
  assertAnswer(await post(h, signed('bob')), errorXml('page', 'User was not found'));
  const again = await adminRequest(h, 'PATCH', '/admin/v1/users/2', { token: h.tokens.admin, body: '{"status":"closed"}' });
  assert.equal(again.status, 409);
  assert.equal((again.json as { detail: string }).detail, 'user bob is already closed; nothing changed');
  const reopened = await h.as.admin.PATCH('/admin/v1/users/{id}', { params: { path: { id: '2' } }, body: { status: 'active' } });
  assert.equal(reopened.data?.status, 'active');
  assertAnswer(await post(h, signed('bob')), balanceXml('0.00'));
  const missing = await adminRequest(h, 'PATCH', '/admin/v1/users/99', { token: h.tokens.admin, body: '{"status":"closed"}' });
  assert.equal(missing.status, 404);
});

test('PATCH refuses a number, an unknown field and malformed JSON naming the problem', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice' }] });
  const number = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: '{"username":5}' });
  assert.equal(number.status, 422);
  assert.deepEqual((number.json as { errors: { field: string }[] }).errors.map((error) => error.field), ['username']);
  const unknown = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: '{"role":"admin"}' });
  assert.equal(unknown.status, 422);
  assert.deepEqual((unknown.json as { errors: { field: string }[] }).errors.map((error) => error.field), ['role']);
  const malformed = await adminRequest(h, 'PATCH', '/admin/v1/users/1', { token: h.tokens.admin, body: '{"username":' });
  assert.equal(malformed.status, 400);
  assert.equal((malformed.json as { code: string }).code, 'malformed');
  assert.equal((await h.operator.user('alice')).role, 'user');
});

test('a new uniquehash replaces the old one at once, answered only with the user', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice' }] });
  const before = (await h.operator.user('alice')).uniquehash;
  const rotated = await h.as.admin.POST('/admin/v1/users/{id}/uniquehash', { params: { path: { id: '1' } } });
  assert.equal(rotated.response.status, 200);
  assert.notEqual(rotated.data?.uniquehash, before);
  assert.equal(rotated.data?.uniquehash, (await h.operator.user('alice')).uniquehash);
  assert.equal(rotated.data?.username, 'alice');
});

test('answers 403 to a viewer and 401 without credentials on every change of a user', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '1' }] });
  const changes: [string, string, string | undefined][] = [
    ['PATCH', '/admin/v1/users/1', '{"status":"closed"}'],
    ['POST', '/admin/v1/users/1/uniquehash', undefined],
    ['POST', '/admin/v1/users/1/adjustments', '{"amount":"1","comment":"x"}'],
  ];
  for (const [method, path, body] of changes) {
    const viewer = await adminRequest(h, method, path, { token: h.tokens.viewer, ...(body !== undefined && { body }) });
    assert.equal(viewer.status, 403, `${method} ${path}`);
    const anonymous = await adminRequest(h, method, path, body === undefined ? {} : { body });
    assert.equal(anonymous.status, 401, `${method} ${path}`);
  }
  const user = await h.operator.user('alice');
  assert.deepEqual([user.balance, (await h.operator.history('alice')).length], ['1.0', 1]);
});

test('a user added with a balance and an Idempotency-Key carries the key in its opening entry; a replay adds no one', async (t) => {
  const h = await adminHarness(t);
  const body = '{"username":"carol","balance":"7.5"}';
  const first = await adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.admin, body, headers: { 'Idempotency-Key': 'open-carol' } });
  assert.equal(first.status, 201);
  const again = await adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.admin, body, headers: { 'Idempotency-Key': 'open-carol' } });
  assert.equal(again.status, 200);
  assert.equal(again.text, first.text);
  const entries = await h.operator.history('carol');
  assert.deepEqual(entries.map((entry) => [entry.amount, entry.source, entry.key]), [['7.5', 'admin', 'open-carol']]);
});

test('a user added with a key the ledger holds already is a 409, and no one is added', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice' }] });
  assert.equal(await h.operator.addBalance('alice', '1', { key: 'used-once' }), 'applied');
  const refused = await adminRequest(h, 'POST', '/admin/v1/users', {
    token: h.tokens.admin,
    body: '{"username":"dave","balance":"3"}',
    headers: { 'Idempotency-Key': 'used-once' },
  });
  assert.equal(refused.status, 409);
  assert.equal((refused.json as { detail: string }).detail, 'the Idempotency-Key was used before for another request; nothing changed');
  await assert.rejects(h.operator.user('dave'));
  await h.operator.assertVerified();
});
