/** The admin layer's user operations, in process, on both backends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adjustBalance } from '../../src/admin/balances.js';
import { saveCurrency } from '../../src/admin/currencies.js';
import * as users from '../../src/admin/users.js';
import type { Store, UserRecord } from '../../src/store/store.js';
import { BACKENDS, backendOptions, freshDb, ISO_UTC, snapshot } from '../store/backends.js';
import { ACTOR, API_OPERATOR, rejectsWithAdmin } from './admin-helpers.js';

async function collect(users: AsyncIterable<UserRecord>): Promise<string[]> {
  const names: string[] = [];
  for await (const user of users) names.push(user.username);
  return names;
}

async function addAll(store: Store, ...names: string[]): Promise<UserRecord[]> {
  const added = [];
  for (const username of names) added.push(await users.addUser(store, { username }, ACTOR));
  return added;
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('adding users', () => {
      it('adds a user in the system currency with a zero balance, a fresh token, the role user and the status active', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await users.addUser(store, { username: 'Alice' }, ACTOR);
        assert.deepEqual([alice.username, alice.currency, alice.balance, alice.role, alice.status], ['Alice', 'USD', 0n, 'user', 'active']);
        assert.match(alice.uniquehash, /^[a-z0-9]{16}$/);
        assert.match(alice.createdAt, ISO_UTC);
        assert.deepEqual(await users.findUser(store, { username: 'ALICE' }), alice);
        assert.deepEqual(await users.findUser(store, { id: String(alice.id) }), alice);
      });

      it('takes the currency in any case, the balance exactly and the role admin, and names the actor in the opening entry', async (t) => {
        const { store } = await freshDb(t, backend);
        await saveCurrency(store, { code: 'EUR', rate: '0.9' }, ACTOR);
        const ops = await users.addUser(store, { username: 'ops', currency: 'eur', balance: '12.345678', role: 'admin' }, API_OPERATOR);
        assert.deepEqual([ops.currency, ops.balance, ops.role], ['EUR', 12_345_678n, 'admin']);
        const [opening] = await store.ledgerEntries(ops.id, 10);
        assert.deepEqual([opening?.source, opening?.actor, opening?.requestId], ['admin', 'ops@example.com', 'req-1']);
      });

      it('refuses bad input with a structured error naming the field and the value, and adds nobody', async (t) => {
        const { store } = await freshDb(t, backend);
        await users.addUser(store, { username: 'taken' }, ACTOR);
        const before = await snapshot(store);
        await rejectsWithAdmin(users.addUser(store, { username: 'TAKEN' }, ACTOR), 'already_exists', { entity: 'user', field: 'username', value: 'TAKEN' });
        await rejectsWithAdmin(users.addUser(store, { username: 'a\u202eb' }, ACTOR), 'invalid', { entity: 'user', field: 'username', reason: 'syntax' });
        await rejectsWithAdmin(users.addUser(store, { username: 'x', balance: '1.0000001' }, ACTOR), 'invalid', {
          entity: 'amount',
          field: 'balance',
          value: '1.0000001',
          reason: 'too-many-fraction-digits',
        });
        await rejectsWithAdmin(users.addUser(store, { username: 'x', currency: 'GBP' }, ACTOR), 'not_found', { entity: 'currency', value: 'GBP' });
        await rejectsWithAdmin(users.addUser(store, { username: 'x', currency: 'USER' }, ACTOR), 'invalid', { entity: 'currency', reason: 'reserved' });
        await rejectsWithAdmin(users.addUser(store, { username: 'x', role: 'owner' }, ACTOR), 'invalid', { entity: 'role', field: 'role', value: 'owner' });
        assert.equal(await snapshot(store), before);
      });
    });

    describe('changing users', () => {
      it('changes currency, balance (as one ledger entry with its comment) and role in one call', async (t) => {
        const { store } = await freshDb(t, backend);
        await saveCurrency(store, { code: 'EUR', rate: '0.9' }, ACTOR);
        const [bob] = await addAll(store, 'bob');
        const changed = await users.updateUser(store, { username: 'bob' }, { currency: 'EUR', balance: '-2.5', comment: 'moved', role: 'admin' }, ACTOR);
        assert.deepEqual([changed.currency, changed.balance, changed.role], ['EUR', -2_500_000n, 'admin']);
        const [entry] = await store.ledgerEntries(bob!.id, 10);
        assert.deepEqual([entry?.amount, entry?.comment, entry?.actor], [-2_500_000n, 'moved', 'cli:tester']);
      });

      it('refuses a change that gives nothing, and one with an unknown currency or user, changing nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await addAll(store, 'bob');
        const before = await snapshot(store);
        await rejectsWithAdmin(users.updateUser(store, { username: 'bob' }, {}, ACTOR), 'invalid', { reason: 'nothing_to_change' });
        await rejectsWithAdmin(users.updateUser(store, { username: 'bob' }, { currency: 'GBP', balance: '3' }, ACTOR), 'not_found', { entity: 'currency' });
        await rejectsWithAdmin(users.updateUser(store, { username: 'nobody' }, { balance: '3' }, ACTOR), 'not_found', { entity: 'user', value: 'nobody' });
        await rejectsWithAdmin(users.updateUser(store, { id: '99999' }, { balance: '3' }, ACTOR), 'not_found', { entity: 'user', field: 'id' });
        await rejectsWithAdmin(users.findUser(store, { id: '-1' }), 'invalid', { entity: 'id' });
        assert.equal(await snapshot(store), before);
      });

      it('renames a user, keeps its id, token and ledger, and lets a change of letter case through', async (t) => {
        const { store } = await freshDb(t, backend);
        const [bob] = await addAll(store, 'bob');
        const renamed = await users.renameUser(store, { username: 'BOB' }, 'Robert', ACTOR);
        assert.deepEqual([renamed.id, renamed.username, renamed.uniquehash], [bob!.id, 'Robert', bob!.uniquehash]);
        await rejectsWithAdmin(users.findUser(store, { username: 'bob' }), 'not_found');
        assert.equal((await users.renameUser(store, { username: 'robert' }, 'ROBERT', ACTOR)).username, 'ROBERT');
      });

      it('refuses a rename onto a name taken in any case or Unicode form, and to the same name', async (t) => {
        const { store } = await freshDb(t, backend);
        await addAll(store, 'bob', 'Jos\u00e9');
        const before = await snapshot(store);
        await rejectsWithAdmin(users.renameUser(store, { username: 'bob' }, 'JOSE\u0301', ACTOR), 'already_exists', { field: 'new_username' });
        await rejectsWithAdmin(users.renameUser(store, { username: 'bob' }, 'ADMIN', ACTOR), 'already_exists');
        await rejectsWithAdmin(users.renameUser(store, { username: 'bob' }, 'bob', ACTOR), 'conflict', { reason: 'unchanged' });
        await rejectsWithAdmin(users.renameUser(store, { username: 'bob' }, '', ACTOR), 'invalid', { field: 'new_username' });
        assert.equal(await snapshot(store), before);
      });
    });

    describe('closing and reopening users', () => {
      it('closes a user: its ledger is kept, the balance reads no longer find it, and no adjustment is taken', async (t) => {
        const { store } = await freshDb(t, backend);
        const bob = await users.addUser(store, { username: 'bob', balance: '5' }, ACTOR);
        const closed = await users.closeUser(store, { username: 'bob' }, ACTOR);
        assert.equal(closed.status, 'closed');
        assert.equal(await store.findBalanceView('bob'), undefined);
        assert.equal(await store.findBalanceViewByUniquehash(bob.uniquehash), undefined);
        assert.equal((await store.ledgerEntries(bob.id, 10)).length, 1);
        await rejectsWithAdmin(adjustBalance(store, { username: 'bob' }, { amount: '1' }, ACTOR), 'conflict', { reason: 'closed' });
        await rejectsWithAdmin(users.updateUser(store, { username: 'bob' }, { balance: '1' }, ACTOR), 'conflict', { reason: 'closed' });
        await rejectsWithAdmin(users.closeUser(store, { username: 'bob' }, ACTOR), 'conflict', { reason: 'already_closed' });
        assert.equal((await users.findUser(store, { username: 'bob' })).status, 'closed');
      });

      it('reopens a closed user, who is found again with its balance, and refuses to reopen an open one', async (t) => {
        const { store } = await freshDb(t, backend);
        await users.addUser(store, { username: 'bob', balance: '5' }, ACTOR);
        await users.closeUser(store, { username: 'bob' }, ACTOR);
        assert.equal((await users.reopenUser(store, { username: 'bob' }, ACTOR)).status, 'active');
        assert.equal((await store.findBalanceView('bob'))?.balance, 5_000_000n);
        await rejectsWithAdmin(users.reopenUser(store, { username: 'bob' }, ACTOR), 'conflict', { reason: 'not_closed' });
      });
    });

    describe('tokens and roles', () => {
      it('rotates a token: the new one finds the user, the old one nobody', async (t) => {
        const { store } = await freshDb(t, backend);
        const [bob] = await addAll(store, 'bob');
        const rotated = await users.rotateToken(store, { username: 'bob' }, ACTOR);
        assert.notEqual(rotated.uniquehash, bob!.uniquehash);
        assert.equal(await store.findBalanceViewByUniquehash(bob!.uniquehash), undefined);
        assert.equal((await store.findBalanceViewByUniquehash(rotated.uniquehash))?.id, bob!.id);
      });

      it('makes a user an admin login and back', async (t) => {
        const { store } = await freshDb(t, backend);
        await addAll(store, 'bob');
        assert.equal((await users.setRole(store, { username: 'bob' }, 'ADMIN', ACTOR)).role, 'admin');
        assert.equal((await users.setRole(store, { username: 'bob' }, 'user', ACTOR)).role, 'user');
        await rejectsWithAdmin(users.setRole(store, { username: 'bob' }, 'root', ACTOR), 'invalid', { entity: 'role' });
      });
    });

    describe('listing users', () => {
      it('lists every user in id order without a query, and those whose name starts with the query in any case with one', async (t) => {
        const { store } = await freshDb(t, backend);
        await addAll(store, 'anna', 'Andrew', 'bob', 'ANTON');
        assert.deepEqual(await collect(await users.listUsers(store)), ['admin', 'anna', 'Andrew', 'bob', 'ANTON']);
        assert.deepEqual(await collect(await users.listUsers(store, { query: 'an' })), ['anna', 'Andrew', 'ANTON']);
        assert.deepEqual(await collect(await users.listUsers(store, { query: 'AN', limit: '2' })), ['anna', 'Andrew']);
        assert.deepEqual(await collect(await users.listUsers(store, { limit: 3 })), ['admin', 'anna', 'Andrew']);
      });

      it('finds a user by exact id and by exact token, and filters by status', async (t) => {
        const { store } = await freshDb(t, backend);
        const [, bob] = await addAll(store, 'anna', 'bob');
        assert.deepEqual(await collect(await users.listUsers(store, { query: String(bob!.id) })), ['bob']);
        assert.deepEqual(await collect(await users.listUsers(store, { query: bob!.uniquehash })), ['bob']);
        await users.closeUser(store, { username: 'anna' }, ACTOR);
        assert.deepEqual(await collect(await users.listUsers(store, { status: 'closed' })), ['anna']);
        assert.deepEqual(await collect(await users.listUsers(store, { status: 'active', query: 'a' })), ['admin']);
      });

      it('pages through more users than one search page holds', async (t) => {
        const { store } = await freshDb(t, backend);
        const names = Array.from({ length: 520 }, (_, i) => `p${String(i).padStart(3, '0')}`);
        for (const name of names) await users.addUser(store, { username: name }, ACTOR);
        assert.deepEqual(await collect(await users.listUsers(store, { query: 'p' })), names);
        assert.equal((await collect(await users.listUsers(store, { query: 'p', limit: 510 }))).length, 510);
      });

      it('gives a search page by page, each saying where the next one starts, and none after the last', async (t) => {
        const { store } = await freshDb(t, backend);
        await addAll(store, 'p1', 'p2', 'p3', 'q1');
        const first = await users.searchUsers(store, { query: 'P', limit: '2' });
        assert.deepEqual(first.users.map((u) => u.username), ['p1', 'p2']);
        const second = await users.searchUsers(store, { query: 'p', limit: 2, after: first.next });
        assert.deepEqual([second.users.map((u) => u.username), second.next], [['p3'], undefined]);
        assert.equal((await users.searchUsers(store, {})).users.length, 5);
        await rejectsWithAdmin(users.searchUsers(store, { limit: '501' }), 'invalid', { entity: 'limit' });
      });

      it('refuses a bad limit, status or query before reading anything', async (t) => {
        const { store } = await freshDb(t, backend);
        await rejectsWithAdmin(users.listUsers(store, { limit: '0' }), 'invalid', { entity: 'limit', value: '0' });
        await rejectsWithAdmin(users.listUsers(store, { limit: 'ten' }), 'invalid', { entity: 'limit' });
        await rejectsWithAdmin(users.listUsers(store, { status: 'gone' }), 'invalid', { entity: 'status' });
        await rejectsWithAdmin(users.listUsers(store, { query: '' }), 'invalid', { entity: 'query' });
      });
    });

    it('records every change in the audit log under its actor, newest first', async (t) => {
      const { store } = await freshDb(t, backend);
      await users.addUser(store, { username: 'bob' }, ACTOR);
      await users.renameUser(store, { username: 'bob' }, 'rob', API_OPERATOR);
      await users.closeUser(store, { username: 'rob' }, ACTOR);
      const [closed, renamed, added] = await store.auditEntries(3);
      assert.deepEqual([closed?.action, renamed?.action, added?.action], ['user.close', 'user.rename', 'user.add']);
      assert.deepEqual([renamed?.source, renamed?.actor, renamed?.client, renamed?.requestId], ['admin', 'ops@example.com', '192.0.2.9', 'req-1']);
      assert.equal(added?.actor, 'cli:tester');
      assert.equal(closed?.target, added?.target);
    });
  });
}
