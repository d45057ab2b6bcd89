/**
 * Ids and names through the real `tally` binary: ids within what every method can address,
 * usernames in NFC without invisible characters, no invalid UTF-8 from the command line,
 * exports a spreadsheet shows as text, and the migration of names stored before NFC.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { undoMigration7 } from '../support/undo-migration.js';
import { BACKEND, execSql, TALLY_BIN, tempDir, type CliResult, type TempDir } from '../support/fixtures.js';
import { seedDatabase } from '../support/seed.js';
import { assertRefused, databaseTemplate, ok, on, userRecord, withOperator } from './cli-helpers.js';

const made: TempDir[] = [];
after(() => Promise.all(made.map((dir) => dir.remove())));

/** A new database holding the user `taken` (id 1). */
const freshDb = databaseTemplate(made, { users: [{ name: 'taken', balance: '1' }] });

const NFC = 'Jos\u00e9';
const NFD = 'Jose\u0301';
const UPPER_NFD = 'JOSE\u0301';

async function csvFile(dir: TempDir, name: string, text: string): Promise<string> {
  const path = join(dir.dir, name);
  await writeFile(path, text);
  return path;
}

/** Raw SQL with `?` placeholders on either backend. */
function sql(db: string, text: string, params: unknown[] = []): Promise<unknown[]> {
  let n = 0;
  return execSql(db, BACKEND === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text, params);
}

/** Users and ledger as stored, to prove that a refusal changed nothing. */
async function stored(db: string): Promise<string> {
  const users = await sql(db, 'SELECT CAST(id AS TEXT) AS id, username, username_key, currency, CAST(balance AS TEXT) AS balance FROM users ORDER BY id');
  const entries = await sql(db, 'SELECT CAST(id AS TEXT) AS id, CAST(user_id AS TEXT) AS user_id, CAST(amount AS TEXT) AS amount FROM ledger_entries ORDER BY id');
  return JSON.stringify({ users, entries });
}

/** Asserts a refused import naming exactly `line`, the problem matching `problem`. */
function assertImportRefused(result: CliResult, file: string, line: number, problem: RegExp): void {
  assert.notEqual(result.code, 0, 'the import must be refused');
  assert.equal(result.stdout, '');
  const reported = result.stderr.split('\n').filter((text) => text.startsWith(`${file}:`));
  assert.equal(reported.length, 1, result.stderr);
  assert.ok(reported[0]!.startsWith(`${file}:${line}: `), reported[0]);
  assert.match(reported[0]!, problem);
}

describe('user ids stay within what every method can address', () => {
  for (const id of ['2147483648', '999999999999999', '99999999999999999999']) {
    it(`refuses an import with id ${id}, naming its line, and imports nothing`, async () => {
      const dir = await freshDb();
      const before = await stored(dir.db);
      const file = await csvFile(dir, 'big.csv', `id,username,currency,balance\n10,fine,USD,1\n${id},big,USD,1\n`);
      assertImportRefused(await on(dir.db, 'import', file), file, 3, new RegExp(`id ${id} is above 2147483647`));
      assert.equal(await stored(dir.db), before);
    });
  }

  it('imports id 2147483647, then refuses the next user add with one line and changes nothing', async () => {
    const dir = await freshDb();
    const file = await csvFile(dir, 'top.csv', 'id,username,currency,balance\n2147483647,top,USD,3\n');
    await ok(dir.db, 'import', file);
    assert.equal((await userRecord(dir.db, 'top')).id, 2147483647);
    const before = await stored(dir.db);
    const result = await on(dir.db, 'user', 'add', 'next', '--balance', '5');
    assertRefused(result, 'user add past the largest id');
    assert.match(result.stderr, /no user id is left: ids go up to 2147483647/);
    assert.equal(await stored(dir.db), before);
  });

  it('refuses an import whose rows without an id would be numbered above 2147483647, naming the first such line', async () => {
    const dir = await freshDb();
    const before = await stored(dir.db);
    const file = await csvFile(dir, 'edge.csv', 'id,username,currency,balance\n,a,USD,1\n2147483646,b,USD,1\n,c,USD,1\n,d,USD,1\n,e,USD,1\n');
    // Rows without an id are numbered above the file's largest id, in file order: a takes 2147483647.
    assertImportRefused(await on(dir.db, 'import', file), file, 4, /this row and the 2 after it without an id would be numbered above 2147483647/);
    assert.equal(await stored(dir.db), before);
  });

  it('refuses an import whose rows without an id would be numbered above the largest id in the database, importing nothing', async () => {
    const dir = await freshDb();
    await withOperator(dir.db, (operator) => operator.importUsers([{ id: 2147483647, username: 'top', currency: 'USD', balance: '0' }]));
    const before = await stored(dir.db);
    const result = await on(dir.db, 'import', await csvFile(dir, 'more.csv', 'username,currency,balance\nlate,USD,1\n'));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /user late would get id 2147483648, above 2147483647/);
    assert.equal(await stored(dir.db), before);
  });
});

describe('usernames are one name in NFC, whatever the spelling', () => {
  it('stores a decomposed name in NFC and refuses the composed and upper-case spellings as already existing', async () => {
    const dir = await freshDb();
    await ok(dir.db, 'user', 'add', NFD, '--balance', '2');
    const before = await stored(dir.db);
    for (const name of [NFC, UPPER_NFD, 'JOS\u00c9']) {
      const result = await on(dir.db, 'user', 'add', name);
      assertRefused(result, JSON.stringify(name));
      assert.match(result.stderr, /already exists/);
    }
    assert.equal(await stored(dir.db), before);
    const rows = (await sql(dir.db, 'SELECT username FROM users WHERE username <> ? AND username <> ?', ['admin', 'taken'])) as { username: string }[];
    assert.deepEqual(rows, [{ username: NFC }]);
    assert.equal((await userRecord(dir.db, UPPER_NFD)).username, NFC);
  });

  it('refuses an import of the other spelling of an existing name, or of a name the file already has', async () => {
    const dir = await freshDb();
    await withOperator(dir.db, (operator) => operator.addUser(NFC));
    const before = await stored(dir.db);
    const existing = await csvFile(dir, 'nfd.csv', `username,currency,balance\nfine,USD,1\n${NFD},USD,1\n`);
    assertImportRefused(await on(dir.db, 'import', existing), existing, 3, /already exists/);
    const twice = await csvFile(dir, 'twice.csv', `username,currency,balance\nZo\u00eb,USD,1\nZOE\u0308,USD,1\n`);
    assertImportRefused(await on(dir.db, 'import', twice), twice, 3, /repeats line 2/);
    assert.equal(await stored(dir.db), before);
  });

  it('imports a decomposed name in NFC', async () => {
    const dir = await freshDb();
    await ok(dir.db, 'import', await csvFile(dir, 'one.csv', `username,currency,balance\n${NFD},USD,1\n`));
    const rows = (await sql(dir.db, 'SELECT username FROM users WHERE username_key = ?', ['jos\u00e9'])) as { username: string }[];
    assert.deepEqual(rows, [{ username: NFC }]);
  });
});

const INVISIBLE: readonly [string, string][] = [
  ['\u202e', 'U+202E'],
  ['\u200b', 'U+200B'],
  ['\ufeff', 'U+FEFF'],
  ['\u0085', 'U+0085'],
  ['\ufffd', 'U+FFFD'],
];

describe('usernames refuse control, bidirectional, zero-width and replacement characters', () => {
  for (const [character, codePoint] of INVISIBLE) {
    it(`refuses ${codePoint} in user add and in an import, naming the code point and changing nothing`, async () => {
      const dir = await freshDb();
      const before = await stored(dir.db);
      const added = await on(dir.db, 'user', 'add', `ev${character}il`);
      assertRefused(added, codePoint);
      assert.ok(added.stderr.includes(`a username cannot contain ${codePoint} (`), added.stderr);
      assert.ok(!added.stderr.includes(character), 'the character itself is not echoed');
      const file = await csvFile(dir, 'bad.csv', `username,currency,balance\nfine,USD,1\nev${character}il,USD,1\n`);
      const imported = await on(dir.db, 'import', file);
      assertImportRefused(imported, file, 3, new RegExp(`a username cannot contain ${codePoint.replace('+', '\\+')} \\(`));
      assert.ok(!imported.stderr.includes(character));
      assert.equal(await stored(dir.db), before);
    });
  }
});

/** `tally ARGS --db DB` where the argument at `rawAt` is the bytes `printf` makes of `printfFormat`. */
function runWithRawArgument(db: string, args: readonly string[], rawAt: number, printfFormat: string): Promise<CliResult> {
  // Node's spawn takes strings only, so the shell builds the argument from bytes.
  const words = args.map((_, i) => (i === rawAt ? `"$(printf '${printfFormat}')"` : `"$${i + 3}"`));
  const script = `exec "$0" "$1" ${words.join(' ')} --db "$2"`;
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TALLY_')) env[name] = value;
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', script, process.execPath, TALLY_BIN, db, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('arguments that are not valid UTF-8', () => {
  it('refuses a username argument holding an invalid byte before any command runs, naming its position, and adds no user', async () => {
    const dir = await freshDb();
    const before = await stored(dir.db);
    const result = await runWithRawArgument(dir.db, ['user', 'add', 'RAW'], 2, 'j\\377');
    assertRefused(result, 'an invalid byte');
    assert.equal(result.stderr, 'tally: argument 3 is not valid UTF-8 text: retype it in a UTF-8 terminal\n');
    assert.equal(await stored(dir.db), before);
  });

  it('still runs a command whose arguments are valid UTF-8 through the same path', async () => {
    const dir = await freshDb();
    const result = await runWithRawArgument(dir.db, ['user', 'add', 'RAW'], 2, 'j\\303\\251');
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await userRecord(dir.db, 'j\u00e9')).username, 'j\u00e9');
  });
});

describe('an export opened in a spreadsheet runs no formula', () => {
  const NAMES = ["=cmd|'/C calc'!A0", '@SUM(A1:A9)', '+1+1', '-2+3', "'=x", "'bob"];

  it('writes would-be formulas with one more leading quote, and imports back the same usernames', async () => {
    const source = await freshDb();
    await withOperator(source.db, async (operator) => {
      for (const name of NAMES) await operator.addUser(name);
    });
    const exported = await ok(source.db, 'export');
    const cells = exported.trimEnd().split('\n').slice(2).map((line) => line.split(',')[1]);
    assert.deepEqual(cells, ["'=cmd|'/C calc'!A0", "'@SUM(A1:A9)", "'+1+1", "'-2+3", "''=x", "'bob"]);

    const target = await tempDir();
    made.push(target);
    await seedDatabase(target.db);
    await ok(target.db, 'import', await csvFile(source, 'export.csv', exported));
    const names = (await sql(target.db, "SELECT username FROM users WHERE role = 'user' ORDER BY id")) as { username: string }[];
    assert.deepEqual(names.map((row) => row.username), ['taken', ...NAMES]);
    assert.equal(await ok(target.db, 'export'), exported);
  });
});

describe('the migration of usernames stored before NFC', () => {
  it('renames a lone decomposed name to NFC, leaves a colliding pair as it was, and verify names the pair', async () => {
    const dir = await freshDb();
    const nfcId = String((await withOperator(dir.db, (operator) => operator.addUser(NFC, { balance: '4' }))).id);
    // As a Tally before NFC stored them: the name as given, its plain lower case as key.
    const insert = "INSERT INTO users (id, username, username_key, currency, balance, uniquehash) VALUES (?, ?, ?, 'USD', 0, ?)";
    await sql(dir.db, insert, [70, NFD, NFD.toLowerCase(), 'rawtoken00000070']);
    await sql(dir.db, insert, [71, 'Zoe\u0308', 'zoe\u0308', 'rawtoken00000071']);
    await undoMigration7(dir.db);
    await sql(dir.db, 'DELETE FROM schema_migrations WHERE version = 6');
    const pairBefore = await sql(dir.db, 'SELECT id, username, username_key FROM users WHERE id IN (?, ?) ORDER BY id', [Number(nfcId), 70]);

    // Any command migrates: the lone user is found by either spelling, and shown in NFC.
    assert.match(await ok(dir.db, 'user', 'show', 'zo\u00eb'), /^username +Zo\u00eb$/m);
    assert.match(await ok(dir.db, 'user', 'show', 'ZOE\u0308'), /^id +71$/m);
    assert.deepEqual(await sql(dir.db, 'SELECT username, username_key FROM users WHERE id = 71'), [{ username: 'Zo\u00eb', username_key: 'zo\u00eb' }]);
    assert.deepEqual(await sql(dir.db, 'SELECT id, username, username_key FROM users WHERE id IN (?, ?) ORDER BY id', [Number(nfcId), 70]), pairBefore);

    const verify = await on(dir.db, 'verify');
    assert.equal(verify.code, 1, verify.stdout + verify.stderr);
    assert.equal(verify.stdout, `username "${NFD}" (id 70) collides with "${NFC}" (id ${nfcId}) under Unicode normalisation: rename one\n`);
    assert.equal(verify.stderr, 'tally: 1 username collide with another under Unicode normalisation\n');
    assert.equal((await userRecord(dir.db, NFC)).balance, 4_000_000n);
  });
});
