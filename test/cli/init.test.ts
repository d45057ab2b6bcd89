import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BACKEND, databaseExists, execSql, runTally, tablesOf } from '../support/fixtures.js';
import { formatRate } from '../../src/domain/money.js';
import type { TempDir } from '../support/fixtures.js';
import { assertRefused, assertUnchanged, isZero, ok, on, readStore, tempDirs, withOperator } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

/** The tables of the schema, on both backends. */
const TALLY_TABLES = ['config_version', 'currencies', 'ledger_entries', 'rate_changes', 'schema_migrations', 'settings', 'users'];

/** A database made by the real `tally init ARGS`: the command under test in this file. */
async function initDb(...initArgs: string[]): Promise<TempDir> {
  const dir = await dirs.make();
  await ok(dir.db, 'init', ...initArgs);
  return dir;
}

/** Every currency as [code, rate], read in this process. */
function currencies(db: string): Promise<string[][]> {
  return readStore(db, async (store) => (await store.listCurrencies()).map((c) => [c.code, formatRate(c.rate)]));
}

/** A setting as `tally settings get` prints it (without the newline), read in this process. */
function setting(db: string, name: string): Promise<string> {
  return withOperator(db, (operator) => operator.setting(name));
}

describe('tally init on a new database', () => {
  test('creates the database with USD as the system currency by default', async () => {
    const dir = await dirs.make();
    const result = await on(dir.db, 'init');
    assert.equal(result.code, 0, result.stderr);
    assert.ok(await databaseExists(dir.db));
    for (const table of TALLY_TABLES) assert.ok((await tablesOf(dir.db)).includes(table), `init creates the table ${table}`);
    assert.deepEqual(await currencies(dir.db), [['USD', '1']]);
  });

  test('says where the database is and how to read the secret key', { skip: BACKEND === 'postgres' ? 'about SQLite files' : false }, async () => {
    const dir = await dirs.make();
    const result = await runTally(['init'], { cwd: dir.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes(join(dir.dir, 'data', 'tally.db')), result.stdout);
    assert.ok(result.stdout.includes('tally settings get api_secret_key'), result.stdout);
  });

  test('says which PostgreSQL database it created, without the password of the URL', { skip: BACKEND === 'sqlite' ? 'about PostgreSQL URLs' : false }, async () => {
    const dir = await dirs.make();
    const url = new URL(dir.db);
    url.password = 'Pa55-word';
    const schema = url.searchParams.get('schema')!;
    const created = await on(url.toString(), 'init');
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /^Created the database postgres:\/\/\S+ with system currency USD\.$/m);
    assert.ok(created.stdout.includes(`schema=${schema}`), created.stdout);
    assert.ok(created.stdout.includes('tally settings get api_secret_key'), created.stdout);
    const rerun = await on(url.toString(), 'init');
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.ok(rerun.stdout.includes(`schema=${schema}`), rerun.stdout);
    for (const output of [created.stdout, created.stderr, rerun.stdout, rerun.stderr]) assert.doesNotMatch(output, /Pa55-word/);
  });

  test('writes the settings of spec section 7 with their initial values', async () => {
    const dir = await initDb();
    const expected: Record<string, string> = {
      allow_api: 'on',
      allow_get_api: 'off',
      disable_hash_checking: 'off',
      balance_get_enabled: 'on',
      xml_api_extension: 'on',
      number_digits: '2',
    };
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(await setting(dir.db, name), value, name);
    }
  });

  test('generates a random api_secret_key of at least 32 characters, different for each database', async () => {
    const first = await initDb();
    const second = await initDb();
    const key1 = await setting(first.db, 'api_secret_key');
    const key2 = await setting(second.db, 'api_secret_key');
    assert.ok(key1.length >= 32, `key too short: ${key1.length}`);
    assert.ok(key2.length >= 32, `key too short: ${key2.length}`);
    assert.notEqual(key1, key2);
  });

  test('creates the admin account admin with the admin role, a zero balance and the system currency', async () => {
    const dir = await initDb();
    const admin = await withOperator(dir.db, (operator) => operator.user('admin'));
    assert.equal(admin.username, 'admin');
    assert.equal(admin.role, 'admin');
    assert.equal(admin.currency, 'USD');
    assert.ok(isZero(admin.balance), admin.balance);
    assert.match(admin.uniquehash ?? '', /^\S+$/);
  });

  test('uses the currency given with --currency, in upper case, as the system currency', async () => {
    const dir = await initDb('--currency', 'eur');
    assert.deepEqual(await currencies(dir.db), [['EUR', '1']]);
    assert.equal((await withOperator(dir.db, (operator) => operator.user('admin'))).currency, 'EUR');
  });

  for (const bad of ['EU', 'EUROPE', 'US-D', 'USER', 'user']) {
    test(`refuses the invalid system currency "${bad}" and does not create the database`, async () => {
      const dir = await dirs.make();
      assertRefused(await on(dir.db, 'init', '--currency', bad), bad);
      assert.equal(await databaseExists(dir.db), false);
    });
  }
});

describe('tally init on an existing database', () => {
  test('changes nothing when rerun: same key, users, currencies and settings', async () => {
    const dir = await initDb();
    await withOperator(dir.db, async (operator) => {
      await operator.addUser('alice', { balance: '12.5' });
      await operator.currency('EUR', { rate: '0.7351' });
      await operator.set('allow_get_api', 'on');
      await operator.set('number_digits', '4');
    });
    const result = await assertUnchanged(dir.db, () => on(dir.db, 'init'));
    assert.equal(result.code, 0, result.stderr);
  });

  test('accepts a rerun that names the same system currency in any letter case', async () => {
    const dir = await initDb('--currency', 'EUR');
    assert.equal((await assertUnchanged(dir.db, () => on(dir.db, 'init', '--currency', 'eur'))).code, 0);
  });

  test('refuses a rerun with a different --currency and leaves the system currency as it was', async () => {
    const dir = await initDb();
    assertRefused(await assertUnchanged(dir.db, () => on(dir.db, 'init', '--currency', 'EUR')));
  });

  test('restores a missing setting with its initial value and keeps the existing key', async () => {
    const dir = await initDb();
    const key = await setting(dir.db, 'api_secret_key');
    await withOperator(dir.db, (operator) => operator.set('allow_api', 'off'));
    await execSql(dir.db, "DELETE FROM settings WHERE name = 'number_digits'");
    assert.deepEqual(await execSql(dir.db, "SELECT value FROM settings WHERE name = 'number_digits'"), []);
    assert.equal((await on(dir.db, 'init')).code, 0);
    assert.equal(await setting(dir.db, 'number_digits'), '2');
    assert.equal(await setting(dir.db, 'allow_api'), 'off');
    assert.equal(await setting(dir.db, 'api_secret_key'), key);
  });
});
