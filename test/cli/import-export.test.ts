/** `tally import FILE.csv` and `tally export [FILE]`, through the real CLI. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { databaseExists, execSql, tempDir, type CliResult, type TempDir } from '../support/fixtures.js';
import { exportUsers } from '../../src/admin/user-export.js';
import { seedDatabase } from '../support/seed.js';
import { assertRefused, databaseTemplate, ok, on, readStore, snapshot, withOperator } from './cli-helpers.js';

const made: TempDir[] = [];
after(() => Promise.all(made.map((dir) => dir.remove())));

/** A new database with EUR and JPY, and the user `taken` (id 1, after the admin's 0; balance 1). */
const freshDb = databaseTemplate(made, {
  currencies: [
    { code: 'EUR', rate: '0.9' },
    { code: 'JPY', rate: '150' },
  ],
  users: [{ name: 'taken', balance: '1' }],
});

async function csvFile(dir: TempDir, name: string, text: string): Promise<string> {
  const path = join(dir.dir, name);
  await writeFile(path, text);
  return path;
}

/** Every user and ledger entry, read straight from the database: cheap enough to check after each refusal. */
async function stored(db: string): Promise<string> {
  const users = await execSql(db, 'SELECT CAST(id AS TEXT) AS id, username, currency, CAST(balance AS TEXT) AS balance, role FROM users ORDER BY id');
  const entries = await execSql(
    db,
    `SELECT CAST(id AS TEXT) AS id, CAST(user_id AS TEXT) AS user_id, CAST(amount AS TEXT) AS amount,
            CAST(balance_after AS TEXT) AS balance_after, source, comment, idempotency_key, CAST(created_at AS TEXT) AS created_at
     FROM ledger_entries ORDER BY id`,
  );
  return JSON.stringify({ users, entries });
}

/** What a refused import must leave as it was, as the CLI shows it. */
async function shown(db: string): Promise<string> {
  const [users, exported] = await Promise.all([ok(db, 'user', 'list'), ok(db, 'export')]);
  return users + '\n' + exported;
}

/** The text `tally export` writes, made in this process by the same operation. */
function exported(db: string): Promise<string> {
  return readStore(db, async (store) => {
    let text = '';
    for await (const line of exportUsers(store)) text += line;
    return text;
  });
}

/** A user's uniquehash, read in this process. */
async function uniquehashOf(db: string, username: string): Promise<string> {
  return (await withOperator(db, (operator) => operator.user(username))).uniquehash;
}

/** Asserts what `tally verify` checks, in this process. */
function assertVerified(db: string): Promise<unknown> {
  return withOperator(db, (operator) => operator.assertVerified());
}

/** Export records with balances in a canonical form ("1.50" and "1.5" alike). */
function records(csv: string): string[][] {
  const rows = parse(csv, { relax_column_count: true }) as string[][];
  return rows.map((row, i) => (i === 0 ? row : row.map((cell, j) => (j === 3 ? cell.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '') : cell))));
}

/** A user's ledger entries as `tally balance history --json` prints them, read in this process. */
async function history(db: string, username: string): Promise<{ amount: string; source: string }[]> {
  return withOperator(db, (operator) => operator.history(username));
}

const HEADER = 'username,currency,balance,id';
const GOOD = ['v1,USD,1.5,', 'v2,EUR,0,', 'v3,usd,-2.25,', 'v4,JPY,100,'];

interface BadLine {
  readonly name: string;
  readonly bad: string;
  readonly problem: RegExp;
  /** A line the bad one repeats, placed first. */
  readonly original?: string;
}

const BAD_LINES: readonly BadLine[] = [
  { name: 'an unknown currency', bad: 'b,XXX,1,', problem: /currency/i },
  { name: 'an amount that is not a decimal', bad: 'b,USD,12abc,', problem: /12abc/ },
  { name: 'an amount with seven fractional digits', bad: 'b,USD,1.1234567,', problem: /fractional/ },
  { name: 'a username repeated in another case', original: 'twin,USD,1,', bad: 'TWIN,USD,2,', problem: /TWIN/ },
  { name: 'a username already in the database', bad: 'Taken,USD,1,', problem: /Taken/ },
  { name: 'an id repeated in the file', original: 'first,USD,1,700', bad: 'second,USD,1,700', problem: /700/ },
  { name: 'an id already taken in the database', bad: 'b,USD,1,1', problem: /\bid 1\b/ },
  { name: 'an id that is not a positive whole number', bad: 'b,USD,1,0', problem: /id/ },
  { name: 'too few fields', bad: 'b,USD,1', problem: /field/i },
  { name: 'too many fields', bad: 'b,USD,1,,extra', problem: /field/i },
  { name: 'an empty username', bad: ',USD,1,', problem: /username/i },
  { name: 'a stray quote inside a field', bad: 'b"c,USD,1,', problem: /quote/i },
  { name: 'a quote that is never closed', bad: '"b,USD,1,', problem: /quote/i },
];

const POSITIONS = ['start', 'middle', 'end'] as const;

/** Asserts a refused import: non-zero, `FILE:LINE: problem` for exactly `lines`, nothing on stdout. */
function assertRefusedAt(result: CliResult, file: string, lines: readonly number[], problem?: RegExp): void {
  assert.notEqual(result.code, 0, 'the import must be refused');
  assert.equal(result.stdout, '', 'nothing is reported as imported');
  const reported = result.stderr.split('\n').filter((line) => line.startsWith(`${file}:`));
  assert.deepEqual(
    reported.map((line) => Number(/^.*:(\d+): /.exec(line.slice(file.length))?.[1] ?? NaN)),
    lines,
    `stderr names lines ${lines.join(', ')}: ${result.stderr}`,
  );
  if (problem !== undefined) for (const line of reported) assert.match(line, problem);
}

describe('tally import refuses a whole file for one bad line', () => {
  let dir: TempDir;
  let baselineShown: string;
  let baseline: Awaited<ReturnType<typeof snapshot>>;
  let baselineRows: string;
  before(async () => {
    dir = await freshDb();
    baselineShown = await shown(dir.db);
    baseline = await snapshot(dir.db);
    baselineRows = await stored(dir.db);
  });

  BAD_LINES.forEach((c, n) => {
    for (const position of POSITIONS) {
      it(`refuses ${c.name} at the ${position} of the file, naming its line, and imports nothing`, async () => {
        const rows = c.original === undefined ? [...GOOD] : [c.original, ...GOOD];
        const at = position === 'start' ? (c.original === undefined ? 0 : 1) : position === 'middle' ? Math.floor(rows.length / 2) : rows.length;
        rows.splice(at, 0, c.bad);
        const file = await csvFile(dir, `bad-${n}-${position}.csv`, [HEADER, ...rows].join('\n') + '\n');
        assertRefusedAt(await on(dir.db, 'import', file), file, [at + 2], c.problem);
        assert.equal(await stored(dir.db), baselineRows);
      });
    }
  });

  it('shows, after all those refusals, the same user list and export as before', async () => {
    assert.equal(await shown(dir.db), baselineShown);
    assert.deepEqual(await snapshot(dir.db), baseline);
  });

  it('reports every bad line of a file in one run and imports nothing', async () => {
    const file = await csvFile(dir, 'many.csv', [HEADER, 'a,XXX,1,', ...GOOD.slice(0, 2), 'b,USD,x,', ...GOOD.slice(2), ',USD,1,'].join('\n') + '\n');
    assertRefusedAt(await on(dir.db, 'import', file), file, [2, 5, 8]);
    assert.deepEqual(await snapshot(dir.db), baseline);
  });

  const headers: [string, string][] = [
    ['an unknown column', 'username,currency,balance,email\nv1,USD,1,a@b.c\n'],
    ['a missing column', 'username,balance\nv1,1\n'],
    ['a repeated column', 'username,currency,balance,balance\nv1,USD,1,1\n'],
    ['no header at all', ''],
  ];
  for (const [name, text] of headers) {
    it(`refuses a file with ${name}, naming line 1, and imports nothing`, async () => {
      const file = await csvFile(dir, `header-${name.replaceAll(' ', '-')}.csv`, text);
      assertRefusedAt(await on(dir.db, 'import', file), file, [1]);
      assert.deepEqual(await snapshot(dir.db), baseline);
    });
  }

  it('refuses a missing file with a non-zero exit naming it, and imports nothing', async () => {
    const file = join(dir.dir, 'no-such-file.csv');
    const result = await on(dir.db, 'import', file);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /no-such-file\.csv/);
    assert.deepEqual(await snapshot(dir.db), baseline);
  });
});

describe('tally import of a valid file', () => {
  it('adds every row, each non-zero balance as one import entry, and verify stays clean', async () => {
    const dir = await freshDb();
    const file = await csvFile(dir, 'good.csv', [HEADER, ...GOOD].join('\n') + '\n');
    const result = await on(dir.db, 'import', file);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\b4\b/);
    const rows = records(await exported(dir.db)).slice(1).map((row) => row.slice(1, 4));
    assert.deepEqual(rows, [['taken', 'USD', '1'], ['v1', 'USD', '1.5'], ['v2', 'EUR', '0'], ['v3', 'USD', '-2.25'], ['v4', 'JPY', '100']]);
    assert.deepEqual((await history(dir.db, 'v1')).map((e) => [e.amount, e.source]), [['1.5', 'import']]);
    assert.deepEqual((await history(dir.db, 'v3')).map((e) => [e.amount, e.source]), [['-2.25', 'import']]);
    assert.deepEqual(await history(dir.db, 'v2'), []);
    await assertVerified(dir.db);
  });

  it('reads the columns in any order, with or without an id column, and keeps given ids', async () => {
    const dir = await freshDb();
    const noId = await csvFile(dir, 'no-id.csv', 'balance,username,currency\n3,p,EUR\n');
    const withId = await csvFile(dir, 'with-id.csv', '\ufeffID,Balance,Currency,Username\r\n900,4,usd,q\r\n,5,USD,"r, s"\r\n');
    await ok(dir.db, 'import', noId);
    await ok(dir.db, 'import', withId);
    const rows = records(await exported(dir.db)).slice(1).map((row) => row.slice(0, 4));
    const byName = new Map(rows.map((row) => [row[1], row]));
    assert.deepEqual(byName.get('p')?.slice(2), ['EUR', '3']);
    assert.deepEqual(byName.get('q'), ['900', 'q', 'USD', '4']);
    assert.deepEqual(byName.get('r, s')?.slice(2), ['USD', '5']);
    await assertVerified(dir.db);
  });
});

describe('tally import with a uniquehash column', () => {
  it('keeps each uniquehash given, so device URLs survive the move, and makes a fresh one where the cell is empty', async () => {
    const dir = await freshDb();
    const file = await csvFile(dir, 'tokens.csv', 'username,currency,balance,uniquehash\nk1,USD,1,Kolmisoft0Token9\nk2,USD,2,\n');
    await ok(dir.db, 'import', file);
    assert.equal(await uniquehashOf(dir.db, 'k1'), 'Kolmisoft0Token9');
    assert.match(await uniquehashOf(dir.db, 'k2'), /^[a-z0-9]{16}$/);
    const k1 = records(await exported(dir.db)).find((row) => row[1] === 'k1');
    assert.equal(k1?.[4], 'Kolmisoft0Token9');
  });

  it('refuses a malformed, repeated or taken uniquehash, naming each line without echoing the token, and imports nothing', async () => {
    const dir = await freshDb();
    const taken = await uniquehashOf(dir.db, 'taken');
    const before = await stored(dir.db);
    const file = await csvFile(dir, 'bad-tokens.csv', ['username,currency,balance,uniquehash', 'a,USD,1,ok1', 'b,USD,1,not-alnum', `c,USD,1,${'x'.repeat(65)}`, 'd,USD,1,ok1', `e,USD,1,${taken}`].join('\n') + '\n');
    const result = await on(dir.db, 'import', file);
    assertRefusedAt(result, file, [3, 4, 5, 6], /uniquehash/);
    assert.ok(!result.stderr.includes(taken) && !result.stderr.includes('not-alnum'), result.stderr);
    assert.equal(await stored(dir.db), before);
  });

  it('checks every line and writes nothing with --dry-run', async () => {
    const dir = await freshDb();
    const before = await stored(dir.db);
    const file = await csvFile(dir, 'dry.csv', [HEADER, ...GOOD].join('\n') + '\n');
    assert.equal(await ok(dir.db, 'import', file, '--dry-run'), `${file}: all 4 users can be imported; nothing was written (dry run)\n`);
    assert.equal(await stored(dir.db), before);
    const bad = await csvFile(dir, 'dry-bad.csv', [HEADER, 'b,XXX,1,'].join('\n') + '\n');
    assertRefusedAt(await on(dir.db, 'import', bad, '--dry-run'), bad, [2]);
  });
});

describe('tally export', () => {
  it('writes id,username,currency,balance,uniquehash for every user but admin accounts to stdout', async () => {
    const dir = await freshDb();
    await withOperator(dir.db, (operator) => operator.addUser('b,"ob"', { currency: 'EUR', balance: '-2.5' }));
    const text = await ok(dir.db, 'export');
    assert.equal(text.split('\n')[0], 'id,username,currency,balance,uniquehash,first_name,last_name');
    const rows = records(text).slice(1);
    assert.deepEqual(rows.map((row) => row.slice(0, 4)), [['1', 'taken', 'USD', '1'], ['2', 'b,"ob"', 'EUR', '-2.5']]);
    assert.deepEqual(rows.map((row) => row[4]), [await uniquehashOf(dir.db, 'taken'), await uniquehashOf(dir.db, 'b,"ob"')]);
    assert.doesNotMatch(text, /admin/);
  });

  it('writes the same text to a file given, and nothing to stdout', async () => {
    const dir = await freshDb();
    const file = join(dir.dir, 'out.csv');
    const result = await on(dir.db, 'export', file);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(await readFile(file, 'utf8'), await ok(dir.db, 'export'));
  });

  it('round-trips exactly into a fresh database: ids, awkward usernames, currencies and balances', async () => {
    const source = await freshDb();
    const users: [string, string, string][] = [
      ['with,comma', 'EUR', '-12.5'],
      ['with "quotes"', 'JPY', '0.000001'],
      ['ünïcødé ✓', 'EUR', '0'],
      ["it's;semi", 'USD', '-0.1'],
    ];
    await withOperator(source.db, async (operator) => {
      for (const [name, currency, balance] of users) await operator.addUser(name, { currency, balance });
      // Spaces around a name cannot be typed any more, but a name imported with them must export and import back.
      await operator.importUsers([
        { id: 4000, username: ' leading and trailing ', currency: 'USD', balance: '999999999999.999999' },
        { id: 5000, username: 'gap', currency: 'USD', balance: '1' },
      ]);
    });
    const file = join(source.dir, 'all.csv');
    await ok(source.db, 'export', file);

    const target = await tempDir();
    made.push(target);
    const other = target.db;
    await seedDatabase(other, { currencies: [{ code: 'EUR', rate: '0.9' }, { code: 'JPY', rate: '150' }] });
    await ok(other, 'import', file);

    const original = await readFile(file, 'utf8');
    assert.equal(await ok(other, 'export'), original);
    const rows = records(original).slice(1);
    assert.deepEqual(rows.map((row) => row[1]), ['taken', ...users.map(([name]) => name), ' leading and trailing ', 'gap']);
    assert.deepEqual(rows.map((row) => row[0]), ['1', '2', '3', '4', '5', '4000', '5000']);
    await assertVerified(other);
  });
});

describe('--db and bad paths for import and export', () => {
  it('refuses a --db that does not exist, creating neither the database nor the export file', async () => {
    const dir = await tempDir();
    made.push(dir);
    const missing = dir.db;
    const good = await csvFile(dir, 'good.csv', [HEADER, ...GOOD].join('\n') + '\n');
    const out = join(dir.dir, 'out.csv');
    for (const args of [['import', good], ['export'], ['export', out]]) {
      assert.notEqual((await on(missing, ...args)).code, 0, `${args[0]} on a missing database must fail`);
    }
    assert.equal(await databaseExists(missing), false);
    assert.equal(existsSync(out), false);
  });

  it('refuses to export into a directory that does not exist, with a non-zero exit', async () => {
    const dir = await freshDb();
    const before = await snapshot(dir.db);
    const target = join(dir.dir, 'no', 'such', 'dir.csv');
    const result = await on(dir.db, 'export', target);
    assert.notEqual(result.code, 0);
    assert.equal(result.stderr, `tally: cannot write ${target}: no such directory\n`);
    assert.deepEqual(await snapshot(dir.db), before);
  });

  it('refuses to import a file that does not exist, in words', async () => {
    const dir = await freshDb();
    const missing = join(dir.dir, 'nosuch.csv');
    const result = await on(dir.db, 'import', missing);
    assertRefused(result);
    assert.equal(result.stderr, `tally: cannot read ${missing}: no such file\n`);
  });
});
