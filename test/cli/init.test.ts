import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BACKEND, databaseExists, execSql, runTally, tablesOf } from '../support/fixtures.js';
import { assertRefused, initDb, isZero, ok, on, parseFields, parseTable, tempDirs } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

/** The tables of the schema, on both backends. */
const TALLY_TABLES = ['config_version', 'currencies', 'ledger_entries', 'rate_changes', 'schema_migrations', 'settings', 'users'];

/** Everything an operator can read back, to prove that a command changed nothing. */
async function snapshot(db: string): Promise<string> {
  const parts = [
    await ok(db, 'settings', 'list'),
    await ok(db, 'settings', 'get', 'api_secret_key'),
    await ok(db, 'currency', 'list'),
    await ok(db, 'user', 'list'),
    await ok(db, 'user', 'show', 'admin'),
  ];
  return parts.join('\n---\n');
}

describe('tally init on a new database', () => {
  test('creates the database with USD as the system currency by default', async () => {
    const dir = await dirs.make();
    const result = await on(dir.db, 'init');
    assert.equal(result.code, 0, result.stderr);
    assert.ok(await databaseExists(dir.db));
    for (const table of TALLY_TABLES) assert.ok((await tablesOf(dir.db)).includes(table), `init creates the table ${table}`);
    const currencies = parseTable(await ok(dir.db, 'currency', 'list'));
    assert.equal(currencies.length, 1);
    assert.equal(currencies[0]?.code, 'USD');
    assert.equal(currencies[0]?.rate, '1');
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
    const dir = await initDb(dirs);
    const expected: Record<string, string> = {
      allow_api: 'on\n',
      allow_get_api: 'off\n',
      disable_hash_checking: 'off\n',
      balance_get_enabled: 'on\n',
      xml_api_extension: 'on\n',
      number_digits: '2\n',
    };
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(await ok(dir.db, 'settings', 'get', name), value, name);
    }
  });

  test('generates a random api_secret_key of at least 32 characters, different for each database', async () => {
    const first = await initDb(dirs);
    const second = await initDb(dirs);
    const key1 = (await ok(first.db, 'settings', 'get', 'api_secret_key')).trimEnd();
    const key2 = (await ok(second.db, 'settings', 'get', 'api_secret_key')).trimEnd();
    assert.ok(key1.length >= 32, `key too short: ${key1.length}`);
    assert.ok(key2.length >= 32, `key too short: ${key2.length}`);
    assert.notEqual(key1, key2);
  });

  test('creates the admin account admin with the admin role, a zero balance and the system currency', async () => {
    const dir = await initDb(dirs);
    const admin = parseFields(await ok(dir.db, 'user', 'show', 'admin'));
    assert.equal(admin.username, 'admin');
    assert.equal(admin.role, 'admin');
    assert.equal(admin.currency, 'USD');
    assert.ok(isZero(admin.balance), admin.balance);
    assert.match(admin.uniquehash ?? '', /^\S+$/);
  });

  test('uses the currency given with --currency, in upper case, as the system currency', async () => {
    const dir = await initDb(dirs, '--currency', 'eur');
    const currencies = parseTable(await ok(dir.db, 'currency', 'list'));
    assert.deepEqual(currencies.map((c) => [c.code, c.rate]), [['EUR', '1']]);
    assert.equal(parseFields(await ok(dir.db, 'user', 'show', 'admin')).currency, 'EUR');
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
    const dir = await initDb(dirs);
    await ok(dir.db, 'user', 'add', 'alice', '--balance', '12.5');
    await ok(dir.db, 'currency', 'set', 'EUR', '--rate', '0.7351');
    await ok(dir.db, 'settings', 'set', 'allow_get_api', 'on');
    await ok(dir.db, 'settings', 'set', 'number_digits', '4');
    const before = await snapshot(dir.db);
    const aliceBefore = await ok(dir.db, 'user', 'show', 'alice');

    const result = await on(dir.db, 'init');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await snapshot(dir.db), before);
    assert.equal(await ok(dir.db, 'user', 'show', 'alice'), aliceBefore);
  });

  test('accepts a rerun that names the same system currency in any letter case', async () => {
    const dir = await initDb(dirs, '--currency', 'EUR');
    const before = await snapshot(dir.db);
    assert.equal((await on(dir.db, 'init', '--currency', 'eur')).code, 0);
    assert.equal(await snapshot(dir.db), before);
  });

  test('refuses a rerun with a different --currency and leaves the system currency as it was', async () => {
    const dir = await initDb(dirs);
    const before = await snapshot(dir.db);
    assertRefused(await on(dir.db, 'init', '--currency', 'EUR'));
    assert.equal(await snapshot(dir.db), before);
  });

  test('restores a missing setting with its initial value and keeps the existing key', async () => {
    const dir = await initDb(dirs);
    const key = await ok(dir.db, 'settings', 'get', 'api_secret_key');
    await ok(dir.db, 'settings', 'set', 'allow_api', 'off');
    await execSql(dir.db, "DELETE FROM settings WHERE name = 'number_digits'");
    assert.deepEqual(await execSql(dir.db, "SELECT value FROM settings WHERE name = 'number_digits'"), []);
    assert.equal((await on(dir.db, 'init')).code, 0);
    assert.equal(await ok(dir.db, 'settings', 'get', 'number_digits'), '2\n');
    assert.equal(await ok(dir.db, 'settings', 'get', 'allow_api'), 'off\n');
    assert.equal(await ok(dir.db, 'settings', 'get', 'api_secret_key'), key);
  });
});
