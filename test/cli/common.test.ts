import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runTally } from '../support/fixtures.js';
import { assertRefused, initDb, ok, on, parseTable, tempDirs } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

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
  test('defaults to ./data/tally.db relative to the working directory', async () => {
    const dir = await dirs.make();
    assert.equal((await runTally(['init'], { cwd: dir.dir })).code, 0);
    assert.ok(existsSync(join(dir.dir, 'data', 'tally.db')));
    const result = await runTally(['settings', 'get', 'allow_api'], { cwd: dir.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'on\n');
  });

  test('uses the file named by TALLY_DB when --db is not given', async () => {
    const dir = await dirs.make();
    const env = { TALLY_DB: dir.db };
    assert.equal((await runTally(['init', '--currency', 'EUR'], { env, cwd: dir.dir })).code, 0);
    assert.ok(existsSync(dir.db));
    assert.equal(existsSync(join(dir.dir, 'data')), false);
    const result = await runTally(['currency', 'list'], { env, cwd: dir.dir });
    assert.equal(parseTable(result.stdout)[0]?.code, 'EUR');
  });

  test('lets --db win over TALLY_DB', async () => {
    const dir = await dirs.make();
    const other = join(dir.dir, 'other.db');
    const result = await runTally(['init', '--db', other], { env: { TALLY_DB: dir.db }, cwd: dir.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(other));
    assert.equal(existsSync(dir.db), false);
  });
});

describe('commands other than init on a missing database', () => {
  for (const args of COMMANDS) {
    test(`tally ${args.join(' ')} fails with one line and does not create the file`, async () => {
      const dir = await dirs.make();
      const db = join(dir.dir, 'sub', 'missing.db');
      const result = await on(db, ...args);
      assertRefused(result, args.join(' '));
      assert.match(result.stderr, /init/, 'the message should point at tally init');
      assert.equal(existsSync(db), false);
      assert.deepEqual(readdirSync(dir.dir), []);
    });
  }

  test('fail in a working directory without ./data and leave it empty', async () => {
    const dir = await dirs.make();
    for (const args of COMMANDS) {
      const result = await runTally([...args], { cwd: dir.dir });
      assertRefused(result, args.join(' '));
    }
    assert.deepEqual(readdirSync(dir.dir), []);
  });

  test('tally hash with --secret does not create the database file', async () => {
    const dir = await dirs.make();
    await on(dir.db, 'hash', 'username=alice', '--secret', 'secret');
    assert.equal(existsSync(dir.db), false);
  });
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
    const before = await ok(dir.db, 'currency', 'list');
    assertRefused(await on(dir.db, 'currency', 'set', 'EUR', '--rat', '2'));
    assert.equal(await ok(dir.db, 'currency', 'list'), before);
  });

  test('a mistyped subcommand is refused with one line', async () => {
    const dir = await initDb(dirs);
    assertRefused(await on(dir.db, 'settings', 'lst'));
  });

  test('a missing argument is refused with one line', async () => {
    const dir = await initDb(dirs);
    assertRefused(await on(dir.db, 'settings', 'set', 'allow_api'));
    assert.equal(await ok(dir.db, 'settings', 'get', 'allow_api'), 'on\n');
  });
});
