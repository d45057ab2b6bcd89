/** Store contract, part 3: importing users in bulk. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImportRow } from '../../src/store/store.js';
import { allUsers, API, backendOptions, BACKENDS, CLI, freshDb, IMPORTER, importRow, money, newUser, rejectsWith, rowsOf, snapshot } from './backends.js';

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('importing users', () => {
      it('importUsers adds rows with and without explicit ids, each non-zero balance as an import entry', async (t) => {
        const { store } = await freshDb(t, backend);
        let ticks = 0;
        const count = await store.importUsers(
          rowsOf([
            importRow('Imp100', { id: 100, balance: money('5') }),
            importRow('impfree', { balance: money('0') }),
            importRow('Imp50', { id: 50, balance: money('-1.25') }),
            importRow('impfree2', { balance: money('0.000001') }),
          ]),
          { by: IMPORTER, comment: 'import users.csv', autoIdsAbove: 100, onRow: () => ticks++ },
        );
        assert.equal(count, 4);
        assert.equal(ticks, 4);
        const imp100 = await store.findUser({ id: 100 });
        assert.deepEqual([imp100?.username, imp100?.balance, imp100?.role], ['Imp100', 5_000_000n, 'user']);
        assert.equal((await store.findUser({ id: 50 }))?.username, 'Imp50');
        const free = await store.findUser({ usernameKey: 'impfree' });
        assert.ok(free !== undefined && free.id !== 100 && free.id !== 50);
        assert.deepEqual(await store.ledgerEntries(free.id, 10), []);
        const entries = await store.ledgerEntries(100, 10);
        assert.deepEqual(entries.map((e) => [e.amount, e.balanceAfter, e.source, e.comment]), [[5_000_000n, 5_000_000n, 'import', 'import users.csv']]);
        assert.equal((await store.findBalanceView('impfree2'))?.balance, 1n);
        const report = await store.verifyLedger();
        assert.deepEqual([report.users, report.entries, report.mismatches], [5, 3, []]);
      });

      it("importUsers applies its currencies and updates in the import's transaction, and rolls them back with it", async (t) => {
        const { store } = await freshDb(t, backend);
        const options = {
          by: IMPORTER,
          comment: 'import mysql://root@db/mor',
          currencies: [{ code: 'EUR', rate: { units: 9n, scale: 1 }, active: false }],
          updates: [{ ref: { id: 0 }, change: { balance: money('7.5'), uniquehash: 'adminToken', firstName: 'System', comment: 'import mysql://root@db/mor' } }],
        };
        const before = await snapshot(store);
        await rejectsWith(store.importUsers(rowsOf([importRow('x', { currency: 'EUR' }), importRow('X')]), options), 'already_exists');
        assert.equal(await snapshot(store), before);
        assert.deepEqual((await store.listCurrencies()).map((currency) => currency.code), ['USD']);
        assert.equal(await store.importUsers(rowsOf([importRow('x', { currency: 'EUR', role: 'admin' })]), options), 1);
        const admin = await store.findUser({ id: 0 });
        assert.deepEqual([admin?.balance, admin?.uniquehash, admin?.firstName], [7_500_000n, 'adminToken', 'System']);
        const [entry] = await store.ledgerEntries(0, 1);
        assert.deepEqual([entry?.amount, entry?.source, entry?.comment], [7_500_000n, 'import', 'import mysql://root@db/mor']);
        assert.deepEqual((await store.findUser({ usernameKey: 'x' }))?.role, 'admin');
        const euro = (await store.listCurrencies()).find((currency) => currency.code === 'EUR');
        assert.deepEqual([euro?.rate, euro?.active], [{ units: 9n, scale: 1 }, false]);
      });

      it('after an import with explicit ids, addUser gets an id that collides with none of them', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.importUsers(rowsOf([importRow('a', { id: 2 }), importRow('b', { id: 3 }), importRow('c', { id: 1000 })]), { by: IMPORTER, comment: 'ids' });
        const added = [];
        for (let i = 0; i < 3; i++) added.push(await store.addUser(newUser(`new${i}`), CLI));
        for (const user of added) assert.ok(![1, 2, 3, 1000].includes(user.id), `id ${user.id}`);
        await store.importUsers(rowsOf([importRow('d')]), { by: IMPORTER, comment: 'no ids' });
        const ids = (await allUsers(store)).map((u) => u.id);
        assert.equal(new Set(ids).size, 8);
      });

      it('rows without an id never take an id that a later row of the same import asks for', async (t) => {
        const { store } = await freshDb(t, backend);
        // Validated as an import would be: id 3 is free and no row repeats it.
        const taken = await store.takenUsers(['m1', 'm2', 'm3'], [3]);
        assert.equal(taken.ids.size, 0);
        const count = await store.importUsers(rowsOf([importRow('m1'), importRow('m2'), importRow('m3', { id: 3 })]), { by: IMPORTER, comment: 'mixed', autoIdsAbove: 3 });
        assert.equal(count, 3);
        assert.equal((await store.findUser({ id: 3 }))?.username, 'm3');
      });

      it('a row conflicting with an existing user by name or by id rolls the whole import back', async (t) => {
        const { store } = await freshDb(t, backend);
        const alice = await store.addUser(newUser('alice', { balance: money('1') }), CLI);
        const before = await snapshot(store);
        await rejectsWith(store.importUsers(rowsOf([importRow('new1', { balance: money('2') }), importRow('new2'), importRow('ALICE')]), { by: IMPORTER, comment: 'by name' }), 'already_exists');
        assert.equal(await snapshot(store), before);
        await rejectsWith(store.importUsers(rowsOf([importRow('new1', { balance: money('2') }), importRow('new3', { id: alice.id })]), { by: IMPORTER, comment: 'by id' }), 'already_exists');
        assert.equal(await snapshot(store), before);
        assert.equal(await store.findUser({ usernameKey: 'new1' }), undefined);
      });

      it('a conflict after more than a thousand good rows still rolls the whole import back', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice'), CLI);
        const before = await snapshot(store);
        const rows: ImportRow[] = Array.from({ length: 1500 }, (_, i) => importRow(`bulk${i}`, { balance: money('1') }));
        rows.push(importRow('Alice'));
        await rejectsWith(store.importUsers(rowsOf(rows), { by: IMPORTER, comment: 'late conflict' }), 'already_exists');
        assert.equal(await snapshot(store), before);
        const report = await store.verifyLedger();
        assert.deepEqual([report.users, report.entries], [2, 0]);
      });

      it('a failure of the row source rolls the import back and the store stays usable', async (t) => {
        const { store } = await freshDb(t, backend);
        const before = await snapshot(store);
        async function* failing(): AsyncGenerator<ImportRow> {
          yield importRow('ok1', { balance: money('1') });
          yield importRow('ok2');
          throw new Error('the file changed');
        }
        await assert.rejects(store.importUsers(failing(), { by: IMPORTER, comment: 'broken' }), /the file changed/);
        assert.equal(await snapshot(store), before);
        const added = await store.addUser(newUser('ok1'), CLI);
        assert.equal(added.username, 'ok1');
      });

      it('a balance change applied through the same store while an import runs survives the import failing', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser('alice'), CLI);
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let started!: () => void;
        const running = new Promise<void>((resolve) => (started = resolve));
        async function* slow(): AsyncGenerator<ImportRow> {
          yield importRow('imported');
          started();
          await gate;
          throw new Error('the file changed');
        }
        const importing = store.importUsers(slow(), { by: IMPORTER, comment: 'slow' });
        importing.catch(() => undefined);
        await running;
        // SQLite has one writer: the change may be refused while the import holds the lock
        // (SQLITE_BUSY after the busy timeout), but what is answered as applied must stay applied.
        const result = await store
          .applyBalanceChange({ user: { usernameKey: 'alice' }, amount: money('5'), by: API, comment: 'meanwhile' })
          .catch((error: unknown) => error);
        release();
        await assert.rejects(importing, /the file changed/);
        const applied = (result as { kind?: string }).kind === 'applied';
        if (backend === 'postgres') assert.ok(applied, 'PostgreSQL applies it beside the import');
        assert.equal((await store.findUser({ usernameKey: 'alice' }))?.balance, applied ? 5_000_000n : 0n, 'an applied change is never lost');
        assert.equal(await store.findUser({ usernameKey: 'imported' }), undefined);
      });

      it('importUsers of no rows imports nothing and answers 0', async (t) => {
        const { store } = await freshDb(t, backend);
        const before = await snapshot(store);
        assert.equal(await store.importUsers(rowsOf([]), { by: IMPORTER, comment: 'empty' }), 0);
        assert.equal(await snapshot(store), before);
      });
    });
  });
}
