import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminHarness, adminRequest } from './helpers.js';

const USERS = [
  { name: 'alice', balance: '10' },
  { name: 'bob', balance: '-2.5' },
];

test("a user's ledger lists its entries newest first, through the typed client", async (t) => {
  const h = await adminHarness(t, { users: USERS });
  await h.operator.setUser('alice', { balance: '12.25' });
  const { data, response } = await h.as.viewer.GET('/admin/v1/users/{id}/ledger', { params: { path: { id: '1' } } });
  assert.equal(response.status, 200);
  assert.deepEqual(
    data?.data.map((entry) => [entry.user_id, entry.username, entry.amount, entry.balance_after, entry.source, entry.comment]),
    [
      [1, 'alice', '2.25', '12.25', 'cli', 'balance set'],
      [1, 'alice', '10.0', '10.0', 'cli', 'opening balance'],
    ],
  );
  assert.equal(data?.next_cursor, null);
  for (const entry of data?.data ?? []) assert.match(entry.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
});

test('the ledger pages with an opaque cursor and filters by user and source', async (t) => {
  const h = await adminHarness(t, { users: USERS });
  const first = await h.as.viewer.GET('/admin/v1/ledger', { params: { query: { limit: '1' } } });
  assert.equal(first.data?.data.length, 1);
  assert.equal(first.data?.data[0]?.username, 'bob');
  const cursor = first.data?.next_cursor;
  assert.equal(typeof cursor, 'string');
  const second = await h.as.viewer.GET('/admin/v1/ledger', { params: { query: { limit: '1', cursor: cursor! } } });
  assert.equal(second.data?.data[0]?.username, 'alice');
  const bobs = await h.as.viewer.GET('/admin/v1/ledger', { params: { query: { user_id: '2' } } });
  assert.deepEqual(bobs.data?.data.map((entry) => entry.amount), ['-2.5']);
  const imports = await h.as.viewer.GET('/admin/v1/ledger', { params: { query: { source: 'import' } } });
  assert.deepEqual(imports.data?.data, []);
});

test('bad filters answer 422 naming the parameter', async (t) => {
  const h = await adminHarness(t);
  for (const [query, field] of [
    ['from=yesterday', 'from'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=%21%21', 'cursor'],
    ['source=console', 'source'],
    ['colour=red', 'colour'],
    ['limit=1&limit=2', 'limit'],
  ] as const) {
    const answer = await adminRequest(h, 'GET', `/admin/v1/ledger?${query}`, { token: h.tokens.viewer });
    assert.equal(answer.status, 422, query);
    const problem = answer.json as { code: string; errors: { field: string }[] };
    assert.equal(problem.code, 'invalid');
    assert.deepEqual(
      problem.errors.map((error) => error.field),
      [field],
      query,
    );
  }
});

test('Accept: text/csv streams the same selection as CSV', async (t) => {
  const h = await adminHarness(t, { users: USERS });
  const answer = await adminRequest(h, 'GET', '/admin/v1/ledger?user_id=1', { token: h.tokens.viewer, headers: { Accept: 'text/csv' } });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  const lines = answer.text.split('\r\n');
  assert.equal(lines[0], 'id,created_at,user_id,username,amount,balance_after,source,comment,idempotency_key,operator,request_id');
  assert.match(lines[1]!, /^1,\d{4}-\d\d-\d\dT[\d:.]+Z,1,alice,10\.0,10\.0,cli,opening balance,,cli:[^,]*,$/);
  assert.equal(lines[2], '');
  const bad = await adminRequest(h, 'GET', '/admin/v1/ledger?from=soon', { token: h.tokens.viewer, headers: { Accept: 'text/csv' } });
  assert.equal(bad.status, 422);
  assert.equal(bad.headers.get('content-type'), 'application/problem+json; charset=utf-8');
});

test('the summary totals the whole selection the ledger lists with the same filters, exactly', async (t) => {
  const h = await adminHarness(t, { users: USERS });
  for (const amount of ['0.000001', '-1.25', '3.333333']) {
    const answer = await h.as.admin.POST('/admin/v1/users/{id}/adjustments', { params: { path: { id: '1' } }, body: { amount, comment: 'test' } });
    assert.equal(answer.response.status, 201);
  }
  const all = await h.as.viewer.GET('/admin/v1/ledger/summary');
  assert.equal(all.response.status, 200);
  // alice's opening 10, bob's -2.5, then admin1's three adjustments of alice.
  assert.deepEqual(all.data, { entries: 5, credits: '13.333334', debits: '-3.75', net: '9.583334' });
  const admins = await h.as.viewer.GET('/admin/v1/ledger/summary', { params: { query: { source: 'admin', user_id: '1', operator: 'admin1' } } });
  assert.deepEqual(admins.data, { entries: 3, credits: '3.333334', debits: '-1.25', net: '2.083334' });
  // One page of two, and the totals still count all three.
  const page = await h.as.viewer.GET('/admin/v1/ledger', { params: { query: { source: 'admin', limit: '2' } } });
  assert.equal(page.data?.data.length, 2);
  assert.equal(typeof page.data?.next_cursor, 'string');
  const future = await h.as.viewer.GET('/admin/v1/ledger/summary', { params: { query: { from: '2999-01-01T00:00:00.000Z' } } });
  assert.deepEqual(future.data, { entries: 0, credits: '0.0', debits: '0.0', net: '0.0' });
  for (const [query, field] of [
    ['from=yesterday', 'from'],
    ['source=console', 'source'],
    ['user_id=x', 'user_id'],
    ['limit=5', 'limit'],
    ['from=2026-12-02T00:00:00.000Z&to=2026-12-01T00:00:00.000Z', 'to'],
  ] as const) {
    const answer = await adminRequest(h, 'GET', `/admin/v1/ledger/summary?${query}`, { token: h.tokens.viewer });
    assert.equal(answer.status, 422, query);
    assert.deepEqual((answer.json as { errors: { field: string }[] }).errors.map((error) => error.field), [field], query);
  }
  assert.equal((await h.as.anonymous.GET('/admin/v1/ledger/summary')).response.status, 401);
});

test('stats count users, the total of balances and entries', async (t) => {
  const h = await adminHarness(t, { users: USERS });
  await h.as.viewer.GET('/admin/v1/users');
  const { data } = await h.as.viewer.GET('/admin/v1/stats');
  assert.equal(data?.users, 3); // admin, alice, bob
  assert.equal(data?.balance_total, '7.5');
  assert.equal(data?.system_currency, 'USD');
  assert.equal(data?.ledger_entries, 2);
  assert.equal(data?.blocked_clients, 0);
  assert.ok((data?.requests.last_minute ?? 0) >= 1);
});

test('the audit log is the owner\'s: it names who changed what', async (t) => {
  const h = await adminHarness(t);
  const added = await h.as.admin.POST('/admin/v1/users', { body: { username: 'carol' } });
  assert.equal(added.response.status, 201);
  assert.equal((await h.as.admin.GET('/admin/v1/audit')).response.status, 403);
  const { data } = await h.as.owner.GET('/admin/v1/audit', { params: { query: { operator: 'admin1' } } });
  assert.deepEqual(
    data?.data.map((entry) => [entry.operator, entry.source, entry.action, entry.target]),
    [['admin1', 'admin', 'user.add', `user:${added.data?.id}`]],
  );
  assert.equal(typeof data?.data[0]?.request_id, 'string');
});
