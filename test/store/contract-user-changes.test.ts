/** Store contract, part 8: renaming, closing, roles and tokens, user search, and the admin's id. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usernameKey } from '../../src/domain/usernames.js';
import type { Store, UserRecord, UserSearch } from '../../src/store/store.js';
import {
  ADMIN,
  allUsers,
  API,
  backendOptions,
  BACKENDS,
  byName,
  CLI,
  freshDb,
  IMPORTER,
  importRow,
  money,
  newUser,
  rejectsWith,
  rowsOf,
  snapshot,
} from './backends.js';

async function names(store: Store, search: UserSearch): Promise<string[]> {
  return (await store.searchUsers(search)).map((user) => user.username);
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('renaming', () => {
      it('a rename stores the name in NFC under its new key: the balance reads find the new name only', async (t) => {
        const { store } = await freshDb(t, backend);
        const bob = await store.addUser(newUser('bob', { balance: money('4') }), CLI);
        const renamed = await store.updateUser({ id: bob.id }, { username: 'Jose\u0301' }, ADMIN);
        assert.equal(renamed.username, 'Jos\u00e9');
        assert.equal(await store.findBalanceView('bob'), undefined);
        assert.deepEqual(await store.findBalanceView(usernameKey('JOSÉ')), { id: bob.id, username: 'José', currency: 'USD', balance: money('4') });
        assert.deepEqual(await store.findUser(byName('josé')), renamed);
        const result = await store.applyBalanceChange({ user: { usernameKey: usernameKey('José') }, amount: 1n, by: API, comment: '' });
        assert.equal(result.kind === 'applied' && result.username, 'José');
      });

      it('a rename may change only the letter case of the same user', async (t) => {
        const { store } = await freshDb(t, backend);
        const bob = await store.addUser(newUser('bob'), CLI);
        assert.equal((await store.updateUser(byName('bob'), { username: 'Bob' }, CLI)).username, 'Bob');
        assert.equal((await store.findBalanceView('bob'))?.username, 'Bob');
        assert.equal((await store.findUser({ id: bob.id }))?.username, 'Bob');
      });

      it('a rename to a name taken in another letter case or another Unicode spelling is refused with already_exists, changing nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('Alice'), CLI);
        await store.addUser(newUser('Jos\u00e9'), CLI);
        const bob = await store.addUser(newUser('bob', { balance: money('1') }), CLI);
        const before = await snapshot(store);
        const audit = await store.auditEntries(1000);
        await rejectsWith(store.updateUser({ id: bob.id }, { username: 'ALICE' }, ADMIN), 'already_exists');
        await rejectsWith(store.updateUser({ id: bob.id }, { username: 'JOSE\u0301' }, ADMIN), 'already_exists');
        await rejectsWith(store.updateUser({ id: bob.id }, { username: 'admin' }, ADMIN), 'already_exists');
        // A refused field undoes the fields before it too.
        await rejectsWith(store.updateUser({ id: bob.id }, { balance: money('9'), username: 'alice' }, ADMIN), 'already_exists');
        assert.equal(await snapshot(store), before);
        assert.deepEqual(await store.auditEntries(1000), audit);
      });

      it('updateUser refuses an unknown id or key with not_found', async (t) => {
        const { store } = await freshDb(t, backend);
        await rejectsWith(store.updateUser({ id: 999_999 }, { username: 'x' }, ADMIN), 'not_found');
        await rejectsWith(store.updateUser(byName('nobody'), { status: 'closed' }, ADMIN), 'not_found');
      });
    });

    describe('closing and reopening', () => {
      it('a closed user is no one to the balance reads and writes, and is itself again once reopened', async (t) => {
        const { store } = await freshDb(t, backend);
        const bob = await store.addUser(newUser('bob', { balance: money('5'), uniquehash: 'bobtoken00000001' }), CLI);
        const closed = await store.updateUser({ id: bob.id }, { status: 'closed' }, ADMIN);
        assert.equal(closed.status, 'closed');
        assert.equal(await store.findBalanceView('bob'), undefined);
        assert.equal(await store.findBalanceViewByUniquehash('bobtoken00000001'), undefined);
        const before = await snapshot(store);
        for (const user of [{ id: bob.id }, { usernameKey: 'bob' }]) {
          for (const by of [API, ADMIN]) {
            assert.deepEqual(await store.applyBalanceChange({ user, amount: money('1'), by, comment: '', idempotencyKey: 'closed-1' }), { kind: 'user_not_found' });
          }
        }
        assert.equal(await snapshot(store), before);
        // It keeps its ledger and is still found by the administration.
        assert.deepEqual(await store.findUser({ id: bob.id }), closed);
        assert.deepEqual(await store.findUser(byName('bob')), closed);
        assert.equal((await store.ledgerEntries(bob.id, 10)).length, 1);
        assert.ok((await allUsers(store)).some((user) => user.id === bob.id));
        const taken = await store.takenUsers(['bob'], [bob.id], ['bobtoken00000001']);
        assert.deepEqual([[...taken.keys], [...taken.ids], [...taken.uniquehashes]], [['bob'], [bob.id], ['bobtoken00000001']]);
        await rejectsWith(store.addUser(newUser('BOB'), CLI), 'already_exists');

        const reopened = await store.updateUser({ id: bob.id }, { status: 'active' }, ADMIN);
        assert.equal(reopened.status, 'active');
        assert.equal((await store.findBalanceView('bob'))?.balance, money('5'));
        assert.equal((await store.findBalanceViewByUniquehash('bobtoken00000001'))?.id, bob.id);
        assert.equal((await store.applyBalanceChange({ user: { id: bob.id }, amount: money('1'), by: API, comment: '', idempotencyKey: 'closed-1' })).kind, 'applied');
      });

      it('the balance of a closed user can still be set by an operator', async (t) => {
        const { store } = await freshDb(t, backend);
        const bob = await store.addUser(newUser('bob', { balance: money('5') }), CLI);
        await store.updateUser({ id: bob.id }, { status: 'closed' }, ADMIN);
        const zeroed = await store.updateUser({ id: bob.id }, { balance: 0n, comment: 'closing balance' }, ADMIN);
        assert.deepEqual([zeroed.balance, zeroed.status], [0n, 'closed']);
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
      });
    });

    describe('roles and tokens', () => {
      it('role and uniquehash change in place; the old token stops finding the user at once', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('carol', { uniquehash: 'oldtoken00000001' }), CLI);
        const updated = await store.updateUser(byName('carol'), { role: 'admin', uniquehash: 'newtoken00000001' }, ADMIN);
        assert.deepEqual([updated.role, updated.uniquehash], ['admin', 'newtoken00000001']);
        assert.equal(await store.findBalanceViewByUniquehash('oldtoken00000001'), undefined);
        assert.equal((await store.findBalanceViewByUniquehash('newtoken00000001'))?.username, 'carol');
      });

      it("a token another user holds is refused with already_exists", async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('dave', { uniquehash: 'davetoken0000001' }), CLI);
        const erin = await store.addUser(newUser('erin'), CLI);
        const before = await snapshot(store);
        await rejectsWith(store.updateUser({ id: erin.id }, { uniquehash: 'davetoken0000001' }, ADMIN), 'already_exists');
        assert.equal(await snapshot(store), before);
      });

      it('takenUsers reports taken tokens exactly (case counts), and none when none are asked about', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('frank', { uniquehash: 'FrankToken000001' }), CLI);
        const taken = await store.takenUsers([], [], ['FrankToken000001', 'franktoken000001', 'free-token']);
        assert.deepEqual([...taken.uniquehashes], ['FrankToken000001']);
        assert.equal((await store.takenUsers(['frank'], [])).uniquehashes.size, 0);
      });
    });

    describe('searchUsers', () => {
      async function people(store: Store): Promise<UserRecord[]> {
        const added = [];
        for (const name of ['Anna', 'annabel', 'ANNE', 'bob', 'Ärger', 'ärgerlich', '12ab', 'zed']) {
          added.push(await store.addUser(newUser(name, { uniquehash: `tok-${usernameKey(name)}-0000` }), CLI));
        }
        return added;
      }

      it('matches a username prefix in any letter case, in id order', async (t) => {
        const { store } = await freshDb(t, backend);
        await people(store);
        assert.deepEqual(await names(store, { query: 'ann', limit: 10 }), ['Anna', 'annabel', 'ANNE']);
        assert.deepEqual(await names(store, { query: 'ANNA', limit: 10 }), ['Anna', 'annabel']);
        assert.deepEqual(await names(store, { query: 'äRG', limit: 10 }), ['Ärger', 'ärgerlich']);
        assert.deepEqual(await names(store, { query: 'Ärgerlich', limit: 10 }), ['ärgerlich']);
        assert.deepEqual(await names(store, { query: 'x', limit: 10 }), []);
        assert.deepEqual(await names(store, { query: '%', limit: 10 }), [], 'no LIKE pattern');
      });

      it('matches an exact id when the query is digits, beside names starting with them', async (t) => {
        const { store } = await freshDb(t, backend);
        const added = await people(store);
        const bob = added.find((user) => user.username === 'bob')!;
        assert.deepEqual(await names(store, { query: String(bob.id), limit: 10 }), ['bob']);
        const withDigits = await store.searchUsers({ query: '12', limit: 10 });
        assert.ok(withDigits.some((user) => user.username === '12ab'));
        assert.deepEqual(
          withDigits.map((user) => user.id),
          [...withDigits.map((user) => user.id)].sort((a, b) => a - b),
        );
        assert.deepEqual(await names(store, { query: '0', limit: 10 }), ['admin'], 'the admin is id 0');
      });

      it('matches an exact uniquehash, in its own letter case only', async (t) => {
        const { store } = await freshDb(t, backend);
        await people(store);
        assert.deepEqual(await names(store, { query: 'tok-bob-0000', limit: 10 }), ['bob']);
        assert.deepEqual(await names(store, { query: 'TOK-BOB-0000', limit: 10 }), []);
      });

      it('pages by id with afterId and limit, with or without a query', async (t) => {
        const { store } = await freshDb(t, backend);
        const added = await people(store);
        const all = await store.searchUsers({ limit: 100 });
        assert.deepEqual(all.map((user) => user.username), ['admin', ...added.map((user) => user.username)]);
        const first = await store.searchUsers({ limit: 3 });
        const second = await store.searchUsers({ limit: 3, afterId: first.at(-1)!.id });
        assert.deepEqual([...first, ...second], all.slice(0, 6));
        const annFirst = await store.searchUsers({ query: 'ann', limit: 2 });
        assert.deepEqual(annFirst.map((user) => user.username), ['Anna', 'annabel']);
        assert.deepEqual(await names(store, { query: 'ann', limit: 2, afterId: annFirst.at(-1)!.id }), ['ANNE']);
        const bob = added.find((user) => user.username === 'bob')!;
        assert.deepEqual(await names(store, { query: String(bob.id), limit: 10, afterId: bob.id }), []);
      });

      it('filters by status', async (t) => {
        const { store } = await freshDb(t, backend);
        await people(store);
        await store.updateUser(byName('annabel'), { status: 'closed' }, ADMIN);
        await store.updateUser(byName('zed'), { status: 'closed' }, ADMIN);
        assert.deepEqual(await names(store, { status: 'closed', limit: 10 }), ['annabel', 'zed']);
        assert.deepEqual(await names(store, { query: 'ann', status: 'active', limit: 10 }), ['Anna', 'ANNE']);
        assert.deepEqual(await names(store, { query: 'ann', status: 'closed', limit: 10 }), ['annabel']);
        assert.deepEqual(await names(store, { query: 'tok-zed-0000', status: 'active', limit: 10 }), []);
        assert.equal((await store.searchUsers({ status: 'active', limit: 100 })).length, 1 + 8 - 2);
        assert.deepEqual(await names(store, { query: 'ann', limit: 10 }), ['Anna', 'annabel', 'ANNE'], 'closed users are found unless filtered out');
      });

      it('a prefix most users share, and one whose users all come late in id order, page as a plain filter in id order would', async (t) => {
        const { store } = await freshDb(t, backend);
        // More "p" users than SQLite reads in id order before it takes a range from its index,
        // then enough "q" users to count as a broad range: every plan a search may pick is used.
        const rows = [...Array.from({ length: 20_100 }, (_, i) => importRow(`p${i}`)), ...Array.from({ length: 2_100 }, (_, i) => importRow(`Q${i}`))];
        await store.importUsers(rowsOf(rows), { comment: 'many', by: IMPORTER });
        for (const name of ['p5', 'p19999', 'Q3', 'Q2099']) await store.updateUser(byName(name), { status: 'closed' }, ADMIN);
        const everyone: UserRecord[] = [];
        for await (const user of store.listUsers()) everyone.push(user);
        const searches: UserSearch[] = [
          { query: 'p', limit: 30 },
          { query: 'p', limit: 30, afterId: 20_090 },
          { query: 'q', limit: 30 },
          { query: 'q', limit: 30, afterId: 22_150 },
          { query: 'p1', limit: 500 },
          { query: 'q20', limit: 30 },
          { query: 'p', status: 'closed', limit: 10 },
          { query: 'q', status: 'closed', limit: 10 },
          { query: 'q', status: 'active', limit: 5 },
        ];
        for (const search of searches) {
          const key = usernameKey(search.query!);
          const expected = everyone
            .filter((user) => usernameKey(user.username).startsWith(key) && user.id > (search.afterId ?? -1))
            .filter((user) => search.status === undefined || user.status === search.status)
            .slice(0, search.limit)
            .map((user) => user.username);
          assert.ok(expected.length > 0, JSON.stringify(search));
          assert.deepEqual(await names(store, search), expected, JSON.stringify(search));
        }
      });
    });

    describe("the admin's id", () => {
      it('initialize gives the admin of a new database id 0, and the next user id 1', async (t) => {
        const { store } = await freshDb(t, backend);
        const admin = (await store.findUser(byName('admin')))!;
        assert.deepEqual([admin.id, admin.role], [0, 'admin']);
        assert.equal((await store.addUser(newUser('first'), CLI)).id, 1);
        assert.equal((await store.addUser(newUser('second'), CLI)).id, 2);
        assert.equal((await store.findBalanceView('admin'))?.id, 0);
        assert.equal((await store.applyBalanceChange({ user: { id: 0 }, amount: money('1'), by: API, comment: '' })).kind, 'applied');
      });

      it('an import into a database with only the admin numbers its users from 1', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.importUsers(rowsOf([importRow('i1'), importRow('i2')]), { comment: 'f', by: IMPORTER });
        assert.deepEqual((await allUsers(store)).map((user) => user.id), [0, 1, 2]);
        assert.equal((await store.addUser(newUser('next'), CLI)).id, 3);
      });

      it('an empty import leaves the next id at 1', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.importUsers(rowsOf([]), { comment: 'nothing', by: IMPORTER });
        assert.equal((await store.addUser(newUser('first'), CLI)).id, 1);
      });

      it('an admin added to a database whose id 0 is taken gets the next id; an existing admin is kept', async (t) => {
        const { store, sql } = await freshDb(t, backend, { initialize: false });
        await sql("INSERT INTO currencies (code, name, rate, active, is_system) VALUES ('USD', 'USD', '1', ?, ?)", backend === 'sqlite' ? [1, 1] : [true, true]);
        await sql("INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role) VALUES (0, 'zero', 'zero', 'USD', 0, 'zerotoken', 'user')");
        const report = await store.initialize({ systemCurrency: 'USD', initialSettings: new Map(), adminUniquehash: 'admintoken', by: CLI });
        assert.equal(report.addedAdmin, true);
        const admin = (await store.findUser(byName('admin')))!;
        assert.ok(admin.id > 0, `admin id ${admin.id}`);
        await store.initialize({ systemCurrency: 'USD', initialSettings: new Map(), adminUniquehash: 'another', by: CLI });
        assert.deepEqual(await store.findUser(byName('admin')), admin);
      });
    });
  });
}
