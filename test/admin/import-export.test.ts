/** The admin layer's users CSV: two-pass imports with line-exact errors, uniquehash tokens, exports; both backends. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdminError } from '../../src/admin/admin-error.js';
import { saveCurrency } from '../../src/admin/currencies.js';
import { exportUsers } from '../../src/admin/user-export.js';
import { importUsers } from '../../src/admin/user-import.js';
import { addUser, closeUser, findUser } from '../../src/admin/users.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, backendOptions, freshDb, snapshot } from '../store/backends.js';
import { ACTOR, csv, rejectsWithAdmin } from './admin-helpers.js';

async function exported(store: Store): Promise<string> {
  let text = '';
  for await (const line of exportUsers(store)) text += line;
  return text;
}

async function refusedLines(store: Store, text: string | Buffer): Promise<[number, string][]> {
  const error: AdminError = await rejectsWithAdmin(importUsers(store, { source: csv(text), name: 'users.csv' }, ACTOR), 'invalid', { entity: 'file', reason: 'lines' });
  return error.lines.map((line) => [line.line, line.reason]);
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    it('imports every row with its given uniquehash, a fresh token where none is given, and import entries naming the actor', async (t) => {
      const { store } = await freshDb(t, backend);
      await saveCurrency(store, { code: 'EUR', rate: '0.9' }, ACTOR);
      const text = 'username,currency,balance,id,uniquehash\nv1,USD,1.5,,Kolmi5oftToken\nv2,eur,0,700,\nv3,USD,-2,,\n';
      const result = await importUsers(store, { source: csv(text), name: 'users.csv' }, ACTOR);
      assert.deepEqual(result, { rows: 3, imported: 3 });
      const [v1, v2, v3] = [await findUser(store, { username: 'v1' }), await findUser(store, { username: 'v2' }), await findUser(store, { username: 'v3' })];
      assert.equal(v1.uniquehash, 'Kolmi5oftToken');
      assert.equal((await store.findBalanceViewByUniquehash('Kolmi5oftToken'))?.id, v1.id);
      assert.deepEqual([v2.id, v2.currency], [700, 'EUR']);
      assert.match(v3.uniquehash, /^[a-z0-9]{16}$/);
      const [entry] = await store.ledgerEntries(v1.id, 10);
      assert.deepEqual([entry?.source, entry?.actor, entry?.comment], ['import', 'cli:tester', 'import users.csv']);
    });

    it('writes nothing on a dry run, and says how many rows it would import', async (t) => {
      const { store } = await freshDb(t, backend);
      const before = await snapshot(store);
      assert.deepEqual(await importUsers(store, { source: csv('username,currency,balance\na,USD,1\nb,USD,2\n'), name: 'x.csv', dryRun: true }, ACTOR), { rows: 2, imported: 0 });
      assert.equal(await snapshot(store), before);
    });

    it('refuses the whole file for bad tokens, naming each line and the reason, and imports nothing', async (t) => {
      const { store } = await freshDb(t, backend);
      const holder = await addUser(store, { username: 'holder' }, ACTOR);
      const before = await snapshot(store);
      const text = [
        'uniquehash,username,currency,balance',
        'ok1,a,USD,1',
        'has-dash,b,USD,1',
        `${'x'.repeat(65)},c,USD,1`,
        'ok1,d,USD,1',
        `${holder.uniquehash},e,USD,1`,
        ',f,USD,1',
      ].join('\n');
      assert.deepEqual(await refusedLines(store, text), [
        [3, 'invalid_uniquehash'],
        [4, 'invalid_uniquehash'],
        [5, 'repeated_uniquehash'],
        [6, 'uniquehash_taken'],
      ]);
      assert.equal(await snapshot(store), before);
    });

    it('reports every bad line of a file, alone, across the file and against the database, in line order', async (t) => {
      const { store } = await freshDb(t, backend);
      await addUser(store, { username: 'taken' }, ACTOR);
      const text = ['username,currency,balance,id', 'a,XXX,1,', 'b,USD,x,', 'twin,USD,1,', 'TWIN,USD,1,', 'Taken,USD,1,', 'c,USD,1,0', 'd,USD,1', '"e,USD,1,'].join('\n');
      assert.deepEqual(await refusedLines(store, text), [
        [2, 'unknown_currency'],
        [3, 'invalid_balance'],
        [5, 'repeated_username'],
        [6, 'username_taken'],
        [7, 'invalid_id'],
        [8, 'field_count'],
        [9, 'unclosed_quote'],
      ]);
      assert.deepEqual(await refusedLines(store, 'username,balance\nv,1\n'), [[1, 'missing_column']]);
      const names = 'username,currency,balance,first_name,last_name\nn1,USD,1,Ada,Lovelace\nn2,USD,1,"a\tb",\nn3,USD,1,,' + 'x'.repeat(256) + '\n';
      assert.deepEqual(await refusedLines(store, names), [
        [3, 'invalid_name'],
        [4, 'invalid_name'],
      ]);
      assert.deepEqual(await refusedLines(store, ''), [[1, 'empty_file']]);
      const latin1 = Buffer.concat([Buffer.from('username,currency,balance\nok,USD,1\n'), Buffer.from([0x4a, 0xe9]), Buffer.from(',USD,1\n')]);
      assert.deepEqual(await refusedLines(store, latin1), [[3, 'not_utf8']]);
    });

    it('exports active customers with their tokens, in the format the import reads back exactly', async (t) => {
      const source = await freshDb(t, backend);
      await addUser(source.store, { username: 'with,comma', balance: '-12.5' }, ACTOR);
      await addUser(source.store, { username: '=SUM(A1)', balance: '0.000001' }, ACTOR);
      await addUser(source.store, { username: 'gone', balance: '3' }, ACTOR);
      await addUser(source.store, { username: 'ops', role: 'admin' }, ACTOR);
      await addUser(source.store, { username: 'ada', firstName: ' Ada, Countess', lastName: '+Lovelace "Byron"' }, ACTOR);
      await closeUser(source.store, { username: 'gone' }, ACTOR);
      const text = await exported(source.store);
      const lines = text.trimEnd().split('\n');
      assert.equal(lines[0], 'id,username,currency,balance,uniquehash,first_name,last_name');
      assert.equal(lines.length, 4, 'neither admin logins nor closed users are exported');
      const comma = await findUser(source.store, { username: 'with,comma' });
      assert.equal(lines[1], `${comma.id},"with,comma",USD,-12.5,${comma.uniquehash},,`);
      // Names are quoted like usernames, and a would-be formula gets its leading quote.
      const ada = await findUser(source.store, { username: 'ada' });
      assert.equal(lines[3], `${ada.id},ada,USD,0.0,${ada.uniquehash}," Ada, Countess","'+Lovelace ""Byron"""`);

      const target = await freshDb(t, backend);
      await importUsers(target.store, { source: csv(text), name: 'all.csv' }, ACTOR);
      assert.equal(await exported(target.store), text);
      const copied = await findUser(target.store, { username: 'ada' });
      assert.deepEqual([copied.firstName, copied.lastName], [' Ada, Countess', '+Lovelace "Byron"']);
    });
  });
}
