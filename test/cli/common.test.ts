import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BACKEND, databaseExists, execSql, runTally, tablesOf } from '../support/fixtures.js';
import { assertRefused, assertUnchanged, initDb, on, parseTable, tempDirs } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

/** Tests about SQLite files (the default path, a missing file's directory) have no PostgreSQL form. */
const SQLITE_FILES = BACKEND === 'postgres' ? 'about SQLite files' : false;

/** Every command but init and serve, with valid arguments. */
const COMMANDS: readonly (readonly string[])[] = [
  ['settings', 'list'],
  ['settings', 'get', 'allow_api'],
  ['settings', 'set', 'allow_api', 'off'],
  ['currency', 'list'],
  ['currency', 'set', 'EUR', '--rate', '0.9'],
  ['user', 'add', 'alice'],
  ['user', 'set', 'admin', '--balance', '1'],
  ['user', 'show', 'admin'],
  ['user', 'list'],
  ['hash', 'username=alice'],
];

describe('choosing the database', () => {
  test('defaults to ./data/tally.db relative to the working directory', { skip: SQLITE_FILES }, async () => {
    const dir = await dirs.make();
    assert.equal((await runTally(['init'], { cwd: dir.dir })).code, 0);
    assert.ok(existsSync(join(dir.dir, 'data', 'tally.db')));
    const result = await runTally(['settings', 'get', 'allow_api'], { cwd: dir.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'on\n');
  });

  test('uses the database named by TALLY_DB when --db is not given', async () => {
    const dir = await dirs.make();
    const env = { TALLY_DB: dir.db };
    assert.equal((await runTally(['init', '--currency', 'EUR'], { env, cwd: dir.dir })).code, 0);
    assert.ok(await databaseExists(dir.db));
    assert.equal(existsSync(join(dir.dir, 'data')), false);
    const result = await runTally(['currency', 'list'], { env, cwd: dir.dir });
    assert.equal(parseTable(result.stdout)[0]?.code, 'EUR');
  });

  test('lets --db win over TALLY_DB', async () => {
    const dir = await dirs.make();
    const other = (await dirs.make()).db;
    const result = await runTally(['init', '--db', other], { env: { TALLY_DB: dir.db }, cwd: dir.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(await databaseExists(other));
    assert.equal(await databaseExists(dir.db), false);
  });
});

describe('commands other than init on a missing database', () => {
  for (const args of COMMANDS) {
    test(`tally ${args.join(' ')} fails with one line and does not create the file`, { skip: SQLITE_FILES }, async () => {
      const dir = await dirs.make();
      const db = join(dir.dir, 'sub', 'missing.db');
      const result = await on(db, ...args);
      assertRefused(result, args.join(' '));
      assert.match(result.stderr, /init/, 'the message should point at tally init');
      assert.equal(existsSync(db), false);
      assert.deepEqual(readdirSync(dir.dir), []);
    });
  }

  test('fail in a working directory without ./data and leave it empty', { skip: SQLITE_FILES }, async () => {
    const dir = await dirs.make();
    for (const args of COMMANDS) {
      const result = await runTally([...args], { cwd: dir.dir });
      assertRefused(result, args.join(' '));
    }
    assert.deepEqual(readdirSync(dir.dir), []);
  });

  test('tally hash with --secret does not create the database', async () => {
    const dir = await dirs.make();
    await on(dir.db, 'hash', 'username=alice', '--secret', 'secret');
    assert.equal(await databaseExists(dir.db), false);
  });
});

describe('commands other than init on a PostgreSQL schema without Tally tables', { skip: BACKEND === 'sqlite' ? 'about PostgreSQL schemas' : false }, () => {
  /** The test database's URL with a password (trust authentication ignores it), which no message may show. */
  function withPassword(db: string): string {
    const url = new URL(db);
    url.password = 'Pa55-word';
    return url.toString();
  }

  for (const args of COMMANDS) {
    test(`tally ${args.join(' ')} fails with one line pointing at tally init, and creates no schema`, async () => {
      const dir = await dirs.make();
      const result = await on(withPassword(dir.db), ...args);
      assertRefused(result, args.join(' '));
      assert.match(result.stderr, /tally init/, 'the message should point at tally init');
      assert.doesNotMatch(result.stderr, /Pa55-word/);
      assert.equal(await databaseExists(dir.db), false);
    });

    test(`tally ${args.join(' ')} fails with one line pointing at tally init in a schema of other tables, and creates none`, async () => {
      const dir = await dirs.make();
      const schema = new URL(dir.db).searchParams.get('schema')!;
      await execSql(dir.db, `CREATE SCHEMA ${schema}`);
      await execSql(dir.db, `CREATE TABLE ${schema}.other_app (id INTEGER PRIMARY KEY)`);
      const result = await on(withPassword(dir.db), ...args);
      assertRefused(result, args.join(' '));
      assert.match(result.stderr, /tally init/, 'the message should point at tally init');
      assert.doesNotMatch(result.stderr, /Pa55-word/);
      assert.deepEqual(await tablesOf(dir.db), ['other_app']);
    });
  }
});

describe('--help', () => {
  const leaves = [
    ['init'],
    ['settings', 'list'],
    ['settings', 'get'],
    ['settings', 'set'],
    ['currency', 'list'],
    ['currency', 'set'],
    ['user', 'add'],
    ['user', 'set'],
    ['user', 'show'],
    ['user', 'list'],
    ['hash'],
  ];
  for (const command of leaves) {
    test(`tally ${command.join(' ')} --help prints its usage with the --db option and exits 0`, async () => {
      const result = await runTally([...command, '--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(result.stdout.startsWith(`Usage: tally ${command.join(' ')} `), result.stdout);
      assert.match(result.stdout, /--db <path>/);
    });
  }

  test('tally --help lists the commands and exits 0', async () => {
    const result = await runTally(['--help']);
    assert.equal(result.code, 0);
    for (const name of ['init', 'serve', 'settings', 'currency', 'user', 'hash']) assert.match(result.stdout, new RegExp(`\\b${name}\\b`));
  });
});

describe('bad names on the command line', () => {
  test('a mistyped option is refused with one line and changes nothing', async () => {
    const dir = await initDb(dirs);
    assertRefused(await assertUnchanged(dir.db, () => on(dir.db, 'currency', 'set', 'EUR', '--rat', '2')));
  });

  test('a mistyped subcommand is refused with one line', async () => {
    const dir = await initDb(dirs);
    assertRefused(await on(dir.db, 'settings', 'lst'));
  });

  test('a missing argument is refused with one line', async () => {
    const dir = await initDb(dirs);
    assertRefused(await assertUnchanged(dir.db, () => on(dir.db, 'settings', 'set', 'allow_api')));
  });
});
