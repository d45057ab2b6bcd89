/** The admin layer's balance operations: adjustments with keys, history, verify; both backends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adjustBalance, balanceHistory, verifyDatabase } from '../../src/admin/balances.js';
import { addUser } from '../../src/admin/users.js';
import { BACKENDS, backendOptions, freshDb, rawMoney, snapshot } from '../store/backends.js';
import { ACTOR, API_OPERATOR, rejectsWithAdmin } from './admin-helpers.js';

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('adjusting a balance', () => {
      it('adds a signed amount as one entry with its comment, key and actor', async (t) => {
        const { store } = await freshDb(t, backend);
        await addUser(store, { username: 'alice', balance: '10' }, ACTOR);
        const result = await adjustBalance(store, { username: 'ALICE' }, { amount: '-3.5', comment: 'call 42', key: 'k-1' }, API_OPERATOR);
        assert.equal(result.kind, 'applied');
        assert.equal(result.username, 'alice');
        const { entry } = result;
        assert.deepEqual(
          [entry.amount, entry.balanceAfter, entry.comment, entry.idempotencyKey, entry.source, entry.actor, entry.requestId],
          [-3_500_000n, 6_500_000n, 'call 42', 'k-1', 'admin', 'ops@example.com', 'req-1'],
        );
      });

      it('changes nothing twice for a retried key, and refuses the key with another amount or user', async (t) => {
        const { store } = await freshDb(t, backend);
        await addUser(store, { username: 'alice' }, ACTOR);
        await addUser(store, { username: 'bob' }, ACTOR);
        const first = await adjustBalance(store, { username: 'alice' }, { amount: '2', key: 'once' }, ACTOR);
        const before = await snapshot(store);
        const again = await adjustBalance(store, { username: 'alice' }, { amount: '2.000', key: 'once' }, ACTOR);
        assert.deepEqual([again.kind, again.entry.id], ['replayed', first.entry.id]);
        await rejectsWithAdmin(adjustBalance(store, { username: 'alice' }, { amount: '3', key: 'once' }, ACTOR), 'conflict', { entity: 'key', value: 'once', reason: 'duplicate_key' });
        await rejectsWithAdmin(adjustBalance(store, { username: 'bob' }, { amount: '2', key: 'once' }, ACTOR), 'conflict', { reason: 'duplicate_key' });
        assert.equal(await snapshot(store), before);
      });

      it('refuses zero, bad amounts, comments and keys, an unknown user and a balance out of range, changing nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await addUser(store, { username: 'alice', balance: '999999999999' }, ACTOR);
        const before = await snapshot(store);
        const refusals: [input: { amount: string; comment?: string; key?: string }, fields: Record<string, string>][] = [
          [{ amount: '0' }, { entity: 'amount', field: 'amount', reason: 'zero' }],
          [{ amount: '-0.000' }, { reason: 'zero' }],
          [{ amount: '1e3' }, { reason: 'not-a-decimal', value: '1e3' }],
          [{ amount: '1000000000000' }, { reason: 'out-of-range' }],
          [{ amount: '1', comment: 'two\nlines' }, { entity: 'comment', field: 'comment', reason: 'control_character' }],
          [{ amount: '1', comment: 'x'.repeat(501) }, { entity: 'comment', reason: 'too_long' }],
          [{ amount: '1', key: '' }, { entity: 'key', field: 'key' }],
          [{ amount: '1', key: 'k'.repeat(129) }, { entity: 'key' }],
          [{ amount: '1' }, { entity: 'amount', reason: 'balance_out_of_range' }],
        ];
        for (const [input, fields] of refusals) await rejectsWithAdmin(adjustBalance(store, { username: 'alice' }, input, ACTOR), 'invalid', fields);
        await rejectsWithAdmin(adjustBalance(store, { username: 'nobody' }, { amount: '1' }, ACTOR), 'not_found', { entity: 'user', value: 'nobody' });
        assert.equal(await snapshot(store), before);
      });
    });

    it('gives a user history newest first, as many as the limit asks, and refuses a bad limit', async (t) => {
      const { store } = await freshDb(t, backend);
      await addUser(store, { username: 'alice', balance: '1' }, ACTOR);
      for (const amount of ['2', '3']) await adjustBalance(store, { username: 'alice' }, { amount }, ACTOR);
      const { user, entries } = await balanceHistory(store, { username: 'alice' });
      assert.equal(user.username, 'alice');
      assert.deepEqual(entries.map((e) => e.amount), [3_000_000n, 2_000_000n, 1_000_000n]);
      assert.equal((await balanceHistory(store, { username: 'alice' }, { limit: '1' })).entries.length, 1);
      await rejectsWithAdmin(balanceHistory(store, { username: 'alice' }, { limit: '0' }), 'invalid', { entity: 'limit' });
      await rejectsWithAdmin(balanceHistory(store, { username: 'nobody' }), 'not_found');
    });

    it('verify says ok on a clean database, and names the users whose balance no longer matches the ledger', async (t) => {
      const { store, sql } = await freshDb(t, backend);
      await addUser(store, { username: 'alice', balance: '10' }, ACTOR);
      await addUser(store, { username: 'bob', balance: '5' }, ACTOR);
      const clean = await verifyDatabase(store);
      assert.deepEqual([clean.ok, clean.users, clean.entries, clean.mismatches.length, clean.collisions.length], [true, 3, 2, 0, 0]);
      await sql('UPDATE users SET balance = ? WHERE username = ?', [rawMoney(backend, 11_000_000n), 'alice']);
      const report = await verifyDatabase(store);
      assert.equal(report.ok, false);
      assert.deepEqual(
        report.mismatches.map((m) => [m.username, m.balance, m.ledgerSum]),
        [['alice', 11_000_000n, 10_000_000n]],
      );
    });
  });
}
