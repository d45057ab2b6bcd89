/**
 * The CLI conventions a Node operator expects: `--version`, a mistyped name answered with the
 * nearest one and where the help is, and exit statuses a script can act on: 0 done, 1 refused
 * or failed, 2 a command line Tally cannot run as typed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { runTally, type CliResult } from '../support/fixtures.js';
import { assertRefused, initDb, on, snapshot, tempDirs } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

/** The checkout: dist/test/cli is three levels below it. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A usage error: exit 2, one line on stderr, nothing on stdout. */
function assertUsageError(result: CliResult, what = ''): void {
  assertRefused(result, what);
  assert.equal(result.code, 2, `a usage error exits 2 ${what}: ${result.stderr}`);
}

/** A refusal of a well-formed command: exit 1, one line on stderr, nothing on stdout. */
function assertRefusal(result: CliResult, what = ''): void {
  assertRefused(result, what);
  assert.equal(result.code, 1, `a refusal exits 1 ${what}: ${result.stderr}`);
}

describe('tally --version', () => {
  for (const flag of ['--version', '-V']) {
    test(`tally ${flag} prints the version of package.json and exits 0`, async () => {
      const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
      const result = await runTally([flag]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${version}\n`);
      assert.equal(result.stderr, '');
    });
  }

  test('reads the package.json it is installed with, not one built in', async () => {
    // An installed package: its package.json, its built files and its dependencies, elsewhere.
    const installed = await mkdtemp(join(tmpdir(), 'tally-installed-'));
    try {
      await cp(join(ROOT, 'dist', 'src'), join(installed, 'dist', 'src'), { recursive: true });
      await writeFile(join(installed, 'package.json'), JSON.stringify({ name: 'tally', version: '9.8.7-test', type: 'module' }));
      await symlink(join(ROOT, 'node_modules'), join(installed, 'node_modules'));
      const stdout = await new Promise<string>((resolvePromise, reject) =>
        execFile(process.execPath, [join(installed, 'dist', 'src', 'cli', 'main.js'), '--version'], (error, out) => (error ? reject(error) : resolvePromise(out))),
      );
      assert.equal(stdout, '9.8.7-test\n');
    } finally {
      await rm(installed, { recursive: true, force: true });
    }
  });
});

describe('a mistyped name', () => {
  test('an unknown command is one line suggesting the nearest command and --help, exit 2', async () => {
    const result = await runTally(['usr', 'add', 'bob']);
    assertUsageError(result);
    assert.equal(result.stderr, `tally: unknown command 'usr' (did you mean 'user'?); see "tally --help"\n`);
  });

  test('an unknown subcommand suggests the nearest subcommand and the group\'s --help', async () => {
    const result = await runTally(['user', 'ad', 'bob']);
    assertUsageError(result);
    assert.equal(result.stderr, `tally: unknown command 'ad' (did you mean 'add'?); see "tally user --help"\n`);
  });

  test('an unknown option suggests the nearest option and the command\'s --help', async () => {
    const result = await runTally(['user', 'add', 'bob', '--curency', 'EUR']);
    assertUsageError(result);
    assert.equal(result.stderr, `tally: unknown option '--curency' (did you mean '--currency'?); see "tally user add --help"\n`);
  });

  test('a name like none suggests only --help', async () => {
    const result = await runTally(['frobnicate']);
    assertUsageError(result);
    assert.equal(result.stderr, `tally: unknown command 'frobnicate'; see "tally --help"\n`);
  });

  test('changes nothing', async () => {
    const dir = await initDb(dirs);
    const before = await snapshot(dir.db);
    assertUsageError(await on(dir.db, 'user', 'ad', 'bob'));
    assertUsageError(await on(dir.db, 'user', 'add', 'bob', '--balanse', '5'));
    assert.deepEqual(await snapshot(dir.db), before);
  });
});

describe('exit statuses', () => {
  test('a missing argument, an extra argument, an option without its value and a missing required option exit 2 with one line', async () => {
    const dir = await initDb(dirs);
    const before = await snapshot(dir.db);
    const cases: readonly (readonly string[])[] = [
      ['user', 'add'],
      ['user', 'add', 'bob', 'carol'],
      ['user', 'add', 'bob', '--currency'],
      ['copy'],
    ];
    for (const args of cases) {
      const result = await on(dir.db, ...args);
      assertUsageError(result, args.join(' '));
      assert.ok(result.stderr.endsWith(`; see "tally ${args.slice(0, args[0] === 'user' ? 2 : 1).join(' ')} --help"\n`), result.stderr);
    }
    assert.deepEqual(await snapshot(dir.db), before);
  });

  test('a value not of the form its option or argument takes exits 2', async () => {
    const dir = await initDb(dirs, { users: [{ name: 'alice' }] });
    const before = await snapshot(dir.db);
    const cases: readonly (readonly string[])[] = [
      ['balance', 'history', 'alice', '--limit', 'ten'],
      ['balance', 'add', 'alice', 'five'],
      ['balance', 'add', 'alice', '0'],
      ['user', 'set', 'alice', '--balance', '1.0000001'],
      ['settings', 'set', 'allow_api', 'maybe'],
      ['settings', 'get', 'no_such_setting'],
      ['currency', 'set', 'E1', '--rate', '2'],
      ['serve', '--port', 'eighty'],
      ['serve', '--workers', 'many'],
    ];
    for (const args of cases) assertUsageError(await on(dir.db, ...args), args.join(' '));
    assertUsageError(await runTally(['user', 'list'], { env: { TALLY_PORT: '99999', TALLY_DB: dir.db } }), 'TALLY_PORT=99999');
    assert.deepEqual(await snapshot(dir.db), before);
  });

  test('a well-formed command the data refuses exits 1', async () => {
    const dir = await initDb(dirs, { users: [{ name: 'alice' }] });
    const cases: readonly (readonly string[])[] = [
      ['user', 'show', 'nobody'],
      ['user', 'add', 'alice'],
      ['balance', 'add', 'nobody', '1'],
      ['balance', 'history', 'nobody'],
      ['user', 'add', 'bob', '--currency', 'XYZ'],
    ];
    for (const args of cases) assertRefusal(await on(dir.db, ...args), args.join(' '));
  });

  test('a command on a database that does not exist exits 1', async () => {
    const dir = await dirs.make();
    assertRefusal(await on(dir.db, 'user', 'list'));
  });

  test('a command group without its subcommand shows the group\'s help on stderr and exits 2', async () => {
    for (const args of [[], ['user']]) {
      const result = await runTally(args);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.startsWith(`Usage: ${['tally', ...args].join(' ')} `), result.stderr);
    }
  });

  test('asking for help exits 0', async () => {
    for (const args of [['--help'], ['help'], ['help', 'user'], ['user', '--help'], ['user', 'add', '-h']]) {
      const result = await runTally(args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /^Usage: tally/);
    }
  });
});

describe('tally hash and the hash a URI carries', () => {
  const VECTOR_1 = '79e75e75f9cd6821e7b661250a45294b4579f262'; // username=user_admin, key "secret"

  test('exits 0 when it matches', async () => {
    const result = await runTally(['hash', `username=user_admin&hash=${VECTOR_1}`, '--secret', 'secret']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${VECTOR_1}\n`);
    assert.match(result.stderr, /^the hash in the URI matches$/m);
  });

  test('exits 1 when it does not, still printing the right hash and saying so', async () => {
    const result = await runTally(['hash', `username=user_admin&hash=${'0'.repeat(40)}`, '--secret', 'secret']);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, `${VECTOR_1}\n`);
    assert.match(result.stderr, /^the hash in the URI does NOT match$/m);
  });

  test('an empty --secret is a usage error', async () => {
    assertUsageError(await runTally(['hash', 'username=user_admin', '--secret', '']));
  });
});
