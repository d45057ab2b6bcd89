import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAdminClient } from '../../src/admin-client/index.js';
import { startTestServer } from '../support/fixtures.js';
import { adminHarness } from './helpers.js';

test('concurrent adjustments with distinct keys through two nodes on one database all apply, once each', async (t) => {
  const h = await adminHarness(t, { users: [{ name: 'alice', balance: '1' }] });
  const second = await startTestServer(h.db, { init: false });
  t.after(() => second.close());
  const nodes = [h.as.admin, createAdminClient(second.adminUrl!, { token: h.tokens.admin })];
  const adjust = (node: number, key: string) =>
    nodes[node]!.POST('/admin/v1/users/{id}/adjustments', {
      params: { path: { id: '1' }, header: { 'Idempotency-Key': key } },
      body: { amount: '0.01', comment: 'top-up' },
    });
  const first = await Promise.all(Array.from({ length: 40 }, (_, i) => adjust(i % 2, `key-${i}`)));
  assert.deepEqual(new Set(first.map((answer) => answer.response.status)), new Set([201]));
  // Each key sent again, to the other node, at once: nothing changes twice.
  const again = await Promise.all(Array.from({ length: 40 }, (_, i) => adjust((i + 1) % 2, `key-${i}`)));
  assert.deepEqual(new Set(again.map((answer) => answer.response.status)), new Set([200]));
  again.forEach((answer, i) => assert.deepEqual(answer.data, first[i]!.data, `key-${i} answers its first entry`));
  const user = await nodes[1]!.GET('/admin/v1/users/{id}', { params: { path: { id: '1' } } });
  assert.equal(user.data?.balance, '1.4');
  const ledger = await nodes[0]!.GET('/admin/v1/users/{id}/ledger', { params: { path: { id: '1' }, query: { limit: '500' } } });
  assert.equal(ledger.data?.data.filter((entry) => entry.source === 'admin').length, 40);
  const verify = await nodes[1]!.POST('/admin/v1/verify', {});
  assert.equal(verify.data?.ok, true);
});
