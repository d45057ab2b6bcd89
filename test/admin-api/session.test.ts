import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changePassword, removeOperator } from '../../src/admin/operators.js';
import { openStore } from '../../src/store/open-store.js';
import { startHarness } from '../http/helpers.js';
import { adminHarness, adminRequest, signIn } from './helpers.js';

const CLI = { source: 'cli', name: 'cli:test' } as const;

test('signing in sets an HttpOnly, SameSite=Strict session cookie and answers the operator and a CSRF token', async (t) => {
  const h = await adminHarness(t);
  const { answer, setCookie, cookie, csrf } = await signIn(h, 'admin1', 'admin1-password-long');
  assert.equal(answer.status, 201);
  assert.deepEqual(answer.json, { operator: { username: 'admin1', role: 'admin' }, csrf_token: csrf });
  assert.match(setCookie, /^tally_session=tallys_[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  const current = await adminRequest(h, 'GET', '/admin/v1/session', { headers: { Cookie: cookie } });
  assert.equal(current.status, 200);
  assert.deepEqual(current.json, { operator: { username: 'admin1', role: 'admin' }, csrf_token: csrf });
  const users = await adminRequest(h, 'GET', '/admin/v1/users', { headers: { Cookie: cookie } });
  assert.equal(users.status, 200);
});

test('a cookie request other than GET needs the X-CSRF-Token of its session', async (t) => {
  const h = await adminHarness(t);
  const { cookie, csrf } = await signIn(h, 'admin1', 'admin1-password-long');
  const body = JSON.stringify({ username: 'carol' });
  const without = await adminRequest(h, 'POST', '/admin/v1/users', { body, headers: { Cookie: cookie } });
  assert.equal(without.status, 403);
  assert.equal((without.json as { code: string }).code, 'forbidden');
  const wrong = await adminRequest(h, 'POST', '/admin/v1/users', { body, headers: { Cookie: cookie, 'X-CSRF-Token': csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A') } });
  assert.equal(wrong.status, 403);
  const logoutWithout = await adminRequest(h, 'DELETE', '/admin/v1/session', { headers: { Cookie: cookie } });
  assert.equal(logoutWithout.status, 403);
  const right = await adminRequest(h, 'POST', '/admin/v1/users', { body, headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
  assert.equal(right.status, 201);
  // A bearer token needs no CSRF header.
  const bearer = await adminRequest(h, 'POST', '/admin/v1/users', { token: h.tokens.admin, body: JSON.stringify({ username: 'dave' }) });
  assert.equal(bearer.status, 201);
});

test('signing out ends the session: its cookie is refused afterwards', async (t) => {
  const h = await adminHarness(t);
  const { cookie, csrf } = await signIn(h, 'viewer1', 'viewer1-password-long');
  const out = await adminRequest(h, 'DELETE', '/admin/v1/session', { headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie') ?? '', /^tally_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
  const after = await adminRequest(h, 'GET', '/admin/v1/session', { headers: { Cookie: cookie } });
  assert.equal(after.status, 401);
});

test('a wrong password and an unknown operator answer the same 401, and both count against the client', async (t) => {
  const h = await adminHarness(t, { settings: { auth_failure_limit: '3' } });
  const wrong = await signIn(h, 'admin1', 'not-the-password');
  const unknown = await signIn(h, 'nobody', 'not-the-password');
  assert.equal(wrong.answer.status, 401);
  assert.equal(wrong.answer.text, unknown.answer.text);
  assert.equal(wrong.setCookie, '');
  await signIn(h, 'admin1', 'still-not-the-password');
  const blocked = await signIn(h, 'admin1', 'admin1-password-long');
  assert.equal(blocked.answer.status, 429);
  assert.match(blocked.answer.headers.get('retry-after') ?? '', /^\d+$/);
  // The throttle is the Kolmisoft API's: the address is blocked there too.
  const api = await fetch(`${h.url}/billing/api/user_balance_get?username=x&hash=x`, { method: 'POST' });
  assert.equal(api.status, 429);
});

test('a session ends when its operator changes password or is removed', async (t) => {
  const h = await adminHarness(t);
  const first = await signIn(h, 'admin1', 'admin1-password-long');
  const second = await signIn(h, 'viewer1', 'viewer1-password-long');
  const store = await openStore(h.db, { mustExist: true, poolSize: 1 });
  t.after(() => store.close());
  await changePassword(store, 'admin1', 'a-brand-new-password', CLI);
  await removeOperator(store, 'viewer1', CLI);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/session', { headers: { Cookie: first.cookie } })).status, 401);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/session', { headers: { Cookie: second.cookie } })).status, 401);
  assert.equal((await signIn(h, 'admin1', 'a-brand-new-password')).answer.status, 201);
});

test('without a session, GET /session says whether any operator exists yet', async (t) => {
  const h = await startHarness();
  t.after(() => h.close());
  const none = await adminRequest({ adminUrl: h.server.adminUrl! }, 'GET', '/admin/v1/session');
  assert.equal(none.status, 401);
  const problem = none.json as { operators_exist: boolean; detail: string };
  assert.equal(problem.operators_exist, false);
  assert.match(problem.detail, /tally operator add NAME --role owner/);
  await h.operator.operatorToken('first', 'owner');
  const some = await adminRequest({ adminUrl: h.server.adminUrl! }, 'GET', '/admin/v1/session');
  assert.equal((some.json as { operators_exist: boolean }).operators_exist, true);
});

test('the cookie is Secure when a trusted proxy says the request came over HTTPS, and only then', async (t) => {
  const h = await adminHarness(t, { settings: { trusted_proxies: '127.0.0.1' } });
  const body = JSON.stringify({ username: 'viewer1', password: 'viewer1-password-long' });
  const signInWith = async (headers: Record<string, string>) =>
    (await adminRequest(h, 'POST', '/admin/v1/session', { body, headers })).headers.get('set-cookie') ?? '';
  assert.match(await signInWith({ 'X-Forwarded-Proto': 'https' }), /; Secure$/);
  assert.match(await signInWith({ Forwarded: 'for=192.0.2.1;proto=https' }), /; Secure$/);
  assert.doesNotMatch(await signInWith({ 'X-Forwarded-Proto': 'http' }), /Secure/);
  assert.doesNotMatch(await signInWith({}), /Secure/);
});

test("an untrusted peer's X-Forwarded-Proto does not make the cookie Secure", async (t) => {
  const h = await adminHarness(t);
  const answer = await adminRequest(h, 'POST', '/admin/v1/session', {
    body: JSON.stringify({ username: 'viewer1', password: 'viewer1-password-long' }),
    headers: { 'X-Forwarded-Proto': 'https' },
  });
  assert.doesNotMatch(answer.headers.get('set-cookie') ?? '', /Secure/);
});

test('a burst of wrong tokens at once gets no more guesses than the limit, and blocks the valid token too', async (t) => {
  const h = await adminHarness(t, { settings: { auth_failure_limit: '5' } });
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => adminRequest(h, 'GET', '/admin/v1/users', { token: `tally_wrong${i}` })));
  const refused = answers.filter((answer) => answer.status === 401).length;
  assert.ok(refused <= 5, `${refused} guesses were checked`);
  assert.equal(answers.filter((answer) => answer.status === 429).length, 30 - refused);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/users', { token: h.tokens.owner })).status, 429);
});

test('proxy headers in their other forms: a quoted proto, and the nearest proxy\'s word when several are listed', async (t) => {
  const h = await adminHarness(t, { settings: { trusted_proxies: '127.0.0.1' } });
  const body = JSON.stringify({ username: 'viewer1', password: 'viewer1-password-long' });
  const cookieWith = async (headers: Record<string, string>) =>
    (await adminRequest(h, 'POST', '/admin/v1/session', { body, headers })).headers.get('set-cookie') ?? '';
  assert.match(await cookieWith({ Forwarded: 'for="[2001:db8::1]";proto="HTTPS"' }), /; Secure$/);
  assert.match(await cookieWith({ 'X-Forwarded-Proto': 'http, https' }), /; Secure$/);
  assert.doesNotMatch(await cookieWith({ 'X-Forwarded-Proto': 'https, http' }), /Secure/);
  assert.doesNotMatch(await cookieWith({ Forwarded: 'for=192.0.2.1;proto=https, for=10.0.0.1;proto=http' }), /Secure/);
});
