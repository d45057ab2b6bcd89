/** `tally user rename|close|reopen|rotate-token`, `--role`, `user list --query/--limit` and `--json`, through the real CLI. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { balanceXml, errorXml, startTestServer } from '../support/fixtures.js';
import { assertRefused, assertUnchanged, initDb, ok, on, parseFields, tempDirs, userRecord, withOperator } from './cli-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

interface UserJson {
  id: number;
  username: string;
  currency: string;
  balance: string;
  balance_in_currency: string;
  status: string;
  role: string;
  created_at: string;
  uniquehash: string;
}

async function showJson(db: string, name: string): Promise<UserJson> {
  return JSON.parse(await ok(db, 'user', 'show', name, '--json')) as UserJson;
}

/** The USERNAME column of `user list` (tab-separated, header first). */
async function listed(db: string, ...args: string[]): Promise<string[]> {
  const [header, ...rows] = (await ok(db, 'user', 'list', ...args)).trimEnd().split('\n');
  assert.equal(header, 'ID\tUSERNAME\tCURRENCY\tROLE\tBALANCE\tSTATUS');
  return rows.map((row) => row.split('\t')[1]!);
}

/** Asserts a refusal that leaves the database as it was. */
async function assertRefusedUnchanged(db: string, ...args: string[]): Promise<void> {
  assertRefused(await assertUnchanged(db, () => on(db, ...args), args.join(' ')), args.join(' '));
}

describe('tally user rename', () => {
  let db: string;
  before(async () => {
    db = (await initDb(dirs, { users: [{ name: 'bob', balance: '5' }, { name: 'carol' }] })).db;
  });

  test('renames a user, keeping its id, token and balance, and finds it by the new name only', async () => {
    const before = await userRecord(db, 'bob');
    const renamed = parseFields(await ok(db, 'user', 'rename', 'BOB', 'Robert'));
    assert.deepEqual([renamed.id, renamed.username, renamed.uniquehash, renamed.balance], [String(before.id), 'Robert', before.uniquehash, '5.0']);
    await assert.rejects(userRecord(db, 'bob'), /not found: username/);
    assert.equal((await userRecord(db, 'robert')).id, before.id);
  });

  test('refuses a name another user holds in any case, the same name, and a bad name, with one line', async () => {
    await assertRefusedUnchanged(db, 'user', 'rename', 'robert', 'CAROL');
    await assertRefusedUnchanged(db, 'user', 'rename', 'robert', 'Robert');
    await assertRefusedUnchanged(db, 'user', 'rename', 'robert', 'a\tb');
    await assertRefusedUnchanged(db, 'user', 'rename', 'nobody', 'somebody');
    const result = await on(db, 'user', 'rename', 'robert', 'carol');
    assert.equal(result.stderr, 'tally: a user named carol already exists (usernames ignore letter case)\n');
  });
});

describe('tally user close and reopen', () => {
  test('closes a user: the API answers it as not found, its ledger stays, reopen brings it back', async (t) => {
    const dir = await initDb(dirs, { settings: { disable_hash_checking: 'on' }, users: [{ name: 'alice', balance: '26' }] });
    const server = await startTestServer(dir.db);
    t.after(() => server.close());
    const balance = async () => (await fetch(`${server.url}/billing/api/user_balance_get`, { method: 'POST', body: new URLSearchParams({ username: 'alice' }) })).text();
    assert.equal(await balance(), balanceXml('26.00'));

    assert.match(await ok(dir.db, 'user', 'close', 'ALICE'), /^status +closed$/m);
    assert.equal(await balance(), errorXml('page', 'User was not found'));
    assert.equal((await withOperator(dir.db, (operator) => operator.history('alice'))).length, 1);
    assert.equal((await userRecord(dir.db, 'alice')).status, 'closed');
    assert.deepEqual(await listed(dir.db), ['admin', 'alice']);

    await assertRefusedUnchanged(dir.db, 'balance', 'add', 'alice', '1');
    await assertRefusedUnchanged(dir.db, 'user', 'set', 'alice', '--balance', '1');
    await assertRefusedUnchanged(dir.db, 'user', 'close', 'alice');

    assert.match(await ok(dir.db, 'user', 'reopen', 'alice'), /^status +active$/m);
    assert.equal(await balance(), balanceXml('26.00'));
    await assertRefusedUnchanged(dir.db, 'user', 'reopen', 'alice');
  });
});

describe('tally user rotate-token', () => {
  test('prints the new uniquehash alone, and the old one stops working at once', async () => {
    const dir = await initDb(dirs, { users: [{ name: 'alice' }] });
    const old = (await userRecord(dir.db, 'alice')).uniquehash;
    const printed = await ok(dir.db, 'user', 'rotate-token', 'alice');
    assert.match(printed, /^[a-z0-9]{16}\n$/);
    const fresh = printed.trimEnd();
    assert.notEqual(fresh, old);
    assert.equal((await userRecord(dir.db, 'alice')).uniquehash, fresh);
    assert.deepEqual(await listed(dir.db, '--query', old), []);
    assert.deepEqual(await listed(dir.db, '--query', fresh), ['alice']);
    await assertRefusedUnchanged(dir.db, 'user', 'rotate-token', 'nobody');
  });
});

describe('tally user --role', () => {
  test('adds an admin login and turns a user into one and back, refusing any other role', async () => {
    const dir = await initDb(dirs);
    assert.match(await ok(dir.db, 'user', 'add', 'ops', '--role', 'admin'), /^role +admin$/m);
    await withOperator(dir.db, (operator) => operator.addUser('bob'));
    assert.match(await ok(dir.db, 'user', 'set', 'bob', '--role', 'admin'), /^role +admin$/m);
    assert.match(await ok(dir.db, 'user', 'set', 'bob', '--role', 'user'), /^role +user$/m);
    await assertRefusedUnchanged(dir.db, 'user', 'add', 'eve', '--role', 'root');
    await assertRefusedUnchanged(dir.db, 'user', 'set', 'bob', '--role', 'owner');
    const result = await on(dir.db, 'user', 'set', 'bob', '--role', 'owner');
    assert.equal(result.stderr, 'tally: --role takes user or admin, not "owner"\n');
  });
});

describe('tally user list --query --limit and --json', () => {
  let db: string;
  before(async () => {
    db = (
      await initDb(dirs, {
        currencies: [{ code: 'EUR', rate: '0.9' }],
        users: [...['anna', 'Andrew', 'bob', 'ANTON'].map((name) => ({ name })), { name: 'eve', currency: 'EUR', balance: '9007199254.740993' }],
      })
    ).db;
  });

  test('lists every user without options, and those whose name starts with the query in any case with --query', async () => {
    assert.deepEqual(await listed(db), ['admin', 'anna', 'Andrew', 'bob', 'ANTON', 'eve']);
    assert.deepEqual(await listed(db, '--query', 'aN'), ['anna', 'Andrew', 'ANTON']);
    assert.deepEqual(await listed(db, '--query', 'an', '--limit', '2'), ['anna', 'Andrew']);
    assert.deepEqual(await listed(db, '--limit', '1'), ['admin']);
    assert.deepEqual(await listed(db, '--query', 'zed'), []);
  });

  test('finds a user by its exact id', async () => {
    const bob = await userRecord(db, 'bob');
    assert.deepEqual(await listed(db, '--query', String(bob.id)), ['bob']);
  });

  test('writes one JSON array of users with money as exact decimal strings', async () => {
    const users = JSON.parse(await ok(db, 'user', 'list', '--json', '--query', 'eve')) as UserJson[];
    assert.equal(users.length, 1);
    const [eve] = users;
    assert.deepEqual(
      [eve?.username, eve?.currency, eve?.balance, eve?.balance_in_currency, eve?.status, eve?.role],
      ['eve', 'EUR', '9007199254.740993', '8106479329.2668937', 'active', 'user'],
    );
    assert.match(eve?.created_at ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(await showJson(db, 'eve'), eve);
    const all = JSON.parse(await ok(db, 'user', 'list', '--json')) as UserJson[];
    assert.deepEqual(all.map((u) => u.username), ['admin', 'anna', 'Andrew', 'bob', 'ANTON', 'eve']);
    assert.deepEqual(JSON.parse(await ok(db, 'user', 'list', '--json', '--query', 'zed')), []);
  });

  test('refuses a bad --limit or --query with one line', async () => {
    for (const args of [['--limit', '0'], ['--limit', 'x'], ['--limit', '-1'], ['--query', '']]) {
      assertRefused(await on(db, 'user', 'list', ...args), args.join(' '));
    }
  });
});
