/**
 * Importing a Kolmisoft database from the real MariaDB into both backends: awkward rows refused
 * row by row with nothing imported, a clean import that verifies, a dry run that writes nothing,
 * and a snapshot that is only ever read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importKolmisoft, KolmisoftRefused } from '../../src/admin/kolmisoft-import.js';
import { kolmisoftProblemMessage, kolmisoftReportLines } from '../../src/admin/kolmisoft-messages.js';
import { addUser, findUser } from '../../src/admin/users.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, backendOptions, freshDb, importRow, rowsOf, snapshot } from '../store/backends.js';
import { ACTOR } from '../admin/admin-helpers.js';
import { kolmisoftDb, mysqlOptions, type KolmisoftDb } from './kolmisoft-fixture.js';

const CURRENCIES = "(1, 'USD', 1, 1), (2, 'EUR', 0.9174311926605504, 1), (3, 'GBP', 0.79, 0)";

/** Everything a refusal must leave as it was: users, ledger and currencies. */
async function state(store: Store): Promise<string> {
  return (await snapshot(store)) + JSON.stringify(await store.listCurrencies(), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}

async function refusal(store: Store, source: KolmisoftDb, dryRun = false): Promise<string[]> {
  let caught: KolmisoftRefused | undefined;
  await assert.rejects(importKolmisoft(store, { from: source.url, dryRun }, ACTOR), (error: unknown) => {
    assert.ok(error instanceof KolmisoftRefused, String(error));
    caught = error;
    return true;
  });
  return caught!.problems.map(kolmisoftProblemMessage);
}

/** The source's own checksum, to prove the import never wrote to it. */
async function checksum(source: KolmisoftDb): Promise<string> {
  return JSON.stringify(await source.sql('CHECKSUM TABLE currencies, users EXTENDED'));
}

describe('Kolmisoft import', mysqlOptions(), () => {
  for (const backend of BACKENDS) {
    describe(backend, backendOptions(backend), () => {
      it('refuses awkward rows, naming the table, the row id and the problem of each, and imports nothing', async (t) => {
        const { store } = await freshDb(t, backend);
        await addUser(store, { username: 'TAKEN' }, ACTOR);
        await store.importUsers(rowsOf([importRow('holder', { uniquehash: 'heldToken' }), importRow('numbered', { id: 11 })]), { comment: 'seed', by: ACTOR });
        const source = await kolmisoftDb(t, {
          currencies: `${CURRENCIES}, (4, 'eur', 0.8, 1), (5, 'E U', 1, 1), (6, 'JPY', 0, 1)`,
          users: [
            "(0, 'admin', 'admin', 'System', 'Admin', 12.5, 1, 'adminToken', 0)",
            "(1, 'bob', 'user', 'Bob', 'B', 1, 1, 'tok1', 0)",
            "(2, 'BOB', 'user', '', '', 1, 1, 'tok2', 0)",
            "(3, 'carol', 'user', '', '', 10.0840336134454, 99, 'tok3', 0)",
            "(4, 'dave', 'user', '', '', 0, 1, 'dupHash', 0)",
            "(5, 'erin', 'user', '', '', 0, 1, 'dupHash', 0)",
            "(6, 'frank', 'user', NULL, NULL, 0, 1, NULL, 0)",
            "(7, 'taken', 'user', '', '', 0, 1, 'tok7', 0)",
            "(8, 'heidi', 'user', '', '', 0, 1, 'heldToken', 0)",
            "(9, 'ivan', 'user', '', '', 0, 99, 'has-dash', 1)",
            "(10, 'judy', 'user', '', '', 0, 1, 'has-dash', 0)",
            "(11, 'ken', 'user', '', '', 0, 1, 'tok11', 0)",
            "(12, '', 'user', '', '', 0, NULL, 'tok12', 0)",
            "(13, 'lena', 'user', '', '', 1e300, 1, 'tok13', 0)",
          ].join(', '),
        });
        const before = await state(store);
        const sourceBefore = await checksum(source);
        assert.deepEqual(await refusal(store, source), [
          'currencies row 4: currency EUR repeats row 2 (codes ignore letter case)',
          'currencies row 5: name "E U" is not a currency code: a currency code is 3 to 5 letters or digits',
          'currencies row 6: exchange_rate 0 is not greater than zero',
          // TAKEN was numbered 1 in Tally.
          'users row 1: id 1 is already taken in this Tally database',
          'users row 2: username "BOB" repeats row 1 (usernames ignore letter case)',
          'users row 3: currency_id 99 is not in currencies',
          'users row 5: the uniquehash repeats row 4',
          'users row 7: username "taken" is already taken in this Tally database (usernames ignore letter case)',
          'users row 8: the uniquehash is already held by a user of this Tally database',
          'users row 10: uniquehash "has-dash" is not 1 to 64 letters (A-Z, a-z) and digits',
          'users row 11: id 11 is already taken in this Tally database',
          'users row 12: username "": a username cannot be empty',
          'users row 13: balance 1e300 is out of range',
        ]);
        assert.equal(await state(store), before, 'nothing was imported');
        assert.equal(await checksum(source), sourceBefore, 'nothing was written to the source');
      });

      it('imports currencies, users with rounded balances and Kolmisoft admin onto id 0, in a database that verifies', async (t) => {
        const { store } = await freshDb(t, backend);
        const source = await kolmisoftDb(t, {
          currencies: CURRENCIES,
          users: [
            "(0, 'admin', 'admin', 'System', 'Admin', 12.5, 1, 'adminToken', 0)",
            "(2, 'bob', 'user', NULL, 'B', 10.0840336134454, 1, 'tok2', 0)",
            "(3, 'alice', 'reseller', 'Alice', '', -3.25, 2, NULL, 0)",
            "(4, 'ghost', 'user', '', '', 1, 99, 'tok4', 1)",
            "(5, 'boss', 'admin', '', '', 0, 1, 'tok5', 0)",
            "(6, 'tiny', 'user', '', '', 0.0000005, 3, 'tok6', 0)",
            "(7, 'dust', 'user', '', '', 1e-20, 1, 'tok7', 0)",
            "(8, 'owes', 'user', '', '', -0.0000005, 1, 'tok8', 0)",
          ].join(', '),
        });
        const sourceBefore = await checksum(source);
        const report = await importKolmisoft(store, { from: source.url }, ACTOR);
        assert.deepEqual(kolmisoftReportLines(report), [
          `imported 6 users (1 of them admin logins) from ${source.url}`,
          "Kolmisoft's admin (id 0): its balance, names and token came over onto Tally's admin account",
          'hidden users skipped: 1',
          'users without a uniquehash, given a new one: 1',
          'balances rounded half away from zero to 6 fractional digits: 4 not exact, by at most 0.0000005',
          'currencies added: EUR, GBP; rates changed: none',
          'rates rounded to 12 significant fractional digits: EUR',
        ]);
        const user = (username: string) => findUser(store, { username });
        const [admin, bob, alice, boss, tiny, dust, owes] = await Promise.all(['admin', 'bob', 'alice', 'boss', 'tiny', 'dust', 'owes'].map(user));
        assert.deepEqual(
          [admin!.id, admin!.username, admin!.balance, admin!.uniquehash, admin!.role, admin!.firstName, admin!.lastName],
          [0, 'admin', 12_500_000n, 'adminToken', 'admin', 'System', 'Admin'],
        );
        // A NULL first_name (Kolmisoft allows one) is an empty name.
        assert.deepEqual([bob!.id, bob!.balance, bob!.uniquehash, bob!.role, bob!.firstName, bob!.lastName], [2, 10_084_034n, 'tok2', 'user', '', 'B']);
        assert.deepEqual([alice!.id, alice!.balance, alice!.currency, alice!.firstName, alice!.lastName], [3, -3_250_000n, 'EUR', 'Alice', '']);
        assert.match(alice!.uniquehash, /^[a-z0-9]{16}$/);
        assert.equal(boss!.role, 'admin');
        assert.deepEqual([tiny!.balance, tiny!.currency, dust!.balance, owes!.balance], [1n, 'GBP', 0n, -1n]);
        await assert.rejects(findUser(store, { username: 'ghost' }));
        const [entry] = await store.ledgerEntries(0, 10);
        assert.deepEqual([entry?.source, entry?.amount, entry?.comment], ['import', 12_500_000n, `import ${source.url}`]);
        const currencies = await store.listCurrencies();
        assert.deepEqual(
          currencies.map((currency) => [currency.code, currency.rate, currency.active]),
          [
            ['USD', { units: 1n, scale: 0 }, true],
            ['EUR', { units: 917431192661n, scale: 12 }, true],
            ['GBP', { units: 79n, scale: 2 }, false],
          ],
        );
        const verified = await store.verifyLedger();
        assert.deepEqual([verified.users, verified.mismatches], [7, []]);
        assert.equal(await checksum(source), sourceBefore, 'nothing was written to the source');
      });

      it('writes nothing on a dry run, and reports what it would import', async (t) => {
        const { store } = await freshDb(t, backend);
        const source = await kolmisoftDb(t, { currencies: CURRENCIES, users: "(0, 'admin', 'admin', '', '', 3, 1, 'adminToken', 0), (1, 'bob', 'user', '', '', 1.5, 2, 'tok1', 0)" });
        const before = await state(store);
        const report = await importKolmisoft(store, { from: source.url, dryRun: true }, ACTOR);
        assert.deepEqual(kolmisoftReportLines(report).slice(0, 2), [
          `would import 1 users from ${source.url}; nothing was written (dry run)`,
          "Kolmisoft's admin (id 0): its balance, names and token would come over onto Tally's admin account",
        ]);
        assert.equal(await state(store), before);
      });

      it("refuses a source whose default currency is not the Tally database's system currency, or that lacks a column", async (t) => {
        const { store } = await freshDb(t, backend);
        const euro = await kolmisoftDb(t, { currencies: "(1, 'EUR', 1, 1), (2, 'USD', 1.09, 1)", users: "(1, 'bob', 'user', '', '', 1, 1, 'tok1', 0)" });
        assert.deepEqual(await refusal(store, euro), [
          "currencies row 1: the default currency is EUR but this Tally database's system currency is USD: every balance would change meaning",
        ]);
        const odd = await kolmisoftDb(t, { currencies: "(1, 'USD', 0.5, 1)" });
        assert.deepEqual(await refusal(store, odd, true), ["currencies row 1: the default currency's exchange_rate is 0.5, not 1"]);
        const headless = await kolmisoftDb(t, { currencies: "(2, 'USD', 1, 1)" });
        assert.deepEqual(await refusal(store, headless), ["currencies: no row with id 1, Kolmisoft's default currency"]);
        const old = await kolmisoftDb(t, { currencies: CURRENCIES });
        await old.sql('ALTER TABLE users DROP COLUMN hidden, DROP COLUMN uniquehash');
        assert.deepEqual(await refusal(store, old), ['users: the table lacks uniquehash, hidden (is this a Kolmisoft MOR, M2 or M4 database?)']);
      });
    });
  }
});
