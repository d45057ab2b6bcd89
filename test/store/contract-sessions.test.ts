/** Store contract, part 10: the admin console's sessions and the admin API's stored replies, on both backends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN, API, backendOptions, BACKENDS, byName, CLI, freshDb, newUser } from './backends.js';

const HASH = `scrypt$32768$8$3$${'s'.repeat(22)}$${'h'.repeat(43)}`;
const digest = (n: number): string => n.toString(16).padStart(64, '0');
const T0 = Date.UTC(2026, 11, 1, 18, 20, 44, 123);

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('sessions', () => {
      it('finds a session by its digest with its operator and times, and forgets it when deleted', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addOperator({ username: 'alice', role: 'admin', passwordHash: HASH }, CLI);
        await store.createSession(alice.id, digest(1), T0);
        const found = await store.findSession(digest(1));
        assert.deepEqual(found, { operator: alice, createdAt: '2026-12-01T18:20:44.123Z', lastSeenAt: '2026-12-01T18:20:44.123Z' });
        assert.equal(await store.findSession(digest(2)), undefined);
        await store.touchSession(digest(1), T0 + 61_000);
        assert.equal((await store.findSession(digest(1)))?.lastSeenAt, '2026-12-01T18:21:45.123Z');
        assert.equal((await store.findSession(digest(1)))?.createdAt, '2026-12-01T18:20:44.123Z');
        await store.deleteSession(digest(1));
        assert.equal(await store.findSession(digest(1)), undefined);
        await store.deleteSession(digest(1));
        await store.touchSession(digest(1), T0);
        assert.equal(await store.findSession(digest(1)), undefined, 'touching a deleted session brings nothing back');
      });

      it('ends every session of an operator whose password changes or who is removed, and no other', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addOperator({ username: 'alice', role: 'owner', passwordHash: HASH }, CLI);
        const bob = await store.addOperator({ username: 'bob', role: 'viewer', passwordHash: HASH }, CLI);
        await store.createSession(alice.id, digest(1), T0);
        await store.createSession(alice.id, digest(2), T0);
        await store.createSession(bob.id, digest(3), T0);
        assert.equal(await store.setOperatorPassword('ALICE', HASH.replace('h', 'x'), CLI), 'changed');
        assert.equal(await store.findSession(digest(1)), undefined);
        assert.equal(await store.findSession(digest(2)), undefined);
        assert.equal((await store.findSession(digest(3)))?.operator.username, 'bob');
        await store.createSession(bob.id, digest(4), T0);
        assert.equal(await store.removeOperator('bob', ADMIN), 'removed');
        assert.equal(await store.findSession(digest(3)), undefined);
        assert.equal(await store.findSession(digest(4)), undefined);
      });

      it('purges sessions created or last seen before the times given, keeping the others', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addOperator({ username: 'alice', role: 'admin', passwordHash: HASH }, CLI);
        await store.createSession(alice.id, digest(1), T0); // old, seen recently
        await store.touchSession(digest(1), T0 + 10_000);
        await store.createSession(alice.id, digest(2), T0 + 5_000); // recent, idle
        await store.createSession(alice.id, digest(3), T0 + 5_000); // recent, seen recently
        await store.touchSession(digest(3), T0 + 10_000);
        await store.purgeSessions(T0 + 1_000, T0 + 6_000);
        assert.equal(await store.findSession(digest(1)), undefined, 'created too long ago');
        assert.equal(await store.findSession(digest(2)), undefined, 'idle too long');
        assert.equal((await store.findSession(digest(3)))?.lastSeenAt, new Date(T0 + 10_000).toISOString());
      });

      it('refuses a session for an operator that does not exist', async (t) => {
        const { store } = await freshDb(t, backend);
        await assert.rejects(store.createSession(999, digest(1), T0));
        assert.equal(await store.findSession(digest(1)), undefined);
      });
    });

    describe('replies', () => {
      it('keeps the first reply stored for a key and answers it for every later save', async (t) => {
        const { store } = await freshDb(t, backend);
        assert.equal(await store.findReply('k-1'), undefined);
        const first = { requestDigest: 'a'.repeat(64), status: 201, body: '{"id":1,"amount":"2.5"}' };
        assert.deepEqual(await store.saveReply('k-1', first), first);
        const second = { requestDigest: 'b'.repeat(64), status: 200, body: '{"other":true}' };
        assert.deepEqual(await store.saveReply('k-1', second), first);
        assert.deepEqual(await store.findReply('k-1'), first);
        assert.equal(await store.findReply('K-1'), undefined, 'keys are compared exactly');
      });

      it('lets one of many saves of one key at once win, and answers every one with it', async (t) => {
        const { store, open } = await freshDb(t, backend);
        const other = await open();
        const replies = Array.from({ length: 8 }, (_, i) => ({ requestDigest: String(i).repeat(64), status: 201, body: `{"n":${i}}` }));
        const saved = await Promise.all(replies.map((reply, i) => (i % 2 === 0 ? store : other).saveReply('race', reply)));
        assert.equal(new Set(saved.map((reply) => reply.body)).size, 1);
        assert.deepEqual(await store.findReply('race'), saved[0]);
      });

      it('tells whether any ledger entry, of any source, or a stored reply has claimed an idempotency key', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice'), CLI);
        await store.applyBalanceChange({ user: byName('alice'), amount: 1n, by: API, comment: '', idempotencyKey: 'from-api' });
        await store.applyBalanceChange({ user: byName('alice'), amount: 1n, by: CLI, comment: '', idempotencyKey: 'from-cli' });
        assert.equal(await store.ledgerKeyTaken('from-api'), true);
        assert.equal(await store.ledgerKeyTaken('from-cli'), true);
        assert.equal(await store.ledgerKeyTaken('unused'), false);
        assert.equal(await store.ledgerKeyTaken('FROM-API'), false);
        await store.saveReply('reply-only', { requestDigest: 'c'.repeat(64), status: 201, body: '{}' });
        assert.equal(await store.ledgerKeyTaken('reply-only'), true, 'a stored reply claims its key: no other surface may use it');
      });
    });

    it('copies neither sessions nor replies, but keeps the keys replies claimed, and copies everything else as before', async (t) => {
      const { store } = await freshDb(t, backend);
      const alice = await store.addOperator({ username: 'alice', role: 'owner', passwordHash: HASH }, CLI);
      await store.createSession(alice.id, digest(1), T0);
      await store.saveReply('k', { requestDigest: 'a'.repeat(64), status: 201, body: '{}' });
      const target = await freshDb(t, backend, { initialize: false });
      await target.store.importTables(store.exportTables());
      assert.deepEqual(await target.store.summary(), await store.summary());
      assert.equal((await target.store.findOperator('alice'))?.id, alice.id);
      assert.equal(await target.store.findSession(digest(1)), undefined);
      assert.equal(await target.store.findReply('k'), undefined);
      // The key stays used: no surface may spend it on another change after the copy.
      assert.equal(await target.store.ledgerKeyTaken('k'), true);
      await target.store.addUser({ username: 'bob', currency: 'USD', balance: 0n, uniquehash: 'bobtoken1', role: 'user' }, CLI);
      const spent = await target.store.applyBalanceChange({ user: { usernameKey: 'bob' }, amount: 1n, by: CLI, comment: '', idempotencyKey: 'k' });
      assert.equal(spent.kind, 'duplicate_key');
    });
  });
}
