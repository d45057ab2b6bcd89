/** The admin layer's throttle list and unblock, and the audit log's reading; both backends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listAudit } from '../../src/admin/audit.js';
import { listThrottled, unblockClient } from '../../src/admin/throttle.js';
import { addUser } from '../../src/admin/users.js';
import { BACKENDS, backendOptions, freshDb } from '../store/backends.js';
import { ACTOR, rejectsWithAdmin } from './admin-helpers.js';

const RULE = { limit: 2, windowMs: 60_000, cooldownMs: 60_000 };

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('the throttle', () => {
      it('lists counted and blocked addresses, and unblocks one written in any spelling of it', async (t) => {
        const { store } = await freshDb(t, backend);
        const now = Date.now();
        for (let i = 0; i < 2; i++) await store.recordAuthFailure('192.0.2.1', RULE, now);
        await store.recordAuthFailure('2001:db8::1', RULE, now);
        const listed = await listThrottled(store, now);
        assert.deepEqual(listed.map((c) => [c.address, c.failures, c.blockedUntilMs !== undefined]).sort(), [
          ['192.0.2.1', 2, true],
          ['2001:db8::1', 1, false],
        ]);
        assert.deepEqual(await unblockClient(store, '::ffff:192.0.2.1', ACTOR), { address: '192.0.2.1', unblocked: true });
        assert.deepEqual(await unblockClient(store, ' 2001:DB8:0::1 ', ACTOR), { address: '2001:db8::1', unblocked: true });
        assert.deepEqual(await listThrottled(store, now), []);
        assert.equal((await store.blockedClients(now)).size, 0);
        assert.deepEqual(await unblockClient(store, '192.0.2.1', ACTOR), { address: '192.0.2.1', unblocked: false });
        const [audit] = await store.auditEntries(1);
        assert.deepEqual([audit?.action, audit?.actor], ['throttle.unblock', 'cli:tester']);
      });

      it('refuses what is no address', async (t) => {
        const { store } = await freshDb(t, backend);
        for (const bad of ['', 'example.com', '192.0.2.300', '10.0.0.0/8']) {
          await rejectsWithAdmin(unblockClient(store, bad, ACTOR), 'invalid', { entity: 'address', value: bad });
        }
      });
    });

    describe('the audit log', () => {
      it('lists the newest entries first, as many as asked, and pages back from an id', async (t) => {
        const { store } = await freshDb(t, backend);
        for (const username of ['a', 'b', 'c']) await addUser(store, { username }, ACTOR);
        const [c, b, a] = await listAudit(store, { limit: '3' });
        assert.deepEqual([c?.action, b?.action, a?.action], ['user.add', 'user.add', 'user.add']);
        assert.ok(c!.id > b!.id && b!.id > a!.id);
        assert.deepEqual((await listAudit(store, { limit: 1, before: c!.id })).map((entry) => entry.id), [b!.id]);
        assert.ok((await listAudit(store)).length >= 3);
        await rejectsWithAdmin(listAudit(store, { limit: '0' }), 'invalid', { entity: 'limit' });
      });
    });
  });
}
