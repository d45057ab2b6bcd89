/** GET /admin/v1/currencies, PUT /admin/v1/currencies/{code}, GET …/{code}/history. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAnswer, post, signed } from '../http/helpers.js';
import { balanceXml } from '../support/spec-oracle.js';
import { adminHarness, adminRequest } from './helpers.js';

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('lists every currency with its rate as a string', async (t) => {
  const h = await adminHarness(t, { currencies: [{ code: 'EUR', rate: '0.92', name: 'Euro' }, { code: 'GBP', rate: '0.8', active: false }] });
  const listed = await h.as.viewer.GET('/admin/v1/currencies');
  assert.equal(listed.response.status, 200);
  // The system currency first, then by code.
  assert.deepEqual(listed.data?.data, [
    { code: 'USD', name: 'USD', rate: '1', active: true, system: true },
    { code: 'EUR', name: 'Euro', rate: '0.92', active: true, system: false },
    { code: 'GBP', name: 'GBP', rate: '0.8', active: false, system: false },
  ]);
});

test('PUT adds a currency (201), changes it (200), and the Kolmisoft API answers the new rate at once', async (t) => {
  const h = await adminHarness(t, { currencies: [{ code: 'EUR', rate: '0.5' }], users: [{ name: 'alice', balance: '10' }] });
  assertAnswer(await post(h, signed('alice', { currency: 'EUR' })), balanceXml('5.00'));
  const changed = await h.as.admin.PUT('/admin/v1/currencies/{code}', { params: { path: { code: 'eur' } }, body: { rate: '2', name: 'Euro' } });
  assert.equal(changed.response.status, 200);
  assert.deepEqual(changed.data, { code: 'EUR', name: 'Euro', rate: '2', active: true, system: false });
  assertAnswer(await post(h, signed('alice', { currency: 'EUR' })), balanceXml('20.00'));
  const added = await adminRequest(h, 'PUT', '/admin/v1/currencies/CHF', { token: h.tokens.admin, body: '{"rate":"0.88","active":false}' });
  assert.equal(added.status, 201);
  assert.equal(added.text, '{"code":"CHF","name":"CHF","rate":"0.88","active":false,"system":false}');
  assertAnswer(await post(h, signed('alice', { currency: 'CHF' })), balanceXml('8.80'));
});

test('the history lists rate changes newest first, naming the operator and the request', async (t) => {
  const h = await adminHarness(t, { currencies: [{ code: 'EUR', rate: '0.5' }] });
  const put = await adminRequest(h, 'PUT', '/admin/v1/currencies/EUR', { token: h.tokens.admin, body: '{"rate":"0.75"}' });
  assert.equal(put.status, 200);
  const history = await h.as.viewer.GET('/admin/v1/currencies/{code}/history', { params: { path: { code: 'EUR' } } });
  assert.equal(history.response.status, 200);
  const [newest, first] = history.data!.data;
  assert.match(newest!.created_at, TIME);
  assert.deepEqual({ ...newest, created_at: '' }, {
    old_rate: '0.5',
    new_rate: '0.75',
    source: 'admin',
    operator: 'admin1',
    request_id: put.headers.get('x-request-id'),
    created_at: '',
  });
  assert.deepEqual([first?.old_rate, first?.new_rate, first?.source], [null, '0.5', 'cli']);
  assert.equal(history.data?.data.length, 2);
  assert.equal(history.data?.next_cursor, null);
  const unknown = await adminRequest(h, 'GET', '/admin/v1/currencies/XYZ/history', { token: h.tokens.viewer });
  assert.equal(unknown.status, 404);
});

test('refuses a rate as a number, a bad rate, an unknown field, the system rate and a bad code, changing nothing', async (t) => {
  const h = await adminHarness(t, { currencies: [{ code: 'EUR', rate: '0.5' }] });
  const cases: [string, string, number, string][] = [
    ['EUR', '{"rate":2}', 422, 'rate'],
    ['EUR', '{"rate":"1e3"}', 422, 'rate'],
    ['EUR', '{"rate":"-1"}', 422, 'rate'],
    ['EUR', '{"name":"Euro"}', 422, 'rate'],
    ['EUR', '{"rate":"2","symbol":"€"}', 422, 'symbol'],
    ['EUR', '{"rate":"2","active":"yes"}', 422, 'active'],
    ['USD', '{"rate":"2"}', 422, 'rate'],
    ['USD', '{"rate":"1","active":false}', 422, 'active'],
    ['E!', '{"rate":"2"}', 422, 'code'],
  ];
  for (const [code, body, status, field] of cases) {
    const refused = await adminRequest(h, 'PUT', `/admin/v1/currencies/${encodeURIComponent(code)}`, { token: h.tokens.admin, body });
    assert.equal(refused.status, status, body);
    assert.deepEqual((refused.json as { errors: { field: string }[] }).errors.map((error) => error.field), [field], `${code} ${body}`);
  }
  const listed = await h.as.viewer.GET('/admin/v1/currencies');
  assert.deepEqual(listed.data?.data.map((currency) => [currency.code, currency.rate, currency.active]), [['USD', '1', true], ['EUR', '0.5', true]]);
});

test('answers 403 to a viewer changing a currency and 401 without credentials', async (t) => {
  const h = await adminHarness(t, { currencies: [{ code: 'EUR', rate: '0.5' }] });
  assert.equal((await adminRequest(h, 'PUT', '/admin/v1/currencies/EUR', { token: h.tokens.viewer, body: '{"rate":"2"}' })).status, 403);
  assert.equal((await adminRequest(h, 'PUT', '/admin/v1/currencies/EUR', { body: '{"rate":"2"}' })).status, 401);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/currencies')).status, 401);
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/currencies/EUR/history')).status, 401);
  const listed = await h.as.viewer.GET('/admin/v1/currencies');
  assert.equal(listed.data?.data.find((currency) => currency.code === 'EUR')?.rate, '0.5');
});
