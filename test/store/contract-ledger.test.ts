/** Store contract, part 4: balance changes, idempotency, concurrency and the ledger. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BalanceChange, BalanceChangeResult, Store } from '../../src/store/store.js';
import { API, backendOptions, BACKENDS, byName, CLI, freshDb, ISO_UTC, money, newUser, rawMoney, snapshot } from './backends.js';

function change(fields: Partial<BalanceChange> & Pick<BalanceChange, 'user' | 'amount'>): BalanceChange {
  return { by: API, comment: '', ...fields };
}

function applied(result: BalanceChangeResult): Extract<BalanceChangeResult, { kind: 'applied' | 'replayed' }> {
  assert.ok(result.kind === 'applied' || result.kind === 'replayed', `expected a change, got ${result.kind}`);
  return result;
}

async function balanceOf(store: Store, key: string): Promise<bigint | undefined> {
  return (await store.findBalanceView(key))?.balance;
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('applyBalanceChange', () => {
      it('applies a change by id or by folded key and returns the new entry and the username', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('Alice', { balance: money('10') }), CLI);
        const byId = applied(await store.applyBalanceChange(change({ user: { id: alice.id }, amount: money('2.5'), comment: 'top-up', idempotencyKey: 'tx-1' })));
        assert.equal(byId.kind, 'applied');
        assert.equal(byId.username, 'Alice');
        const { id, createdAt, ...rest } = byId.entry;
        assert.deepEqual(rest, {
          userId: alice.id,
          amount: 2_500_000n,
          balanceAfter: 12_500_000n,
          source: 'api',
          comment: 'top-up',
          idempotencyKey: 'tx-1',
          actor: API.name,
          requestId: API.requestId,
        });
        assert.match(createdAt, ISO_UTC);
        const byKey = applied(await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: money('-0.5'), by: CLI })));
        assert.equal(byKey.kind, 'applied');
        assert.equal(byKey.entry.idempotencyKey, undefined);
        assert.equal(byKey.entry.balanceAfter, 12_000_000n);
        assert.ok(byKey.entry.id > id);
        assert.equal(await balanceOf(store, 'alice'), 12_000_000n);
        assert.deepEqual((await store.ledgerEntries(alice.id, 2)).map((e) => e.id), [byKey.entry.id, id]);
        assert.deepEqual((await store.ledgerEntries(alice.id, 1))[0], byKey.entry);
      });

      it('answers user_not_found for an unknown id, key or unfolded key, writes nothing and does not use up the key', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('Alice'), CLI);
        const before = await snapshot(store);
        assert.deepEqual(await store.applyBalanceChange(change({ user: { id: 999_999 }, amount: 1n, idempotencyKey: 'k' })), { kind: 'user_not_found' });
        assert.deepEqual(await store.applyBalanceChange(change({ user: { usernameKey: 'bob' }, amount: 1n, idempotencyKey: 'k' })), { kind: 'user_not_found' });
        assert.deepEqual(await store.applyBalanceChange(change({ user: { usernameKey: 'Alice' }, amount: 1n, idempotencyKey: 'k' })), { kind: 'user_not_found' });
        assert.equal(await snapshot(store), before);
        assert.equal((await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: 1n, idempotencyKey: 'k' }))).kind, 'applied');
      });

      it('applies negative amounts, taking a balance below zero', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice', { balance: money('1') }), CLI);
        const result = applied(await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: money('-3.75') })));
        assert.deepEqual([result.entry.amount, result.entry.balanceAfter], [-3_750_000n, -2_750_000n]);
        assert.equal(await balanceOf(store, 'alice'), -2_750_000n);
      });

      it('sums exactly: 0.1 + 0.2 is 0.3 and a thousand millionths are 0.001', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice'), CLI);
        await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: money('0.1') }));
        const sum = applied(await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: money('0.2') })));
        assert.equal(sum.entry.balanceAfter, money('0.3'));
        assert.equal(await balanceOf(store, 'alice'), 300_000n);
        await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: money('-0.3') }));
        for (let i = 0; i < 1000; i++) await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: 1n }));
        assert.equal(await balanceOf(store, 'alice'), money('0.001'));
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
      });

      it('refuses a change that would take the balance to ±10^12 units or beyond with out_of_range, writing nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('high', { balance: money('999999999999.999998') }), CLI);
        await store.addUser(newUser('low', { balance: money('-999999999999.999998') }), CLI);
        await store.addUser(newUser('zero'), CLI);
        assert.equal(applied(await store.applyBalanceChange(change({ user: { usernameKey: 'high' }, amount: 1n }))).entry.balanceAfter, money('999999999999.999999'));
        assert.equal(applied(await store.applyBalanceChange(change({ user: { usernameKey: 'low' }, amount: -1n }))).entry.balanceAfter, money('-999999999999.999999'));
        const before = await snapshot(store);
        const refused = [
          change({ user: { usernameKey: 'high' }, amount: 1n }),
          change({ user: { usernameKey: 'low' }, amount: -1n, idempotencyKey: 'low-1' }),
          change({ user: { usernameKey: 'zero' }, amount: 10n ** 18n }),
          change({ user: { usernameKey: 'zero' }, amount: -(10n ** 18n) }),
          change({ user: { usernameKey: 'zero' }, amount: -money('999999999999') * 1000n }),
          change({ user: { usernameKey: 'high' }, amount: money('999999999999.999999') * 10n }),
        ];
        for (const c of refused) assert.deepEqual(await store.applyBalanceChange(c), { kind: 'out_of_range' });
        assert.equal(await snapshot(store), before);
      });

      it('a replay with the same key, user and amount returns the first entry and changes nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('Alice'), CLI);
        const first = applied(await store.applyBalanceChange(change({ user: { id: alice.id }, amount: money('1.5'), idempotencyKey: 'tx-42', comment: 'first' })));
        const again = await store.applyBalanceChange(change({ user: { id: alice.id }, amount: money('1.5'), idempotencyKey: 'tx-42', comment: 'retry' }));
        assert.deepEqual(again, { kind: 'replayed', entry: first.entry, username: 'Alice' });
        const byKey = await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: money('1.5'), idempotencyKey: 'tx-42' }));
        assert.deepEqual(byKey, { kind: 'replayed', entry: first.entry, username: 'Alice' });
        assert.equal(await balanceOf(store, 'alice'), 1_500_000n);
        assert.equal((await store.ledgerEntries(alice.id, 10)).length, 1);
      });

      it('the same key with another amount or another user is duplicate_key, with no such user user_not_found, and changes nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice'), CLI);
        const bob = await store.addUser(newUser('bob'), CLI);
        await store.applyBalanceChange(change({ user: { id: alice.id }, amount: money('1'), idempotencyKey: 'tx-1' }));
        const before = await snapshot(store);
        const duplicates = [
          change({ user: { id: alice.id }, amount: money('2'), idempotencyKey: 'tx-1' }),
          change({ user: { id: alice.id }, amount: money('-1'), idempotencyKey: 'tx-1' }),
          change({ user: { id: bob.id }, amount: money('1'), idempotencyKey: 'tx-1' }),
          change({ user: { usernameKey: 'bob' }, amount: money('1'), idempotencyKey: 'tx-1' }),
        ];
        for (const c of duplicates) assert.deepEqual(await store.applyBalanceChange(c), { kind: 'duplicate_key' });
        // No such user is answered first, as the spec orders it, whatever the key.
        for (const user of [{ usernameKey: 'nobody' }, { id: 999_999 }]) {
          assert.deepEqual(await store.applyBalanceChange(change({ user, amount: money('1'), idempotencyKey: 'tx-1' })), { kind: 'user_not_found' });
        }
        assert.equal(await snapshot(store), before);
      });

      it('an entry a writer adds without the key table (an older Tally mid-upgrade) still claims its key, and fails on a used one', async (t) => {
        const { store, sql } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice'), CLI);
        await store.applyBalanceChange(change({ user: { id: alice.id }, amount: money('1'), idempotencyKey: 'seen' }));
        const insert = (key: string) =>
          sql("INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, idempotency_key) VALUES (?, ?, ?, 'api', 'old node', ?)", [
            alice.id,
            rawMoney(backend, money('1')),
            rawMoney(backend, money('2')),
            key,
          ]);
        await assert.rejects(insert('seen'), /UNIQUE|unique|duplicate key/);
        await insert('written-elsewhere');
        await sql('UPDATE users SET balance = ? WHERE id = ?', [rawMoney(backend, money('2')), alice.id]);
        // This Tally now knows the key the other writer used: a retry of it is a replay.
        const retry = await store.applyBalanceChange(change({ user: { id: alice.id }, amount: money('1'), idempotencyKey: 'written-elsewhere' }));
        assert.equal(retry.kind, 'replayed');
        assert.equal((await store.verifyLedger()).mismatches.length, 0);
      });

      it('idempotency keys are one namespace: the same key from another source is the same change, applied once', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice'), CLI);
        const kinds = [];
        for (const source of ['api', 'cli', 'import', 'api'] as const) {
          kinds.push((await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: money('1'), by: { source, name: 'test' }, idempotencyKey: 'same' }))).kind);
        }
        assert.deepEqual(kinds, ['applied', 'replayed', 'replayed', 'replayed']);
        assert.equal(await balanceOf(store, 'alice'), 1_000_000n);
        const other = await store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: money('2'), by: CLI, idempotencyKey: 'same' }));
        assert.deepEqual(other, { kind: 'duplicate_key' });
      });
    });

    describe('concurrent balance changes', () => {
      async function concurrentCents(stores: readonly Store[], perStore: number): Promise<void> {
        const results = await Promise.all(
          stores.flatMap((store) =>
            Array.from({ length: perStore }, () => store.applyBalanceChange(change({ user: { usernameKey: 'alice' }, amount: money('0.01') }))),
          ),
        );
        const total = stores.length * perStore;
        assert.deepEqual(results.map((r) => r.kind), Array(total).fill('applied'));
        const afters = results.map((r) => applied(r).entry.balanceAfter).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        assert.deepEqual(afters, Array.from({ length: total }, (_, i) => BigInt(i + 1) * 10_000n), 'every change saw the one before it');
      }

      it('100 concurrent +0.01 changes through one store sum exactly, with 100 entries', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice'), CLI);
        await concurrentCents([store], 100);
        assert.equal(await balanceOf(store, 'alice'), money('1'));
        assert.equal((await store.ledgerEntries(alice.id, 1000)).length, 100);
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
      });

      it('200 concurrent +0.01 changes through two stores on the same database sum exactly, with 200 entries', async (t) => {
        const { store, open } = await freshDb(t, backend);
        const other = await open();
        const alice = await store.addUser(newUser('alice'), CLI);
        await concurrentCents([store, other], 100);
        assert.equal(await balanceOf(other, 'alice'), money('2'));
        assert.equal((await store.ledgerEntries(alice.id, 1000)).length, 200);
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
      });

      async function concurrentSameKey(stores: readonly Store[]): Promise<void> {
        const alice = await stores[0]!.findUser({ usernameKey: 'alice' });
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            stores[i % stores.length]!.applyBalanceChange(change({ user: { id: alice!.id }, amount: money('0.01'), idempotencyKey: 'same-key' })),
          ),
        );
        const kinds = results.map((r) => r.kind);
        assert.equal(kinds.filter((k) => k === 'applied').length, 1, kinds.join(','));
        assert.equal(kinds.filter((k) => k === 'replayed').length, 49, kinds.join(','));
        const ids = new Set(results.map((r) => applied(r).entry.id));
        assert.equal(ids.size, 1, 'every answer names the one entry');
        assert.equal(await balanceOf(stores[0]!, 'alice'), money('0.01'));
        assert.equal((await stores[0]!.ledgerEntries(alice!.id, 100)).length, 1);
      }

      it('50 concurrent calls with the same idempotency key through one store apply exactly once', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice'), CLI);
        await concurrentSameKey([store]);
      });

      it('50 concurrent calls with the same idempotency key through two stores apply exactly once', async (t) => {
        const { store, open } = await freshDb(t, backend);
        await store.addUser(newUser('alice'), CLI);
        await concurrentSameKey([store, await open()]);
      });
    });

    describe('the ledger', () => {
      it("ledgerEntries lists only that user's entries, newest first, at most limit", async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice'), CLI);
        const bob = await store.addUser(newUser('bob'), CLI);
        const ids = [];
        for (let i = 1; i <= 5; i++) {
          ids.push(applied(await store.applyBalanceChange(change({ user: { id: alice.id }, amount: BigInt(i), comment: `c${i}` }))).entry.id);
          await store.applyBalanceChange(change({ user: { id: bob.id }, amount: 7n }));
        }
        const latest = await store.ledgerEntries(alice.id, 3);
        assert.deepEqual(latest.map((e) => e.id), ids.slice(2).reverse());
        assert.deepEqual(latest.map((e) => [e.comment, e.userId]), [['c5', alice.id], ['c4', alice.id], ['c3', alice.id]]);
        assert.deepEqual(latest.map((e) => e.balanceAfter), [15n, 10n, 6n]);
        assert.equal((await store.ledgerEntries(alice.id, 100)).length, 5);
        assert.deepEqual(await store.ledgerEntries(999_999, 10), []);
      });

      it('verifyLedger counts users and entries and finds no mismatch on a consistent database', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice', { balance: money('1') }), CLI);
        await store.addUser(newUser('bob'), CLI);
        await store.applyBalanceChange(change({ user: { usernameKey: 'bob' }, amount: money('2') }));
        await store.updateUser(byName('alice'), { balance: money('0') }, CLI);
        assert.deepEqual(await store.verifyLedger(), { users: 3, entries: 3, mismatches: [] });
      });

      it('verifyLedger names a user whose balance was changed behind the ledger', async (t) => {
        const { store, sql } = await freshDb(t, backend);
        await store.addUser(newUser('alice', { balance: money('1') }), CLI);
        const bob = await store.addUser(newUser('Bob', { balance: money('2') }), CLI);
        const carol = await store.addUser(newUser('carol'), CLI);
        await store.applyBalanceChange(change({ user: { id: bob.id }, amount: money('0.5') }));
        await sql('UPDATE users SET balance = balance + ? WHERE id = ?', [rawMoney(backend, 1n), bob.id]);
        await sql('UPDATE users SET balance = ? WHERE id = ?', [rawMoney(backend, money('-4')), carol.id]);
        const report = await store.verifyLedger();
        assert.deepEqual([report.users, report.entries], [4, 3]);
        assert.deepEqual(report.mismatches, [
          { id: bob.id, username: 'Bob', balance: 2_500_001n, ledgerSum: 2_500_000n, lastBalanceAfter: 2_500_000n },
          { id: carol.id, username: 'carol', balance: -4_000_000n, ledgerSum: 0n, lastBalanceAfter: undefined },
        ]);
      });

      it("verifyLedger names a user whose last entry's balance_after disagrees although the sum matches", async (t) => {
        const { store, sql } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice', { balance: money('1') }), CLI);
        await sql("INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment) VALUES (?, ?, ?, 'cli', 'forged')", [
          alice.id,
          rawMoney(backend, 0n),
          rawMoney(backend, money('9')),
        ]);
        assert.deepEqual((await store.verifyLedger()).mismatches, [
          { id: alice.id, username: 'alice', balance: 1_000_000n, ledgerSum: 1_000_000n, lastBalanceAfter: 9_000_000n },
        ]);
      });

      it('ledger entries cannot be updated or deleted, even with raw SQL', async (t) => {
        const { store, sql } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice', { balance: money('1') }), CLI);
        await store.applyBalanceChange(change({ user: { id: alice.id }, amount: money('2') }));
        const before = await store.ledgerEntries(alice.id, 10);
        await assert.rejects(sql('UPDATE ledger_entries SET amount = 0'), /immutable/);
        await assert.rejects(sql('UPDATE ledger_entries SET comment = ? WHERE user_id = ?', ['edited', alice.id]), /immutable/);
        await assert.rejects(sql('DELETE FROM ledger_entries WHERE user_id = ?', [alice.id]), /immutable/);
        await assert.rejects(sql('DELETE FROM ledger_entries'), /immutable/);
        if (backend === 'postgres') await assert.rejects(sql('TRUNCATE ledger_entries'), /immutable/);
        assert.deepEqual(await store.ledgerEntries(alice.id, 10), before);
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
      });
    });
  });
}
