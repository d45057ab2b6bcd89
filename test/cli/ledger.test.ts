/** `tally balance add|history`, `tally verify` and the ledger behind `user add|set`, through the real CLI. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BACKEND, databaseExists, execSql, tempDir, type TempDir } from '../support/fixtures.js';
import type { HistoryEntry } from '../support/seed.js';
import { databaseTemplate, ok, on, withOperator } from './cli-helpers.js';

interface JsonEntry {
  id: number;
  time: string;
  amount: string;
  balanceAfter: string;
  source: string;
  key: string | null;
  comment: string;
}

const made: TempDir[] = [];
after(() => Promise.all(made.map((dir) => dir.remove())));

const template = databaseTemplate(made, {
  users: [
    { name: 'alice', balance: '10' },
    { name: 'bob' },
    { name: 'carol', balance: '5' },
  ],
});

/** A new initialised database holding users alice (10), bob (0) and carol (5), with their ledger. */
async function freshDb(): Promise<string> {
  return (await template()).db;
}

async function history(db: string, username: string, ...args: string[]): Promise<JsonEntry[]> {
  return JSON.parse(await ok(db, 'balance', 'history', username, '--json', '--limit', '1000', ...args)) as JsonEntry[];
}

/** A user's entries as `balance history --json` prints them (but the time), newest first, read in this process. */
function entries(db: string, username: string): Promise<HistoryEntry[]> {
  return withOperator(db, (operator) => operator.history(username));
}

/** The user's balance as `user show` prints it, read in this process. */
async function balanceOf(db: string, username: string): Promise<string> {
  return (await withOperator(db, (operator) => operator.user(username))).balance;
}

/** `tally balance add` done in this process, for a test whose command under test comes after. */
async function addBalance(db: string, username: string, amount: string, options: { key?: string; comment?: string } = {}): Promise<void> {
  assert.equal(await withOperator(db, (operator) => operator.addBalance(username, amount, options)), 'applied');
}

/** Every user and ledger entry, read straight from the database: what a refused command must leave as it was. */
async function snapshot(db: string): Promise<string> {
  const users = await execSql(db, 'SELECT CAST(id AS TEXT) AS id, username, currency, CAST(balance AS TEXT) AS balance FROM users ORDER BY id');
  const entries = await execSql(db, LEDGER_ROWS);
  return JSON.stringify({ users, entries });
}

/** Every column of ledger_entries, as text: exact on both backends. */
const LEDGER_ROWS = `
  SELECT CAST(id AS TEXT) AS id, CAST(user_id AS TEXT) AS user_id, CAST(amount AS TEXT) AS amount,
         CAST(balance_after AS TEXT) AS balance_after, source, comment, idempotency_key, CAST(created_at AS TEXT) AS created_at
  FROM ledger_entries ORDER BY id`;

/** A stored amount in millionths: SQLite keeps INTEGER millionths, PostgreSQL NUMERIC(19,6). */
function millionths(stored: string): bigint {
  if (BACKEND === 'sqlite') return BigInt(stored);
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(stored);
  assert.ok(match, `a NUMERIC(19,6) value: ${stored}`);
  const value = BigInt(match[2]!) * 1_000_000n + BigInt((match[3] ?? '').padEnd(6, '0'));
  return match[1] === '-' ? -value : value;
}

/** SQL literals for one millionth and one unit of the system currency, in each backend's storage. */
const ONE_MILLIONTH = BACKEND === 'sqlite' ? '1' : '0.000001';
const ONE_UNIT = BACKEND === 'sqlite' ? '1000000' : '1';

describe('the ledger behind user add and user set', () => {
  it('opens a user added with a non-zero balance with one entry for it, and writes none for a zero balance', async () => {
    const db = await freshDb();
    const [entry, ...rest] = await history(db, 'alice');
    assert.equal(rest.length, 0);
    assert.equal(entry?.amount, '10.0');
    assert.equal(entry?.balanceAfter, '10.0');
    assert.equal(entry?.source, 'cli');
    assert.match(entry?.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(await history(db, 'bob'), []);
  });

  it('writes the difference of user set --balance as one entry carrying the comment', async () => {
    const db = await freshDb();
    await ok(db, 'user', 'set', 'alice', '--balance', '7.25', '--comment', 'refund reversed');
    const [latest, opening, ...rest] = await entries(db, 'alice');
    assert.equal(rest.length, 0);
    assert.equal(opening?.amount, '10.0');
    assert.deepEqual([latest?.amount, latest?.balanceAfter, latest?.comment, latest?.source], ['-2.75', '7.25', 'refund reversed', 'cli']);
    assert.equal(await balanceOf(db, 'alice'), '7.25');
  });

  it('writes no entry when user set --balance gives the balance the user already has', async () => {
    const db = await freshDb();
    await ok(db, 'user', 'set', 'alice', '--balance', '10.000');
    assert.equal((await entries(db, 'alice')).length, 1);
  });
});

describe('tally balance add', () => {
  it('adds a signed amount as one cli entry with its comment and key', async () => {
    const db = await freshDb();
    await ok(db, 'balance', 'add', 'alice', '-3.5', '--comment', 'call 42', '--key', 'k-1');
    await ok(db, 'balance', 'add', 'ALICE', '0.000001');
    const [second, first] = await entries(db, 'alice');
    assert.deepEqual([first?.amount, first?.balanceAfter, first?.comment, first?.key, first?.source], ['-3.5', '6.5', 'call 42', 'k-1', 'cli']);
    assert.deepEqual([second?.amount, second?.balanceAfter, second?.key], ['0.000001', '6.500001', null]);
    assert.equal(await balanceOf(db, 'alice'), '6.500001');
  });

  it('refuses an amount with more than six fractional digits and changes nothing', async () => {
    const db = await freshDb();
    const before = await snapshot(db);
    const result = await on(db, 'balance', 'add', 'alice', '1.0000001');
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /fractional digits/);
    assert.equal(await snapshot(db), before);
  });

  it('changes nothing the second time the same --key is given with the same user and amount', async () => {
    const db = await freshDb();
    await addBalance(db, 'alice', '2', { key: 'retry-me' });
    const before = await snapshot(db);
    await ok(db, 'balance', 'add', 'alice', '2', '--key', 'retry-me');
    await ok(db, 'balance', 'add', 'alice', '2.000', '--key', 'retry-me');
    assert.equal(await snapshot(db), before);
    assert.equal(await balanceOf(db, 'alice'), '12.0');
  });

  it('refuses a used --key with another amount or another user, with a non-zero exit, and changes nothing', async () => {
    const db = await freshDb();
    await addBalance(db, 'alice', '2', { key: 'once' });
    const before = await snapshot(db);
    for (const args of [['alice', '3'], ['bob', '2'], ['alice', '-2']]) {
      const result = await on(db, 'balance', 'add', ...args, '--key', 'once');
      assert.notEqual(result.code, 0, `balance add ${args.join(' ')} --key once must be refused`);
      assert.equal(result.stdout, '');
    }
    assert.equal(await snapshot(db), before);
  });

  it('refuses bad values with a non-zero exit and changes nothing', async () => {
    const db = await freshDb();
    const before = await snapshot(db);
    const bad: string[][] = [
      ['alice', '0'],
      ['alice', 'ten'],
      ['alice', '1e3'],
      ['alice', '1,5'],
      ['alice', ''],
      ['alice', '1000000000000'],
      ['nobody', '1'],
      ['alice', '1', '--key', ''],
      ['alice', '1', '--key', 'k'.repeat(129)],
      ['alice', '1', '--comment', 'two\nlines'],
      ['alice', '1', '--comment', 'x'.repeat(501)],
    ];
    for (const args of bad) {
      const result = await on(db, 'balance', 'add', ...args);
      assert.notEqual(result.code, 0, `balance add ${JSON.stringify(args)} must be refused`);
      assert.notEqual(result.stderr, '', `balance add ${JSON.stringify(args)} says why`);
    }
    assert.equal(await snapshot(db), before);
  });

  it('refuses a change that would take the balance out of range and changes nothing', async () => {
    const db = await freshDb();
    await addBalance(db, 'alice', '999999999989');
    const before = await snapshot(db);
    assert.notEqual((await on(db, 'balance', 'add', 'alice', '1')).code, 0);
    assert.equal(await snapshot(db), before);
  });
});

describe('tally balance history', () => {
  it('lists entries newest first, and --limit keeps the newest ones', async () => {
    const db = await freshDb();
    for (const amount of ['1', '2', '3']) await addBalance(db, 'alice', amount, { comment: `c${amount}` });
    const all = await history(db, 'alice');
    assert.deepEqual(all.map((e) => e.comment), ['c3', 'c2', 'c1', 'opening balance']);
    assert.deepEqual(all.map((e) => e.balanceAfter), ['16.0', '13.0', '11.0', '10.0']);
    const ids = all.map((e) => e.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    const limited = JSON.parse(await ok(db, 'balance', 'history', 'alice', '--json', '--limit', '2')) as JsonEntry[];
    assert.deepEqual(limited, all.slice(0, 2));
    const text = await ok(db, 'balance', 'history', 'alice', '--limit', '1');
    assert.match(text, /\bc3\b/);
    assert.doesNotMatch(text, /\bc2\b/);
  });

  it('gives --json amounts as exact decimal strings, beyond what a double holds', async () => {
    const db = await freshDb();
    await addBalance(db, 'bob', '9007199254.740993');
    await addBalance(db, 'bob', '-0.000001');
    const [second, first] = await history(db, 'bob');
    assert.deepEqual([first?.amount, first?.balanceAfter], ['9007199254.740993', '9007199254.740993']);
    assert.deepEqual([second?.amount, second?.balanceAfter], ['-0.000001', '9007199254.740992']);
  });

  it('refuses a bad --limit and an unknown user with a non-zero exit', async () => {
    const db = await freshDb();
    for (const args of [['alice', '--limit', '0'], ['alice', '--limit', 'x'], ['alice', '--limit', '-1'], ['nobody']]) {
      const result = await on(db, 'balance', 'history', ...args);
      assert.notEqual(result.code, 0, `balance history ${args.join(' ')} must be refused`);
      assert.equal(result.stdout, '');
    }
  });
});

describe('tally verify and the stored ledger', () => {
  it("keeps every user's balance equal to the sum of their entries, each balance_after the running total", async () => {
    const db = await freshDb();
    await ok(db, 'balance', 'add', 'alice', '-12.125');
    await ok(db, 'user', 'set', 'bob', '--balance', '3.3');
    await ok(db, 'balance', 'add', 'bob', '0.7', '--key', 'x');
    const users = (await execSql(db, 'SELECT id, username, CAST(balance AS TEXT) AS balance FROM users')) as { id: unknown; username: string; balance: string }[];
    assert.equal(users.length, 4);
    for (const user of users) {
      const entries = (await execSql(
        db,
        `SELECT CAST(amount AS TEXT) AS amount, CAST(balance_after AS TEXT) AS balance_after FROM ledger_entries WHERE user_id = ${BACKEND === 'sqlite' ? '?' : '$1'} ORDER BY id`,
        [user.id],
      )) as { amount: string; balance_after: string }[];
      let running = 0n;
      for (const entry of entries) {
        running += millionths(entry.amount);
        assert.equal(millionths(entry.balance_after), running, `${user.username}: balance_after is the running sum`);
      }
      assert.equal(millionths(user.balance), running, `${user.username}: balance equals the sum of entries`);
    }
    assert.match(await ok(db, 'verify'), /^ok\b/);
  });

  it('exits non-zero naming exactly the users whose stored balance no longer matches their ledger', async () => {
    const db = await freshDb();
    await execSql(db, `UPDATE users SET balance = balance + ${ONE_MILLIONTH} WHERE username = 'alice'`);
    await execSql(db, `UPDATE users SET balance = balance - 5 * ${ONE_UNIT} WHERE username = 'carol'`);
    const result = await on(db, 'verify');
    assert.notEqual(result.code, 0);
    const output = result.stdout + result.stderr;
    assert.match(output, /\balice\b/);
    assert.match(output, /\bcarol\b/);
    assert.doesNotMatch(output, /\bbob\b/);
    assert.doesNotMatch(output, /\badmin\b/);
  });

  it('refuses an UPDATE or a DELETE on ledger_entries at the database', async () => {
    const db = await freshDb();
    const count = async () => ((await execSql(db, 'SELECT CAST(COUNT(*) AS INTEGER) AS n FROM ledger_entries')) as { n: number }[])[0]?.n;
    const before = await count();
    const rows = await execSql(db, LEDGER_ROWS);
    await assert.rejects(execSql(db, 'UPDATE ledger_entries SET amount = amount + 1'), /immutable/);
    await assert.rejects(execSql(db, "UPDATE ledger_entries SET comment = 'edited'"), /immutable/);
    await assert.rejects(execSql(db, 'DELETE FROM ledger_entries'), /immutable/);
    assert.equal(await count(), before);
    assert.equal(before, 2);
    assert.deepEqual(await execSql(db, LEDGER_ROWS), rows);
    assert.equal((await entries(db, 'alice'))[0]?.comment, 'opening balance');
    assert.match(await ok(db, 'verify'), /^ok\b/);
  });
});

describe('--db on the ledger commands', () => {
  it('reads and writes only the database --db names', async () => {
    const db = await freshDb();
    const other = await freshDb();
    await ok(db, 'balance', 'add', 'alice', '1');
    assert.equal(await balanceOf(db, 'alice'), '11.0');
    assert.equal(await balanceOf(other, 'alice'), '10.0');
  });

  it('refuses a --db that does not exist, with a non-zero exit, and does not create it', async () => {
    const dir = await tempDir();
    made.push(dir);
    const missing = dir.db;
    for (const args of [['balance', 'add', 'alice', '1'], ['balance', 'history', 'alice'], ['verify']]) {
      const result = await on(missing, ...args);
      assert.notEqual(result.code, 0, `${args.join(' ')} on a missing database must fail`);
      assert.equal(await databaseExists(missing), false, `${args.join(' ')} must not create the database`);
    }
  });
});
