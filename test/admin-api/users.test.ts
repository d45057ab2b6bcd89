import assert from 'node:assert/strict';
import { test } from 'node:test';
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
