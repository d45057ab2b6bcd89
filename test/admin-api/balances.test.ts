/** POST /admin/v1/users/{id}/adjustments: one ledger entry per change, Idempotency-Key replays, refusals that change nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAnswer, post, signed } from '../http/helpers.js';
import { update, UPDATE_PATH } from '../http/write-helpers.js';
import { balanceXml } from '../support/spec-oracle.js';
import { adminHarness, adminRequest, type AdminHarness } from './helpers.js';

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ADJUST = '/admin/v1/users/1/adjustments';

function adjust(h: AdminHarness, body: string, key?: string) {
  return adminRequest(h, 'POST', ADJUST, { token: h.tokens.admin, body, ...(key !== undefined && { headers: { 'Idempotency-Key': key } }) });
}

async function assertUnchanged(h: AdminHarness, balance: string, entries: number): Promise<void> {
  assert.equal((await h.operator.user('alice')).balance, balance);
  assert.equal((await h.operator.history('alice')).length, entries);
  await h.operator.assertVerified();
}

test('an adjustment is exactly one ledger entry, naming the operator and the request, and the Kolmisoft API answers the new balance', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  const made = await h.as.admin.POST('/admin/v1/users/{id}/adjustments', {
    params: { path: { id: '1' } },
    body: { amount: '-3.333333', comment: 'refund, ticket 7' },
  });
  assert.equal(made.response.status, 201);
  const requestId = made.response.headers.get('x-request-id');
  const { id, created_at: createdAt, ...rest } = made.data!;
  assert.match(createdAt, TIME);
  assert.deepEqual(rest, {
    user_id: 1,
    username: 'alice',
    amount: '-3.333333',
    balance_after: '6.666667',
    source: 'admin',
    comment: 'refund, ticket 7',
    idempotency_key: null,
    operator: 'admin1',
    request_id: requestId,
  });
  const entries = await h.operator.history('alice');
  assert.deepEqual(entries.map((entry) => [entry.id, entry.amount, entry.source, entry.comment]), [
    [id, '-3.333333', 'admin', 'refund, ticket 7'],
    [entries[1]!.id, '10.0', 'cli', 'opening balance'],
  ]);
  assertAnswer(await post(h, signed('alice')), balanceXml('6.67'));
  await h.operator.assertVerified();
});

test('the same Idempotency-Key with the same body answers the same bytes with 200 and changes nothing', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  const body = '{"amount":"2.5","comment":"bonus"}';
  const first = await adjust(h, body, 'bonus-2026-12');
  assert.equal(first.status, 201);
  assert.equal((first.json as { idempotency_key: string }).idempotency_key, 'bonus-2026-12');
  const second = await adjust(h, body, 'bonus-2026-12');
  assert.equal(second.status, 200);
  assert.equal(second.text, first.text);
  await assertUnchanged(h, '12.5', 2);
});

test('the same Idempotency-Key with another body is a 409 and changes nothing', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  assert.equal((await adjust(h, '{"amount":"2.5","comment":"bonus"}', 'k-1')).status, 201);
  for (const body of ['{"amount":"3","comment":"bonus"}', '{"amount":"2.5","comment":"other"}']) {
    const refused = await adjust(h, body, 'k-1');
    assert.equal(refused.status, 409, body);
    assert.deepEqual(refused.json, {
      type: '/admin/docs#problem-conflict',
      title: 'Conflict',
      status: 409,
      code: 'conflict',
      detail: 'the Idempotency-Key was used before for another request; nothing changed',
    });
  }
  await assertUnchanged(h, '12.5', 2);
});

test('a key the Kolmisoft API used as transaction_id is a 409, even for the same user and amount', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  const updated = await post(h, update('1', '4', { transaction_id: 'txn-42' }), UPDATE_PATH);
  assert.equal(updated.status, 200, updated.body);
  for (const body of ['{"amount":"4","comment":"x"}', '{"amount":"5","comment":"x"}']) {
    const refused = await adjust(h, body, 'txn-42');
    assert.equal(refused.status, 409, body);
  }
  await assertUnchanged(h, '14.0', 2);
});

test('a key of 255 printable characters is taken, one the CLI wrote with the same change is still a 409', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  const long = 'k'.repeat(200) + ' ~!@#$%^&*()'.padEnd(55, '.');
  assert.equal(long.length, 255);
  const made = await adjust(h, '{"amount":"1","comment":"long key"}', long);
  assert.equal(made.status, 201);
  assert.equal((made.json as { idempotency_key: string }).idempotency_key, long);
  const tooLong = await adjust(h, '{"amount":"1","comment":"long key"}', long + 'k');
  assert.equal(tooLong.status, 422);
  assert.deepEqual((tooLong.json as { errors: { field: string }[] }).errors.map((error) => error.field), ['Idempotency-Key']);
  assert.equal(await h.operator.addBalance('alice', '2', { key: 'cli-key', comment: 'same' }), 'applied');
  assert.equal((await adjust(h, '{"amount":"2","comment":"same"}', 'cli-key')).status, 409);
  await assertUnchanged(h, '13.0', 3);
});

test('concurrent adjustments with distinct keys all apply', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '0' }] });
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => adjust(h, `{"amount":"1.5","comment":"n${i}"}`, `parallel-${i}`)));
  assert.deepEqual(answers.map((answer) => answer.status), Array.from({ length: 20 }, () => 201));
  await assertUnchanged(h, '30.0', 20);
  assertAnswer(await post(h, signed('alice')), balanceXml('30.00'));
});

test('refuses bad input with a problem naming the field, and changes nothing', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  const cases: [string, number, string][] = [
    ['{"amount":1.5,"comment":"x"}', 422, 'amount'],
    ['{"amount":"1.5"}', 422, 'comment'],
    ['{"comment":"x"}', 422, 'amount'],
    ['{"amount":"1.5","comment":"x","currency":"EUR"}', 422, 'currency'],
    ['{"amount":"1.1234567","comment":"x"}', 422, 'amount'],
    ['{"amount":"1e3","comment":"x"}', 422, 'amount'],
    ['{"amount":"0","comment":"x"}', 422, 'amount'],
    ['{"amount":"-0.000000","comment":"x"}', 422, 'amount'],
    ['{"amount":"99999999999999","comment":"x"}', 422, 'amount'],
    ['{"amount":"1","comment":"a\\nb"}', 422, 'comment'],
  ];
  for (const [body, status, field] of cases) {
    const refused = await adjust(h, body, `bad-${body}`.slice(0, 255));
    assert.equal(refused.status, status, body);
    assert.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.deepEqual((refused.json as { errors: { field: string }[] }).errors.map((error) => error.field), [field], body);
  }
  const malformed = await adjust(h, '{"amount":"1",');
  assert.equal(malformed.status, 400);
  assert.equal((malformed.json as { code: string }).code, 'malformed');
  await assertUnchanged(h, '10.0', 1);
});

test('a closed user takes no adjustment (409), an unknown one is a 404', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '10' }] });
  await h.as.admin.PATCH('/admin/v1/users/{id}', { params: { path: { id: '1' } }, body: { status: 'closed' } });
  const closed = await adjust(h, '{"amount":"1","comment":"x"}');
  assert.equal(closed.status, 409);
  assert.equal((closed.json as { detail: string }).detail, 'user alice is closed: reopen it first; nothing changed');
  const unknown = await adminRequest(h, 'POST', '/admin/v1/users/77/adjustments', { token: h.tokens.admin, body: '{"amount":"1","comment":"x"}' });
  assert.equal(unknown.status, 404);
  await assertUnchanged(h, '10.0', 1);
});
