/** Store contract: the events outbox is written in the transaction of the change that causes it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BalanceChange } from '../../src/store/store.js';
import { API, backendOptions, BACKENDS, CLI, freshDb, money, newUser, rate, type TestDb } from './backends.js';

interface EventRow {
  type: string;
  user_id: unknown;
  data: string;
}

async function events(db: TestDb): Promise<{ type: string; userId: number | null; data: unknown }[]> {
  const rows = (await db.sql('SELECT type, user_id, data FROM events ORDER BY id')) as EventRow[];
  return rows.map((row) => ({ type: row.type, userId: row.user_id === null ? null : Number(row.user_id), data: JSON.parse(row.data) }));
}

function change(userId: number, amount: string, fields: Partial<BalanceChange> = {}): BalanceChange {
  return { by: API, comment: '', user: { id: userId }, amount: money(amount), ...fields };
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    it('writes user.created and balance.changed with money as six-digit decimal text', async (t) => {
      const db = await freshDb(t, backend);
      await db.sql('DELETE FROM events');
      const alice = await db.store.addUser(newUser('Alice', { balance: money('10') }), CLI);
      const result = await db.store.applyBalanceChange(change(alice.id, '-2.5'));
      assert.equal(result.kind, 'applied');
      const entryId = result.kind === 'applied' ? result.entry.id : 0;
      const user = { id: alice.id, username: 'Alice' };
      const all = await events(db);
      assert.deepEqual(all.map((e) => e.type), ['user.created', 'balance.changed', 'balance.changed']);
      assert.deepEqual(all[0]!.data, { user });
      assert.deepEqual(all[2], {
        type: 'balance.changed',
        userId: alice.id,
        data: { user, entry: { id: entryId, amount: '-2.500000', balance_after: '7.500000', source: 'api' } },
      });
    });

    it('fires balance.low once per downward crossing of the global threshold, and again only after rising above it', async (t) => {
      const db = await freshDb(t, backend);
      await db.store.writeSettings(new Map([['warning_balance', '5.0']]), CLI);
      const bob = await db.store.addUser(newUser('Bob', { balance: money('10') }), CLI);
      await db.sql('DELETE FROM events');
      for (const amount of ['-5', '-1', '1', '-1', '0.000001', '-0.000002']) assert.equal((await db.store.applyBalanceChange(change(bob.id, amount))).kind, 'applied');
      const low = (await events(db)).filter((e) => e.type === 'balance.low');
      // 10 -> 5 (at, no), 5 -> 4 (fires), 4 -> 5 (at: still disarmed), 5 -> 4 (no), 4 -> 4.000001, 4.000001 -> 3.999999 (no: never above 5)
      assert.deepEqual(low, [{ type: 'balance.low', userId: bob.id, data: { user: { id: bob.id, username: 'Bob' }, balance: '4.000000', warning_balance: '5.000000' } }]);
      for (const amount of ['2', '-2']) await db.store.applyBalanceChange(change(bob.id, amount));
      // 3.999999 -> 5.999999 re-arms, -> 3.999999 fires again.
      assert.equal((await events(db)).filter((e) => e.type === 'balance.low').length, 2);
    });

    it("takes the user's own warning balance over the global one, from an operator's balance set too", async (t) => {
      const db = await freshDb(t, backend);
      await db.store.writeSettings(new Map([['warning_balance', '5.0']]), CLI);
      const carol = await db.store.addUser(newUser('Carol', { balance: money('10') }), CLI);
      await db.store.updateUser({ id: carol.id }, { warningBalance: money('8') }, CLI);
      assert.equal((await db.store.updateUser({ id: carol.id }, {}, CLI)).warningBalance, money('8'));
      await db.sql('DELETE FROM events');
      await db.store.updateUser({ id: carol.id }, { balance: money('7') }, CLI);
      const low = (await events(db)).filter((e) => e.type === 'balance.low');
      assert.deepEqual(low.map((e) => e.data), [{ user: { id: carol.id, username: 'Carol' }, balance: '7.000000', warning_balance: '8.000000' }]);
      await db.store.updateUser({ id: carol.id }, { warningBalance: null }, CLI);
      assert.equal((await db.store.updateUser({ id: carol.id }, {}, CLI)).warningBalance, undefined);
    });

    it('writes payment.created after the balance.changed of its entry', async (t) => {
      const db = await freshDb(t, backend);
      const gina = await db.store.addUser(newUser('Gina'), CLI);
      const [currency] = await db.store.listCurrencies();
      await db.sql('DELETE FROM events');
      const result = await db.store.applyBalanceChange(change(gina.id, '3', { payment: { currency: currency!.code, amount: money('3'), rate: rate('1') } }));
      assert.equal(result.kind, 'applied');
      const all = await events(db);
      assert.deepEqual(all.map((e) => e.type), ['balance.changed', 'payment.created']);
      assert.deepEqual(all[1]!.data, {
        user: { id: gina.id, username: 'Gina' },
        payment: { entry_id: result.kind === 'applied' ? result.entry.id : 0, amount: '3.000000', currency: currency!.code, currency_amount: '3.000000', rate: '1' },
      });
    });

    it('writes payment.created, user.closed and settings.changed (names only, never a value)', async (t) => {
      const db = await freshDb(t, backend);
      const dave = await db.store.addUser(newUser('Dave'), CLI);
      await db.sql('DELETE FROM events');
      await db.store.updateUser({ id: dave.id }, { status: 'closed' }, CLI);
      await db.store.writeSettings(new Map([['signature_key', 'secret-value-1'], ['allow_api', '1']]), CLI);
      const all = await events(db);
      assert.deepEqual(all, [
        { type: 'user.closed', userId: dave.id, data: { user: { id: dave.id, username: 'Dave' } } },
        { type: 'settings.changed', userId: null, data: { names: ['allow_api', 'signature_key'] } },
      ]);
      assert.ok(!JSON.stringify(all).includes('secret-value-1'));
    });

    it('writes no event for a change that rolls back', async (t) => {
      const db = await freshDb(t, backend);
      const erin = await db.store.addUser(newUser('Erin', { balance: money('1') }), CLI);
      await db.store.applyBalanceChange(change(erin.id, '1', { idempotencyKey: 'k1' }));
      await db.sql('DELETE FROM events');
      // A balance set, then a token already taken in the same change: the entry is written, then rolled back with it.
      const frank = await db.store.addUser(newUser('Frank'), CLI);
      await db.store.writeSettings(new Map([['warning_balance', '0']]), CLI);
      await db.sql('DELETE FROM events');
      await assert.rejects(db.store.updateUser({ id: erin.id }, { balance: money('-3'), uniquehash: frank.uniquehash }, CLI));
      assert.equal((await db.store.updateUser({ id: erin.id }, {}, CLI)).balance, money('2'));
      // A replayed key and a change out of range write nothing either.
      assert.equal((await db.store.applyBalanceChange(change(erin.id, '1', { idempotencyKey: 'k1' }))).kind, 'replayed');
      assert.equal((await db.store.applyBalanceChange(change(erin.id, '999999999999'))).kind, 'out_of_range');
      assert.deepEqual(await events(db), []);
    });
  });
}
