/**
 * Where a command looks for its database: a URL of a scheme Tally does not speak is refused
 * rather than taken as a file name; only init (and serve --init) create what is missing, down
 * to the directories; every command a message tells the operator to run next reaches the same
 * database when pasted into a shell.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BACKEND, databaseExists, runTally, TALLY_BIN, type CliResult } from '../support/fixtures.js';
import { startServeProcess } from '../support/serve-process.js';
import { assertRefused, initDb, ok, on, tempDirs } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

const SQLITE_ONLY = BACKEND === 'postgres' ? 'about SQLite files' : false;
const POSTGRES_ONLY = BACKEND === 'sqlite' ? 'about PostgreSQL URLs' : false;

/** Runs a command line as printed by tally, through sh, with `tally` meaning the built executable. */
function runInShell(commandLine: string): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { NODE: process.execPath, TALLY_BIN };
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TALLY_')) env[name] ??= value;
  const script = `tally() { "$NODE" "$TALLY_BIN" "$@"; }\n${commandLine}\n`;
  return new Promise((resolvePromise) => {
    execFile('sh', ['-c', script], { env }, (error, stdout, stderr) => {
      resolvePromise({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

/** The command a message quotes: `create it with "tally init --db X"` gives `tally init --db X`. */
function quotedCommand(text: string): string {
  const match = /"(tally [^"]+)"/.exec(text);
  assert.ok(match !== null, `no quoted tally command in ${JSON.stringify(text)}`);
  return match[1]!;
}

describe('a location that is a URL of another scheme', () => {
  const ACCEPTED = 'takes a SQLite file path or a postgres:// or postgresql:// URL';
  const LOCATIONS = [
    ['mysql://x@y/z', 'mysql://'],
    ['sqlite:///var/tally.db', 'sqlite:///'],
    ['file:///tmp/tally.db', 'file:///'],
    ['file:tally.db?mode=ro', 'file:'],
    ['postgres:/127.0.0.1/test', 'postgres:/'],
  ] as const;

  for (const [location, scheme] of LOCATIONS) {
    test(`tally init --db ${location} exits 2 naming the accepted forms, and creates nothing`, async () => {
      const dir = await dirs.make();
      const result = await runTally(['init', '--db', location], { cwd: dir.dir });
      assertRefused(result);
      assert.equal(result.code, 2);
      assert.equal(result.stderr, `tally: --db ${ACCEPTED}, not a ${scheme} location\n`);
      assert.deepEqual(readdirSync(dir.dir), []);
    });
  }

  test('is refused the same way by serve --init, by every other command and from TALLY_DB', async () => {
    const dir = await dirs.make();
    for (const args of [['serve', '--init', '--port', '0', '--db', 'mysql://x@y/z'], ['user', 'list', '--db', 'mysql://x@y/z']]) {
      const result = await runTally(args, { cwd: dir.dir });
      assertRefused(result, args.join(' '));
      assert.equal(result.code, 2);
      assert.equal(result.stderr, `tally: --db ${ACCEPTED}, not a mysql:// location\n`);
    }
    const fromEnv = await runTally(['init'], { cwd: dir.dir, env: { TALLY_DB: 'mysql://x@y/z' } });
    assertRefused(fromEnv);
    assert.equal(fromEnv.code, 2);
    assert.equal(fromEnv.stderr, `tally: TALLY_DB ${ACCEPTED}, not a mysql:// location\n`);
    assert.deepEqual(readdirSync(dir.dir), []);
  });

  test('as the target of tally copy, exits 2 and creates nothing', async () => {
    const source = await initDb(dirs);
    const dir = await dirs.make();
    const result = await runTally(['copy', '--db', source.db, '--to', 'mysql://x@y/z'], { cwd: dir.dir });
    assertRefused(result);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `tally: --to ${ACCEPTED}, not a mysql:// location\n`);
    assert.deepEqual(readdirSync(dir.dir), []);
  });
});

describe('only init and serve --init create a missing directory', () => {
  test('tally init creates the directories of a new SQLite file', { skip: SQLITE_ONLY }, async () => {
    const dir = await dirs.make();
    const db = join(dir.dir, 'a', 'b', 'tally.db');
    await ok(db, 'init');
    assert.ok(existsSync(db));
  });

  test('tally serve --init creates them too', { skip: SQLITE_ONLY }, async () => {
    const dir = await dirs.make();
    const db = join(dir.dir, 'a', 'b', 'tally.db');
    const serve = await startServeProcess(db, { init: true });
    assert.equal(await serve.stop(), 0);
    assert.ok(existsSync(db));
  });

  test('tally copy --to a file in a missing directory exits 1 with one line, and creates nothing', async () => {
    const source = await initDb(dirs);
    const dir = await dirs.make();
    const target = join(dir.dir, 'missing', 'copy.db');
    const result = await on(source.db, 'copy', '--to', target);
    assertRefused(result);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `tally: cannot create the database ${target}: no directory ${join(dir.dir, 'missing')}\n`);
    assert.deepEqual(readdirSync(dir.dir), []);
  });

  test('tally copy --to a new file in an existing directory creates it', async () => {
    const source = await initDb(dirs, { users: [{ name: 'alice', balance: '12.5' }] });
    const dir = await dirs.make();
    const target = join(dir.dir, 'copy.db');
    await ok(source.db, 'copy', '--to', target);
    assert.equal(await ok(target, 'user', 'list'), await ok(source.db, 'user', 'list'));
  });
});

describe('the commands a message tells the operator to run carry its --db', () => {
  test('tally init in the default location prints the bare command', { skip: SQLITE_ONLY }, async () => {
    const dir = await dirs.make();
    const result = await runTally(['init'], { cwd: dir.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Show the key with: tally settings get api_secret_key$/m);
  });

  test('tally init --db prints a command that, pasted into a shell, shows that database\'s key', async () => {
    const dir = await dirs.make();
    // A path the shell would split or unquote, and on PostgreSQL the ?schema= URL (a glob).
    const db = BACKEND === 'postgres' ? dir.db : join(dir.dir, "my dir", "it's.db");
    const result = await on(db, 'init');
    assert.equal(result.code, 0, result.stderr);
    const line = /^Show the key with: (tally settings get api_secret_key --db .+)$/m.exec(result.stdout);
    assert.ok(line !== null, result.stdout);
    const shown = await runInShell(line[1]!);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.stdout, await ok(db, 'settings', 'get', 'api_secret_key'));
  });

  test('on PostgreSQL, keeps the URL\'s other parameters and masks its password', { skip: POSTGRES_ONLY }, async () => {
    const dir = await dirs.make();
    const url = new URL(dir.db);
    url.password = 'Pa55-word';
    url.searchParams.set('application_name', 'tally_init');
    const result = await on(url.toString(), 'init');
    assert.equal(result.code, 0, result.stderr);
    const masked = new URL(url);
    masked.password = '***';
    assert.match(result.stdout, /^Show the key with: tally settings get api_secret_key --db '[^']+'$/m);
    assert.ok(result.stdout.includes(`--db '${masked.toString()}'`), result.stdout);
    assert.doesNotMatch(result.stdout, /Pa55-word/);
  });

  test('a command on a missing database names the init that creates that one', async () => {
    const dir = await dirs.make();
    const db = BACKEND === 'postgres' ? dir.db : join(dir.dir, 'my dir', 'tally.db');
    if (BACKEND === 'sqlite') await mkdir(join(dir.dir, 'my dir'));
    const refused = await on(db, 'user', 'list');
    assertRefused(refused);
    assert.equal(refused.code, 1);
    const created = await runInShell(quotedCommand(refused.stderr));
    assert.equal(created.code, 0, created.stderr);
    assert.ok(await databaseExists(db));
    assert.match(await ok(db, 'user', 'list'), /admin/);
  });
});
