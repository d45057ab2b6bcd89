/** POST /admin/v1/verify, POST /admin/v1/hash, and the throttle list and unblock. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { assertAnswer, SECRET } from '../http/helpers.js';
import { balanceFrom, WRONG_HASH } from '../http/hardening-helpers.js';
import { eventually } from '../support/fixtures.js';
import { balanceXml } from '../support/spec-oracle.js';
import { adminHarness, adminRequest } from './helpers.js';

const sha1 = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

test('verify reports every user checked and no mismatch', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }, { name: 'bob' }] });
  const verified = await h.as.viewer.POST('/admin/v1/verify');
  assert.equal(verified.response.status, 200);
  // The admin (id 0), alice and bob.
  assert.deepEqual(verified.data, { ok: true, users_checked: 3, mismatches: [] });
});

test('hash answers what tally hash prints, and never the key', async (t) => {
  const h = await adminHarness(t);
  const hashed = await h.as.viewer.POST('/admin/v1/hash', { body: { uri: 'http://tally:8080/billing/api/user_balance_get?username=alice&currency=EUR&hash=x' } });
  assert.equal(hashed.response.status, 200);
  assert.deepEqual(hashed.data, { hash: sha1(`aliceEUR${SECRET}`), method: 'user_balance_get', values: ['alice', 'EUR'] });
  const bare = await adminRequest(h, 'POST', '/admin/v1/hash', { token: h.tokens.viewer, body: '{"uri":"username=user%20admin"}' });
  assert.equal(bare.text, JSON.stringify({ hash: sha1(`user admin${SECRET}`), method: 'user_balance_get', values: ['user admin'] }));
  assert.equal(bare.text.includes(`"${SECRET}"`), false);
});

test('hash refuses a URI naming no known method, a broken escape and a wrong type, naming uri', async (t) => {
  const h = await adminHarness(t);
  for (const body of ['{"uri":"/billing/api/no_such_method?username=a"}', '{"uri":"username=%zz"}', '{"uri":5}', '{"uri":"/billing/api/user_balance_get"}']) {
    const refused = await adminRequest(h, 'POST', '/admin/v1/hash', { token: h.tokens.viewer, body });
    assert.equal(refused.status, 422, body);
    assert.deepEqual((refused.json as { errors: { field: string }[] }).errors.map((error) => error.field), ['uri'], body);
  }
  const unknown = await adminRequest(h, 'POST', '/admin/v1/hash', { token: h.tokens.viewer, body: '{"uri":"/billing/api/no_such_method?username=a"}' });
  assert.equal((unknown.json as { detail: string }).detail, 'uri: no_such_method is not a Kolmisoft API method with a hash');
  assert.equal((await adminRequest(h, 'POST', '/admin/v1/hash', { token: h.tokens.viewer, body: '{"uri":"a=1","key":"k"}' })).status, 422);
  assert.equal((await adminRequest(h, 'POST', '/admin/v1/hash', { token: h.tokens.viewer, body: '{"uri":' })).status, 400);
});

test('verify and hash answer 401 without credentials', async (t) => {
  const h = await adminHarness(t);
  assert.equal((await adminRequest(h, 'POST', '/admin/v1/verify')).status, 401);
  assert.equal((await adminRequest(h, 'POST', '/admin/v1/hash', { body: '{"uri":"username=a"}' })).status, 401);
});

test('lists a blocked client, and unblocking lets it in again at once', async (t) => {
  const h = await adminHarness(t, {
    users: [{ name: 'alice', balance: '26' }],
    settings: { trusted_proxies: '127.0.0.1', auth_failure_limit: '3' },
  });
  const client = '203.0.113.9';
  for (let i = 0; i < 3; i++) await balanceFrom(h.url, client, WRONG_HASH);
  assert.ok(await eventually(async () => (await balanceFrom(h.url, client)).status === 429, 2000), 'the client is blocked');
  const listed = await h.as.viewer.GET('/admin/v1/throttle');
  assert.equal(listed.response.status, 200);
  const entry = listed.data?.data.find((item) => item.address === client);
  assert.equal(entry?.failures, 3);
  assert.match(entry?.blocked_until ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Date.parse(entry!.blocked_until!) > Date.now());

  assert.equal((await adminRequest(h, 'DELETE', `/admin/v1/throttle/${client}`, { token: h.tokens.viewer })).status, 403);
  assert.equal((await adminRequest(h, 'DELETE', `/admin/v1/throttle/${client}`)).status, 401);
  const unblocked = await adminRequest(h, 'DELETE', `/admin/v1/throttle/${encodeURIComponent(`::ffff:${client}`)}`, { token: h.tokens.admin });
  assert.equal(unblocked.status, 204);
  assert.equal(unblocked.text, '');
  assertAnswer(await balanceFrom(h.url, client), balanceXml('26.00'));
  const after = await h.as.viewer.GET('/admin/v1/throttle');
  assert.deepEqual(after.data, { data: [] });
  // Not blocked: still 204.
  assert.equal((await adminRequest(h, 'DELETE', `/admin/v1/throttle/${client}`, { token: h.tokens.admin })).status, 204);
  const bad = await adminRequest(h, 'DELETE', '/admin/v1/throttle/not-an-address', { token: h.tokens.admin });
  assert.equal(bad.status, 422);
  assert.deepEqual((bad.json as { errors: { field: string }[] }).errors.map((error) => error.field), ['address']);
});
