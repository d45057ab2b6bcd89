/** Store contract, part 6: user ids within MAX_USER_ID, usernames in NFC, the collisions verify reports. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_USER_ID } from '../../src/domain/user-ids.js';
import { usernameKey } from '../../src/domain/usernames.js';
import { allUsers, backendOptions, BACKENDS, CLI, freshDb, IMPORTER, importRow, money, newUser, rawMoney, rejectsWith, rowsOf, snapshot } from './backends.js';

const NFC = 'Jos\u00e9';
const NFD = 'Jose\u0301';

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('user ids', () => {
      it('importUsers accepts the id MAX_USER_ID, after which addUser refuses with conflict and changes nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.importUsers(rowsOf([importRow('top', { id: MAX_USER_ID, balance: money('1') })]), { by: IMPORTER, comment: 'top', autoIdsAbove: MAX_USER_ID });
        assert.equal((await store.findUser({ id: MAX_USER_ID }))?.username, 'top');
        const before = await snapshot(store);
        await rejectsWith(store.addUser(newUser('next', { balance: money('5') }), CLI), 'conflict');
        await rejectsWith(store.addUser(newUser('next'), CLI), 'conflict');
        assert.equal(await snapshot(store), before);
        assert.equal(await store.findUser({ usernameKey: 'next' }), undefined);
      });

      it('importUsers refuses a row whose id is above MAX_USER_ID and imports none of the rows', async (t) => {
        const { store } = await freshDb(t, backend);
        const before = await snapshot(store);
        const rows = [importRow('fine', { id: 5 }), importRow('beyond', { id: MAX_USER_ID + 1 })];
        await rejectsWith(store.importUsers(rowsOf(rows), { by: IMPORTER, comment: 'x', autoIdsAbove: MAX_USER_ID + 1 }), 'conflict');
        await rejectsWith(store.importUsers(rowsOf(rows), { by: IMPORTER, comment: 'x' }), 'conflict');
        assert.equal(await snapshot(store), before);
        // Nothing of the refused imports holds the next id back.
        assert.ok((await store.addUser(newUser('after'), CLI)).id < 100);
      });

      it('importUsers refuses rows without an id that would be numbered above MAX_USER_ID, importing none', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.importUsers(rowsOf([importRow('top', { id: MAX_USER_ID })]), { by: IMPORTER, comment: 'top', autoIdsAbove: MAX_USER_ID });
        const before = await snapshot(store);
        await rejectsWith(store.importUsers(rowsOf([importRow('low', { id: 7 }), importRow('unnumbered')]), { by: IMPORTER, comment: 'x', autoIdsAbove: 7 }), 'conflict');
        assert.equal(await snapshot(store), before);
      });
    });

    describe('usernames in Unicode NFC', () => {
      it('addUser and importUsers store the NFC form, found by the key of either spelling', async (t) => {
        const { store } = await freshDb(t, backend);
        const added = await store.addUser(newUser(NFD), CLI);
        assert.equal(added.username, NFC);
        await store.importUsers(rowsOf([importRow('Zoe\u0308')]), { by: IMPORTER, comment: 'x' });
        assert.deepEqual((await allUsers(store)).map((u) => u.username), ['admin', NFC, 'Zo\u00eb']);
        assert.equal((await store.findUser({ usernameKey: usernameKey(NFC) }))?.id, added.id);
        assert.equal((await store.findBalanceView(usernameKey('JOSE\u0301')))?.id, added.id);
        assert.equal((await store.findBalanceView(usernameKey('zo\u00eb')))?.username, 'Zo\u00eb');
      });

      it('addUser refuses the other spelling of a name with already_exists and changes nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await store.addUser(newUser(NFC), CLI);
        const before = await snapshot(store);
        await rejectsWith(store.addUser(newUser(NFD), CLI), 'already_exists');
        await rejectsWith(store.addUser(newUser('JOSE\u0301'), CLI), 'already_exists');
        assert.equal(await snapshot(store), before);
      });

      it('usernameCollisions names each stale user with the user it collides with, and nothing on a clean database', async (t) => {
        const { store, sql } = await freshDb(t, backend);
        const nfc = await store.addUser(newUser(NFC), CLI);
        await store.addUser(newUser('plain'), CLI);
        assert.deepEqual(await store.usernameCollisions(), []);
        // As a Tally before NFC stored a decomposed spelling: the name as given, its plain lower case as key.
        await sql("INSERT INTO users (id, username, username_key, currency, balance, uniquehash) VALUES (?, ?, ?, 'USD', ?, 'rawtoken00000001')", [
          500,
          NFD,
          NFD.toLowerCase(),
          rawMoney(backend, 0n),
        ]);
        assert.deepEqual(await store.usernameCollisions(), [
          { user: { id: 500, username: NFD, usernameKey: NFD.toLowerCase() }, with: { id: nfc.id, username: NFC, usernameKey: usernameKey(NFC) } },
        ]);
        // tally copy moves the pair as it is, keys included, for the operator to rename one.
        const target = (await freshDb(t, backend, { initialize: false })).store;
        await target.importTables(store.exportTables());
        assert.deepEqual(await target.usernameCollisions(), await store.usernameCollisions());
      });
    });
  });
}
