import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execSql } from '../support/fixtures.js';
import { adminHarness, adminRequest } from './helpers.js';

test('a key used to add a user without a balance is taken for every surface', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '1' }] });
  const added = await adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.admin, body: '{"username":"carol"}', headers: { 'Idempotency-Key': 'u1' } });
  assert.equal(added.status, 201);
  assert.equal(await h.operator.addBalance('alice', '1', { key: 'u1' }), 'duplicate_key');
  const adjustment = await adminRequest(h, 'POST', '/admin/v1/users/1/adjustments', {
    token: h.tokens.admin,
    body: '{"amount":"1","comment":"x"}',
    headers: { 'Idempotency-Key': 'u1' },
  });
  assert.equal(adjustment.status, 409);
});

test("concurrent copies of one keyed user creation all answer the first answer", async (t) => {
  const h = await adminHarness(t);
  const send = () =>
    adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.admin, body: '{"username":"frank","balance":"1"}', headers: { 'Idempotency-Key': 'race' } });
  const answers = await Promise.all(Array.from({ length: 8 }, send));
  assert.deepEqual(new Set(answers.map((answer) => answer.status).filter((status) => status !== 201)), new Set([200]));
  assert.equal(answers.filter((answer) => answer.status === 201).length, 1);
  assert.equal(new Set(answers.map((answer) => answer.text)).size, 1);
});

test('a dry run keeps its Idempotency-Key free for the import that follows it', async (t) => {
  const h = await adminHarness(t);
  const csv = 'username,currency,balance\nzed,USD,2\n';
  const upload = (query: string) =>
    adminRequest(h, 'POST', `/admin/v1/imports${query}`, { token: h.tokens.admin, body: csv, headers: { 'Content-Type': 'text/csv', 'Idempotency-Key': 'imp-1' } });
  assert.equal((await upload('?dry_run=true')).status, 200);
  const real = await upload('');
  assert.equal(real.status, 201);
  assert.equal((await upload('')).text, real.text);
});

test('odd requests get their 4xx: __proto__ in a query, a broken escape in a path, a merge-patch body, HEAD in Allow', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice' }] });
  const proto = await adminRequest(h, 'GET', '/admin/v1/users?__proto__=1', { token: h.tokens.viewer });
  assert.equal(proto.status, 422);
  assert.deepEqual((proto.json as { errors: { field: string }[] }).errors.map((error) => error.field), ['__proto__']);
  const broken = await adminRequest(h, 'GET', '/admin/v1/users/%ZZ', { token: h.tokens.viewer });
  assert.equal(broken.status, 400);
  assert.equal((broken.json as { code: string }).code, 'malformed');
  const patched = await adminRequest(h, 'PATCH', '/admin/v1/users/1', {
    token: h.tokens.admin,
    body: '{"username":"alicia"}',
    headers: { 'Content-Type': 'application/merge-patch+json' },
  });
  assert.equal(patched.status, 200);
  const wrongMethod = await adminRequest(h, 'PUT', '/admin/v1/users', { token: h.tokens.admin });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.get('allow'), 'GET, POST, HEAD');
  const badTime = await adminRequest(h, 'GET', '/admin/v1/ledger?from=soon', { token: h.tokens.viewer });
  assert.match((badTime.json as { detail: string }).detail, /^from: "soon" is not an RFC 3339 time/);
});

test('a key a ledger entry carries cannot add a user without a balance either', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'taken', balance: '1' }] });
  assert.equal(await h.operator.addBalance('taken', '1', { key: 'ledger-key' }), 'applied');
  const refused = await adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.admin, body: '{"username":"newbie"}', headers: { 'Idempotency-Key': 'ledger-key' } });
  assert.equal(refused.status, 409);
  const listed = await h.as.admin.GET('/admin/v1/users', { params: { query: { q: 'newbie' } } });
  assert.deepEqual(listed.data?.data, []);
});

test('a broken escape in a path answers 401 without credentials, 400 with them', async (t) => {
  const h = await adminHarness(t);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/users/%FF')).status, 401);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/users/%FF', { token: h.tokens.viewer })).status, 400);
});

test('a database that loses a table answers a 500 problem without a stack, and the server goes on answering', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice' }] });
  await execSql(h.db, 'DROP TABLE admin_replies');
  const failed = await adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.admin, body: '{"username":"bob"}', headers: { 'Idempotency-Key': 'k1' } });
  assert.equal(failed.status, 500);
  assert.equal(failed.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const problem = failed.json as { code: string; detail: string };
  assert.equal(problem.code, 'internal');
  assert.doesNotMatch(failed.text, /admin_replies|at \w+ \(|\.js:\d+/);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/users/1', { token: h.tokens.viewer })).status, 200);
  const bob = await h.as.viewer.GET('/admin/v1/users', { params: { query: { q: 'bob' } } });
  assert.deepEqual(bob.data?.data, [], 'nothing was written');
});
