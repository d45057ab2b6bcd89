/** Store contract, part 2: adding, finding and updating users, and money at the limits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usernameKey } from '../../src/domain/usernames.js';
import {
  allUsers,
  API,
  backendOptions,
  BACKENDS,
  byName,
  CLI,
  freshDb,
  IMPORTER,
  ISO_UTC,
  importRow,
  money,
  newUser,
  rate,
  rejectsWith,
  rowsOf,
  snapshot,
} from './backends.js';

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('adding and finding users', () => {
      it('addUser stores a user and returns its record, which findUser returns by id and by folded key', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        const added = await store.addUser(newUser('Alice', { currency: 'EUR', balance: money('12.5'), uniquehash: 'alicetoken000001' }), CLI);
        const admin = await store.findUser({ usernameKey: 'admin' });
        assert.ok(added.id > admin!.id);
        assert.deepEqual(added, {
          id: added.id,
          username: 'Alice',
          currency: 'EUR',
          balance: 12_500_000n,
          firstName: '',
          lastName: '',
          uniquehash: 'alicetoken000001',
          role: 'user',
          status: 'active',
          createdAt: added.createdAt,
        });
        assert.match(added.createdAt, ISO_UTC);
        assert.deepEqual(await store.findUser({ id: added.id }), added);
        assert.deepEqual(await store.findUser({ usernameKey: 'alice' }), added);
      });

      it('findUser answers undefined for an unknown id, an unknown key and an unfolded key', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('Alice'), CLI);
        assert.equal(await store.findUser({ id: 999_999 }), undefined);
        assert.equal(await store.findUser({ usernameKey: 'bob' }), undefined);
        assert.equal(await store.findUser({ usernameKey: 'Alice' }), undefined);
      });

      it('addUser refuses a name taken in another letter case with already_exists and changes nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice', { balance: money('1') }), CLI);
        await store.addUser(newUser('Ärger'), CLI);
        const before = await snapshot(store);
        await rejectsWith(store.addUser(newUser('ALICE', { balance: money('5') }), CLI), 'already_exists');
        await rejectsWith(store.addUser(newUser('äRGER'), CLI), 'already_exists');
        assert.equal(await snapshot(store), before);
      });

      it('addUser refuses an unknown currency with not_found and changes nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        const before = await snapshot(store);
        await rejectsWith(store.addUser(newUser('alice', { currency: 'XYZ', balance: money('5') }), CLI), 'not_found');
        assert.equal(await snapshot(store), before);
        assert.equal(await store.findUser({ usernameKey: 'alice' }), undefined);
      });

      it('addUser writes an opening ledger entry only for a non-zero balance', async (t) => {
        const { store } = await freshDb(t, backend);
        const empty = await store.addUser(newUser('empty'), CLI, 'opening');
        assert.deepEqual(await store.ledgerEntries(empty.id, 10), []);
        const rich = await store.addUser(newUser('rich', { balance: money('10.25') }), CLI, 'opening');
        const poor = await store.addUser(newUser('poor', { balance: money('-3') }), CLI, 'owes');
        const [richEntry, ...richMore] = await store.ledgerEntries(rich.id, 10);
        assert.deepEqual(richMore, []);
        assert.deepEqual(
          { ...richEntry!, id: 0, createdAt: '' },
          {
            id: 0,
            userId: rich.id,
            amount: 10_250_000n,
            balanceAfter: 10_250_000n,
            source: 'cli',
            comment: 'opening',
            idempotencyKey: undefined,
            actor: CLI.name,
            requestId: undefined,
            createdAt: '',
          },
        );
        const poorEntries = await store.ledgerEntries(poor.id, 10);
        assert.deepEqual(poorEntries.map((e) => [e.amount, e.balanceAfter, e.comment]), [[-3_000_000n, -3_000_000n, 'owes']]);
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
      });

      it('findBalanceView finds a user only by the folded key and returns username, currency and exact balance', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('Alice', { balance: money('0.3') }), CLI);
        const arger = await store.addUser(newUser('ÄrGer'), CLI);
        assert.deepEqual(await store.findBalanceView('alice'), { id: alice.id, username: 'Alice', currency: 'USD', balance: 300_000n });
        assert.deepEqual(await store.findBalanceView(usernameKey('ÄRGER')), { id: arger.id, username: 'ÄrGer', currency: 'USD', balance: 0n });
        assert.equal(await store.findBalanceView('Alice'), undefined, 'the store does not fold: the caller does');
        assert.equal(await store.findBalanceView('ÄrGer'), undefined);
        assert.equal(await store.findBalanceView('nobody'), undefined);
      });

      it('findBalanceView answers many look-ups at once, repeated and missing keys among them, each with its own user', async (t) => {
        const { store } = await freshDb(t, backend);
        const users: Awaited<ReturnType<typeof store.addUser>>[] = [];
        for (let i = 0; i < 20; i++) users.push(await store.addUser(newUser(`u${i}`, { balance: BigInt(i) * 1_000_000n }), CLI));
        // More keys than one batch holds, asked for in the same turn.
        const keys = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? `missing${i}` : `u${i % 20}`));
        const views = await Promise.all(keys.map((key) => store.findBalanceView(key)));
        for (const [index, key] of keys.entries()) {
          const user = users.find((candidate) => candidate.username === key);
          assert.deepEqual(views[index], user && { id: user.id, username: key, currency: 'USD', balance: user.balance }, key);
        }
      });

      it('findBalanceViewByUniquehash finds the holder of a token, and nothing for an unknown or differently cased token', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('Alice', { uniquehash: 'abcdef0123456789', balance: money('7') }), CLI);
        await store.addUser(newUser('Bob', { uniquehash: 'zzzzzz0123456789' }), CLI);
        assert.deepEqual(await store.findBalanceViewByUniquehash('abcdef0123456789'), { id: alice.id, username: 'Alice', currency: 'USD', balance: 7_000_000n });
        assert.equal(await store.findBalanceViewByUniquehash('ABCDEF0123456789'), undefined);
        assert.equal(await store.findBalanceViewByUniquehash('nosuchtoken00000'), undefined);
      });

      it('takenUsers reports which of the folded names and ids are taken, across large batches', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('Alice'), CLI);
        const admin = await store.findUser({ usernameKey: 'admin' });
        const keys = Array.from({ length: 1200 }, (_, i) => `free${i}`);
        keys.splice(1100, 0, 'alice', 'Alice', 'admin');
        const ids = [...Array.from({ length: 1200 }, (_, i) => 100_000 + i), alice.id, admin!.id];
        const taken = await store.takenUsers(keys, ids);
        assert.deepEqual([...taken.keys].sort(), ['admin', 'alice']);
        assert.deepEqual([...taken.ids].sort((a, b) => a - b), [admin!.id, alice.id].sort((a, b) => a - b));
        const none = await store.takenUsers([], []);
        assert.deepEqual([none.keys.size, none.ids.size], [0, 0]);
      });

      it('listUsers yields every user in id order, across more than a thousand users', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.importUsers(rowsOf([importRow('late', { id: 5000 }), importRow('early', { id: 3000 })]), { by: IMPORTER, comment: 'ids' });
        await store.importUsers(rowsOf(Array.from({ length: 2100 }, (_, i) => importRow(`bulk${i}`))), { by: IMPORTER, comment: 'bulk' });
        await store.addUser(newUser('last'), CLI);
        const users = await allUsers(store);
        assert.equal(users.length, 1 + 2 + 2100 + 1);
        const ids = users.map((u) => u.id);
        assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
        assert.equal(new Set(ids).size, ids.length);
        assert.equal(users[0]!.username, 'admin');
        const records = [];
        for await (const user of store.listUsers()) if (user.username === 'late') records.push(user);
        assert.deepEqual(records, [await store.findUser({ id: 5000 })]);
      });

      it('other operations on the same store keep working while a listUsers iteration is open', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice'), CLI);
        const seen: string[] = [];
        for await (const user of store.listUsers()) {
          seen.push(user.username);
          assert.equal((await store.findUser({ id: user.id }))?.username, user.username);
          const result = await store.applyBalanceChange({ user: { id: user.id }, amount: money('1'), by: CLI, comment: 'during export' });
          assert.equal(result.kind, 'applied');
        }
        assert.deepEqual(seen, ['admin', 'alice']);
      });
    });

    describe('updating users', () => {
      it('updateUser finds the user by name in any letter case and writes a balance change as the difference', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('Alice', { balance: money('12.5') }), CLI);
        const updated = await store.updateUser(byName('aLICE'), { balance: money('10'), comment: 'correction' }, CLI);
        assert.equal(updated.username, 'Alice');
        assert.equal(updated.balance, 10_000_000n);
        const [latest, opening] = await store.ledgerEntries(updated.id, 10);
        assert.equal(opening?.amount, 12_500_000n);
        assert.deepEqual([latest?.amount, latest?.balanceAfter, latest?.source, latest?.comment], [-2_500_000n, 10_000_000n, 'cli', 'correction']);
        assert.equal((await store.findUser({ id: updated.id }))?.balance, 10_000_000n);
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
      });

      it('updateUser with the current balance writes no ledger entry', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice', { balance: money('3') }), CLI);
        const updated = await store.updateUser(byName('alice'), { balance: money('3.000000') }, CLI);
        assert.deepEqual(updated, alice);
        assert.equal((await store.ledgerEntries(alice.id, 10)).length, 1);
      });

      it('updateUser changes the currency without touching the balance or the ledger', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.saveCurrency({ code: 'EUR', rate: rate('0.9') }, CLI);
        const alice = await store.addUser(newUser('Alice', { balance: money('3') }), CLI);
        const updated = await store.updateUser(byName('ALICE'), { currency: 'EUR' }, CLI);
        assert.deepEqual(updated, { ...alice, currency: 'EUR' });
        assert.deepEqual(await store.findUser({ usernameKey: 'alice' }), updated);
        assert.equal((await store.findBalanceView('alice'))?.currency, 'EUR');
        assert.equal((await store.ledgerEntries(alice.id, 10)).length, 1);
      });

      it('updateUser refuses an unknown user or an unknown currency with not_found and changes nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('Alice', { balance: money('3') }), CLI);
        const before = await snapshot(store);
        await rejectsWith(store.updateUser(byName('nobody'), { balance: money('1') }, CLI), 'not_found');
        await rejectsWith(store.updateUser(byName('Alice'), { currency: 'XYZ', balance: money('1') }, CLI), 'not_found');
        assert.equal(await snapshot(store), before);
      });
    });

    describe("first and last names", () => {
      it('addUser keeps the names exactly as given, untrimmed, and the audit record names them', async (t) => {
        const { store } = await freshDb(t, backend);
        const ada = await store.addUser(newUser('ada', { firstName: ' Ada', lastName: 'Lovelaceé ' }), CLI);
        assert.deepEqual([ada.firstName, ada.lastName], [' Ada', 'Lovelaceé ']);
        assert.deepEqual(await store.findUser({ id: ada.id }), ada);
        assert.deepEqual((await store.searchUsers({ query: 'ada', limit: 5 })).map((u) => [u.firstName, u.lastName]), [[' Ada', 'Lovelaceé ']]);
        const [added] = await store.auditEntries(1);
        assert.equal(added?.detail, 'username "ada", currency USD, balance 0.0, role user, first_name " Ada", last_name "Lovelaceé "');
        // A user without names keeps the record's older wording.
        await store.addUser(newUser('nameless'), CLI);
        assert.equal((await store.auditEntries(1))[0]?.detail, 'username "nameless", currency USD, balance 0.0, role user');
      });

      it('updateUser changes each name with one audit record per field, and writes none for an unchanged one', async (t) => {
        const { store } = await freshDb(t, backend);
        const ada = await store.addUser(newUser('ada', { firstName: 'Ada' }), CLI);
        const audited = (await store.auditEntries(1000)).length;
        const changed = await store.updateUser({ id: ada.id }, { firstName: 'Augusta', lastName: 'King' }, CLI);
        assert.deepEqual(changed, { ...ada, firstName: 'Augusta', lastName: 'King' });
        const records = await store.auditEntries(1000);
        assert.equal(records.length, audited + 2);
        assert.deepEqual(
          records.slice(0, 2).map((r) => [r.action, r.target, r.detail]),
          [
            ['user.update', `user:${ada.id}`, 'last_name "" to "King"'],
            ['user.update', `user:${ada.id}`, 'first_name "Ada" to "Augusta"'],
          ],
        );
        await store.updateUser({ id: ada.id }, { firstName: 'Augusta', lastName: 'King' }, CLI);
        assert.equal((await store.auditEntries(1000)).length, audited + 2);
        const cleared = await store.updateUser(byName('ADA'), { lastName: '' }, CLI);
        assert.deepEqual([cleared.firstName, cleared.lastName], ['Augusta', '']);
        // The balance reads are untouched by names.
        assert.deepEqual(await store.findBalanceView('ada'), { id: ada.id, username: 'ada', currency: 'USD', balance: 0n });
      });

      it('importUsers keeps each row\'s names and role: an admin row becomes an admin login', async (t) => {
        const { store } = await freshDb(t, backend);
        const rows = [
          importRow('ada', { firstName: 'Ada', lastName: 'Lovelace', balance: money('1') }),
          importRow('boss', { role: 'admin' }),
          importRow('plain'),
        ];
        assert.equal(await store.importUsers(rowsOf(rows), { by: IMPORTER, comment: 'import' }), 3);
        const found = await Promise.all(['ada', 'boss', 'plain'].map((name) => store.findUser(byName(name))));
        assert.deepEqual(
          found.map((u) => [u?.username, u?.firstName, u?.lastName, u?.role]),
          [
            ['ada', 'Ada', 'Lovelace', 'user'],
            ['boss', '', '', 'admin'],
            ['plain', '', '', 'user'],
          ],
        );
      });
    });

    describe('money at the limits', () => {
      const LIMITS = ['999999999999.999999', '-999999999999.999999', '-0.000001', '0.000001'];

      it('balances at the limits round-trip exactly through addUser, every read and the ledger', async (t) => {
        const { store, open } = await freshDb(t, backend);
        const other = await open();
        for (const [i, text] of LIMITS.entries()) {
          const micros = money(text);
          const added = await store.addUser(newUser(`limit${i}`, { balance: micros }), CLI);
          assert.equal(added.balance, micros, text);
          assert.equal((await other.findUser({ id: added.id }))?.balance, micros, text);
          assert.equal((await other.findBalanceView(`limit${i}`))?.balance, micros, text);
          assert.equal((await other.findBalanceViewByUniquehash(added.uniquehash))?.balance, micros, text);
          const [entry] = await other.ledgerEntries(added.id, 1);
          assert.deepEqual([entry?.amount, entry?.balanceAfter], [micros, micros], text);
        }
        const listed = (await allUsers(other)).filter((u) => u.username.startsWith('limit')).map((u) => u.balance);
        assert.deepEqual(listed, LIMITS.map(money));
        assert.deepEqual((await other.verifyLedger()).mismatches, []);
      });

      it('balances at the limits round-trip exactly through updateUser, importUsers and applyBalanceChange', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.importUsers(rowsOf(LIMITS.map((text, i) => importRow(`imp${i}`, { balance: money(text) }))), { by: IMPORTER, comment: 'limits' });
        for (const [i, text] of LIMITS.entries()) assert.equal((await store.findBalanceView(`imp${i}`))?.balance, money(text), text);
        for (const [i, text] of LIMITS.entries()) {
          const upd = await store.addUser(newUser(`upd${i}`), CLI);
          assert.equal((await store.updateUser(byName(`UPD${i}`), { balance: money(text) }, CLI)).balance, money(text), text);
          const chg = await store.addUser(newUser(`chg${i}`), CLI);
          const result = await store.applyBalanceChange({ user: { id: chg.id }, amount: money(text), by: API, comment: '' });
          assert.equal(result.kind === 'applied' && result.entry.balanceAfter, money(text), text);
          for (const id of [upd.id, chg.id]) {
            const [entry] = await store.ledgerEntries(id, 10);
            assert.deepEqual([entry?.amount, entry?.balanceAfter], [money(text), money(text)], text);
            assert.equal((await store.findUser({ id }))?.balance, money(text), text);
          }
        }
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
      });

      it('a swing of nearly 2·10^12 units between balances inside the range is written and read back exactly', async (t) => {
        const { store } = await freshDb(t, backend);
        const user = await store.addUser(newUser('swing', { balance: money('999999999999.999999') }), CLI);
        // updateUser writes the whole difference as one entry, as `tally user set --balance` does.
        await store.updateUser(byName('swing'), { balance: money('-999999999999.999999') }, CLI);
        const [down] = await store.ledgerEntries(user.id, 1);
        assert.deepEqual([down?.amount, down?.balanceAfter], [-1_999_999_999_999_999_998n, money('-999999999999.999999')]);
        const up = await store.applyBalanceChange({ user: { id: user.id }, amount: 1_999_999_999_999_999_998n, by: CLI, comment: 'back up' });
        assert.equal(up.kind, 'applied');
        const entries = await store.ledgerEntries(user.id, 10);
        assert.deepEqual(entries.map((e) => e.balanceAfter), [money('999999999999.999999'), money('-999999999999.999999'), money('999999999999.999999')]);
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
      });
    });
  });
}
