/** The admin API's user import: POST /admin/v1/imports with a `tally import` file as text/csv. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminHarness, adminRequest, type AdminHarness } from './helpers.js';

const seed = { currencies: [{ code: 'EUR', rate: '0.9' }], users: [{ name: 'taken', balance: '1' }] };
const GOOD = 'username,currency,balance,id\ncarol,EUR,10.5,\ndave,USD,-2.25,40\n';
const CSV = { 'Content-Type': 'text/csv' };

function upload(h: AdminHarness, body: string | Buffer, options: { query?: string; token?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${h.adminUrl}/admin/v1/imports${options.query ?? ''}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${options.token ?? h.tokens.admin}`, ...CSV, ...options.headers },
    body,
  }).then(async (response) => ({ status: response.status, type: response.headers.get('content-type'), text: await response.text() }));
}

async function usernames(h: AdminHarness): Promise<string[]> {
  const { data } = await h.as.viewer.GET('/admin/v1/users');
  return data!.data.map((user) => user.username);
}

test('an admin imports a file: 201, the users added, each opening balance a ledger entry with the source import', async (t) => {
  const h = await adminHarness(t, seed);
  const answer = await upload(h, GOOD);
  assert.deepEqual(answer, { status: 201, type: 'application/json; charset=utf-8', text: '{"ok":true,"dry_run":false,"rows":2,"errors":[]}' });
  // Ordered by id: dave keeps 40, carol is numbered above it.
  assert.deepEqual(await usernames(h), ['admin', 'taken', 'dave', 'carol']);
  assert.equal((await h.operator.user('dave')).id, '40');
  const [carol] = await h.operator.history('carol');
  assert.deepEqual([carol?.amount, carol?.source, carol?.comment.startsWith('import request ')], ['10.5', 'import', true]);
  assert.deepEqual((await h.operator.history('dave')).map((entry) => [entry.amount, entry.source]), [['-2.25', 'import']]);
  const [audit] = await h.operator.audit(1);
  assert.deepEqual([audit?.action, audit?.actor], ['users.import', 'admin1']);
  await h.operator.assertVerified();
});

test('a dry run checks every line and writes nothing', async (t) => {
  const h = await adminHarness(t, seed);
  for (const query of ['?dry_run=true', '?dry_run=1']) {
    const answer = await upload(h, GOOD, { query });
    assert.deepEqual([answer.status, answer.text], [200, '{"ok":true,"dry_run":true,"rows":2,"errors":[]}']);
  }
  assert.deepEqual(await usernames(h), ['admin', 'taken']);
  const explicit = await upload(h, GOOD, { query: '?dry_run=false' });
  assert.equal(explicit.status, 201);
});

test('bad lines answer 422 with every bad line by number, in the CLI words, and write nothing', async (t) => {
  const h = await adminHarness(t, seed);
  const bad = 'username,currency,balance\ncarol,EUR,10.5\ntaken,USD,1\nerin,XYZ,1\nfrank,USD,1.1234567\ncarol,USD,0\n';
  const answer = await upload(h, bad);
  assert.equal(answer.status, 422);
  assert.equal(answer.type, 'application/problem+json; charset=utf-8');
  assert.deepEqual(JSON.parse(answer.text), {
    type: '/admin/docs#problem-invalid',
    title: 'Invalid request',
    status: 422,
    code: 'invalid',
    detail: '4 lines are wrong; nothing was written (line 3: user taken already exists)',
    errors: [
      { field: 'line 3', line: 3, message: 'user taken already exists' },
      { field: 'line 4', line: 4, message: 'unknown currency "XYZ"' },
      { field: 'line 5', line: 5, message: 'balance "1.1234567" has more than 6 fractional digits' },
      { field: 'line 6', line: 6, message: 'username carol repeats line 2' },
    ],
    ok: false,
    rows: 2,
    error_count: 4,
  });
  assert.deepEqual(await usernames(h), ['admin', 'taken']);
  const dry = await upload(h, bad, { query: '?dry_run=true' });
  assert.equal(dry.status, 422, 'a dry run reports the same lines');
  assert.equal(JSON.parse(dry.text).error_count, 4);
});

test('an empty body and a bad header are refused as lines', async (t) => {
  const h = await adminHarness(t, seed);
  const empty = await upload(h, '');
  assert.equal(empty.status, 422);
  assert.match(JSON.parse(empty.text).errors[0].message, /^the file is empty: expected the header username,currency,balance$/);
  const header = await upload(h, 'username,currency,balance,colour\n');
  assert.equal(header.status, 422);
  assert.deepEqual(JSON.parse(header.text).errors, [
    { field: 'line 1', line: 1, message: 'unknown column colour: the columns are id, username, currency, balance, uniquehash, first_name, last_name (id, uniquehash, first_name and last_name optional)' },
  ]);
  assert.deepEqual(await usernames(h), ['admin', 'taken']);
});

test('imports answer 401 without credentials and 403 to a viewer, writing nothing; an owner may import', async (t) => {
  const h = await adminHarness(t, seed);
  const anonymous = await fetch(`${h.adminUrl}/admin/v1/imports`, { method: 'POST', headers: CSV, body: GOOD });
  assert.equal(anonymous.status, 401);
  const viewer = await upload(h, GOOD, { token: h.tokens.viewer });
  assert.deepEqual([viewer.status, JSON.parse(viewer.text).code], [403, 'forbidden']);
  assert.deepEqual(await usernames(h), ['admin', 'taken']);
  assert.equal((await upload(h, GOOD, { token: h.tokens.owner })).status, 201);
});

test('a body that is not text/csv is a 415, a body over 64 MiB a 413, a bad dry_run a 422, each writing nothing', async (t) => {
  const h = await adminHarness(t, seed);
  const json = await upload(h, GOOD, { headers: { 'Content-Type': 'application/json' } });
  assert.deepEqual([json.status, JSON.parse(json.text).detail], [415, 'the body must be text/csv, not application/json']);
  const plain = await upload(h, GOOD, { headers: { 'Content-Type': 'text/plain' } });
  assert.equal(plain.status, 415);
  const big = Buffer.alloc(64 * 1024 * 1024 + 1, 'a');
  const tooLarge = await upload(h, big);
  assert.deepEqual([tooLarge.status, JSON.parse(tooLarge.text).code], [413, 'payload_too_large']);
  const dryRun = await upload(h, GOOD, { query: '?dry_run=maybe' });
  assert.deepEqual([dryRun.status, JSON.parse(dryRun.text).errors], [422, [{ field: 'dry_run', message: 'must be true or false, not "maybe"' }]]);
  assert.deepEqual(await usernames(h), ['admin', 'taken']);
  // The raw helper sends JSON by default: also a 415.
  assert.equal((await adminRequest(h, 'POST', '/admin/v1/imports', { token: h.tokens.admin, body: '{}' })).status, 415);
});

test('with an Idempotency-Key a replay answers the first answer (200) and imports nothing twice; another body or a ledger key is a 409', async (t) => {
  const h = await adminHarness(t, seed);
  const first = await upload(h, GOOD, { headers: { 'Idempotency-Key': 'import-1' } });
  assert.equal(first.status, 201);
  const replay = await upload(h, GOOD, { headers: { 'Idempotency-Key': 'import-1' } });
  assert.deepEqual([replay.status, replay.text], [200, first.text]);
  assert.deepEqual(await usernames(h), ['admin', 'taken', 'dave', 'carol']);
  const other = await upload(h, 'username,currency,balance\nerin,USD,1\n', { headers: { 'Idempotency-Key': 'import-1' } });
  assert.equal(other.status, 409);
  assert.equal(await h.operator.addBalance('taken', '1', { key: 'ledger-key' }), 'applied');
  const ledgerKey = await upload(h, 'username,currency,balance\nerin,USD,1\n', { headers: { 'Idempotency-Key': 'ledger-key' } });
  assert.deepEqual([ledgerKey.status, JSON.parse(ledgerKey.text).code], [409, 'conflict']);
  assert.deepEqual(await usernames(h), ['admin', 'taken', 'dave', 'carol']);
});
