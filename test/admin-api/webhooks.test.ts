/** The admin API's webhook endpoints: GET/POST /admin/v1/webhooks, DELETE /admin/v1/webhooks/{id}, POST …/{id}/rotate-secret. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminHarness, adminRequest } from './helpers.js';

const SECRET = /^whsec_[A-Za-z0-9+/]{32}$/;

test('an owner adds an endpoint (its secret answered once), lists it without the secret, rotates and removes it', async (t) => {
  const h = await adminHarness(t);
  await h.operator.set('webhook_allow_private', 'on');
  const body = JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['balance.low', 'balance.changed'] });
  const added = await adminRequest(h, 'POST', '/admin/v1/webhooks', { token: h.tokens.owner, body });
  assert.equal(added.status, 201);
  const endpoint = added.json as { id: number; url: string; events: string[]; state: string; secret: string; created_at: string };
  assert.deepEqual([endpoint.url, endpoint.events, endpoint.state], ['http://127.0.0.1:9/hook', ['balance.changed', 'balance.low'], 'enabled']);
  assert.match(endpoint.secret, SECRET);
  const listed = await adminRequest(h, 'GET', '/admin/v1/webhooks', { token: h.tokens.owner });
  assert.equal(listed.status, 200);
  assert.deepEqual(listed.json, { data: [{ id: endpoint.id, url: endpoint.url, events: endpoint.events, state: 'enabled', created_at: endpoint.created_at }], next_cursor: null });
  assert.ok(!listed.text.includes(endpoint.secret));
  const rotated = await adminRequest(h, 'POST', `/admin/v1/webhooks/${endpoint.id}/rotate-secret`, { token: h.tokens.owner });
  assert.equal(rotated.status, 200);
  const { secret } = rotated.json as { secret: string };
  assert.match(secret, SECRET);
  assert.notEqual(secret, endpoint.secret);
  assert.equal((await adminRequest(h, 'DELETE', `/admin/v1/webhooks/${endpoint.id}`, { token: h.tokens.owner })).status, 204);
  const gone = await adminRequest(h, 'DELETE', `/admin/v1/webhooks/${endpoint.id}`, { token: h.tokens.owner });
  assert.deepEqual([gone.status, (gone.json as { code: string }).code], [404, 'not_found']);
  assert.deepEqual((await adminRequest(h, 'GET', '/admin/v1/webhooks', { token: h.tokens.owner })).json, { data: [], next_cursor: null });
});

test('webhooks answer 401 without credentials and 403 to a viewer or an admin', async (t) => {
  const h = await adminHarness(t);
  const body = JSON.stringify({ url: 'https://hooks.example.com/x', events: ['balance.low'] });
  assert.equal((await adminRequest(h, 'GET', '/admin/v1/webhooks')).status, 401);
  for (const role of ['viewer', 'admin'] as const) {
    for (const [method, path, withBody] of [
      ['GET', '/admin/v1/webhooks', undefined],
      ['POST', '/admin/v1/webhooks', body],
      ['DELETE', '/admin/v1/webhooks/1', undefined],
      ['POST', '/admin/v1/webhooks/1/rotate-secret', undefined],
    ] as const) {
      const answer = await adminRequest(h, method, path, { token: h.tokens[role], ...(withBody !== undefined && { body: withBody }) });
      assert.deepEqual([answer.status, (answer.json as { code: string }).code], [403, 'forbidden'], `${role} ${method} ${path}`);
    }
  }
});

test('a bad URL, a private destination, an unknown event type and a bad id are problems that change nothing', async (t) => {
  const h = await adminHarness(t);
  const refused = async (url: string, events: string[]) => {
    const answer = await adminRequest(h, 'POST', '/admin/v1/webhooks', { token: h.tokens.owner, body: JSON.stringify({ url, events }) });
    assert.equal(answer.status, 422, url);
    return (answer.json as { detail: string }).detail;
  };
  assert.match(await refused('ftp://example.com/x', ['balance.low']), /http:\/\/ or https:\/\//);
  assert.match(await refused('not a url', ['balance.low']), /absolute URL/);
  for (const url of ['http://127.0.0.1/x', 'http://localhost:8080/x', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://10.1.2.3/x', 'http://[::ffff:192.168.0.1]/x']) {
    assert.match(await refused(url, ['balance.low']), /webhook_allow_private/, url);
  }
  assert.match(await refused('https://hooks.example.com/x', ['balance.lowish']), /no event type "balance.lowish"/);
  assert.match(await refused('https://hooks.example.com/x', []), /no event type/);
  const badId = await adminRequest(h, 'DELETE', '/admin/v1/webhooks/abc', { token: h.tokens.owner });
  assert.equal(badId.status, 422);
  assert.deepEqual((await adminRequest(h, 'GET', '/admin/v1/webhooks', { token: h.tokens.owner })).json, { data: [], next_cursor: null });
});
