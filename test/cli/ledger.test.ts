/** `tally balance add|history`, `tally verify` and the ledger behind `user add|set`, through the real CLI. */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { runTally, tempDir, type CliResult, type TempDir } from '../support/fixtures.js';

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

function on(db: string, ...args: string[]): Promise<CliResult> {
  return runTally([...args, '--db', db]);
}

async function ok(db: string, ...args: string[]): Promise<string> {
  const result = await on(db, ...args);
  assert.equal(result.code, 0, `tally ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Built once, then copied: every test gets its own database without paying for four commands. */
let template: Promise<string> | undefined;

async function buildTemplate(): Promise<string> {
  const dir = await tempDir();
  made.push(dir);
  await ok(dir.db, 'init');
  await ok(dir.db, 'user', 'add', 'alice', '--balance', '10');
  await ok(dir.db, 'user', 'add', 'bob');
  await ok(dir.db, 'user', 'add', 'carol', '--balance', '5');
  assert.equal(existsSync(`${dir.db}-wal`) && statSync(`${dir.db}-wal`).size > 0, false, 'the template is checkpointed');
  return dir.db;
}

/** A new initialised database holding users alice (10), bob (0) and carol (5), with their ledger. */
async function freshDb(): Promise<string> {
  template ??= buildTemplate();
  const source = await template;
  const dir = await tempDir();
  made.push(dir);
  await copyFile(source, dir.db);
  return dir.db;
}

async function history(db: string, username: string, ...args: string[]): Promise<JsonEntry[]> {
  return JSON.parse(await ok(db, 'balance', 'history', username, '--json', '--limit', '1000', ...args)) as JsonEntry[];
}

/** The user's balance as `user show` prints it. */
async function balanceOf(db: string, username: string): Promise<string> {
  const match = /^balance +(\S+)$/m.exec(await ok(db, 'user', 'show', username));
  assert.ok(match, `user show ${username} prints a balance`);
  return match[1]!;
}

/** Every user and ledger entry, read straight from the file: what a refused command must leave as it was. */
async function snapshot(db: string): Promise<string> {
  return withSqlite(db, (sqlite) => {
    const users = sqlite.prepare('SELECT id, username, currency, balance FROM users ORDER BY id').all();
    const entries = sqlite.prepare('SELECT * FROM ledger_entries ORDER BY id').all();
    return JSON.stringify({ users, entries }, (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
  });
}

function withSqlite<T>(db: string, work: (sqlite: Database.Database) => T): T {
  const sqlite = new Database(db);
  sqlite.defaultSafeIntegers(true);
  try {
    return work(sqlite);
  } finally {
    sqlite.close();
  }
}

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
    const [latest, opening, ...rest] = await history(db, 'alice');
    assert.equal(rest.length, 0);
    assert.equal(opening?.amount, '10.0');
    assert.deepEqual([latest?.amount, latest?.balanceAfter, latest?.comment, latest?.source], ['-2.75', '7.25', 'refund reversed', 'cli']);
    assert.equal(await balanceOf(db, 'alice'), '7.25');
  });

  it('writes no entry when user set --balance gives the balance the user already has', async () => {
    const db = await freshDb();
    await ok(db, 'user', 'set', 'alice', '--balance', '10.000');
    assert.equal((await history(db, 'alice')).length, 1);
  });
});

describe('tally balance add', () => {
  it('adds a signed amount as one cli entry with its comment and key', async () => {
    const db = await freshDb();
    await ok(db, 'balance', 'add', 'alice', '-3.5', '--comment', 'call 42', '--key', 'k-1');
    await ok(db, 'balance', 'add', 'ALICE', '0.000001');
    const [second, first] = await history(db, 'alice');
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
    await ok(db, 'balance', 'add', 'alice', '2', '--key', 'retry-me');
    const before = await snapshot(db);
    await ok(db, 'balance', 'add', 'alice', '2', '--key', 'retry-me');
    await ok(db, 'balance', 'add', 'alice', '2.000', '--key', 'retry-me');
    assert.equal(await snapshot(db), before);
    assert.equal(await balanceOf(db, 'alice'), '12.0');
  });

  it('refuses a used --key with another amount or another user, with a non-zero exit, and changes nothing', async () => {
    const db = await freshDb();
    await ok(db, 'balance', 'add', 'alice', '2', '--key', 'once');
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
    await ok(db, 'balance', 'add', 'alice', '999999999989');
    const before = await snapshot(db);
    assert.notEqual((await on(db, 'balance', 'add', 'alice', '1')).code, 0);
    assert.equal(await snapshot(db), before);
  });
});

describe('tally balance history', () => {
  it('lists entries newest first, and --limit keeps the newest ones', async () => {
    const db = await freshDb();
    for (const amount of ['1', '2', '3']) await ok(db, 'balance', 'add', 'alice', amount, '--comment', `c${amount}`);
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
    await ok(db, 'balance', 'add', 'bob', '9007199254.740993');
    await ok(db, 'balance', 'add', 'bob', '-0.000001');
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
    withSqlite(db, (sqlite) => {
      const users = sqlite.prepare('SELECT id, username, balance FROM users').all() as { id: bigint; username: string; balance: bigint }[];
      for (const user of users) {
        const entries = sqlite.prepare('SELECT amount, balance_after FROM ledger_entries WHERE user_id = ? ORDER BY id').all(user.id) as {
          amount: bigint;
          balance_after: bigint;
        }[];
        let running = 0n;
        for (const entry of entries) {
          running += entry.amount;
          assert.equal(entry.balance_after, running, `${user.username}: balance_after is the running sum`);
        }
        assert.equal(user.balance, running, `${user.username}: balance equals the sum of entries`);
      }
    });
    assert.match(await ok(db, 'verify'), /^ok\b/);
  });

  it('exits non-zero naming exactly the users whose stored balance no longer matches their ledger', async () => {
    const db = await freshDb();
    withSqlite(db, (sqlite) => {
      sqlite.prepare("UPDATE users SET balance = balance + 1 WHERE username = 'alice'").run();
      sqlite.prepare("UPDATE users SET balance = balance - 5000000 WHERE username = 'carol'").run();
    });
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
    withSqlite(db, (sqlite) => {
      const count = () => (sqlite.prepare('SELECT COUNT(*) AS n FROM ledger_entries').get() as { n: bigint }).n;
      const before = count();
      assert.throws(() => sqlite.prepare('UPDATE ledger_entries SET amount = amount + 1').run(), /immutable/);
      assert.throws(() => sqlite.prepare("UPDATE ledger_entries SET comment = 'edited'").run(), /immutable/);
      assert.throws(() => sqlite.prepare('DELETE FROM ledger_entries').run(), /immutable/);
      assert.equal(count(), before);
      assert.equal(before, 2n);
    });
    assert.equal((await history(db, 'alice'))[0]?.comment, 'opening balance');
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
    const missing = join(dir.dir, 'missing.db');
    for (const args of [['balance', 'add', 'alice', '1'], ['balance', 'history', 'alice'], ['verify']]) {
      const result = await on(missing, ...args);
      assert.notEqual(result.code, 0, `${args.join(' ')} on a missing database must fail`);
      assert.equal(existsSync(missing), false, `${args.join(' ')} must not create the database`);
    }
  });
});
