import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ShownUser } from '../support/seed.js';
import { assertRefused, assertUnchanged, initDb, isZero, ok, on, parseFields, tempDirs, withOperator } from './cli-helpers.js';

const dirs = tempDirs();
let db: string;
/** A database on which only refused commands run. */
let untouched: string;
before(async () => {
  db = (await initDb(dirs, { currencies: [{ code: 'EUR', rate: '0.7351' }] })).db;
  untouched = (await initDb(dirs, { users: [{ name: 'Carol' }] })).db;
});
after(() => dirs.removeAll());

/** A user of `db` as `tally user show` prints it, read in this process. */
function show(name: string): Promise<ShownUser> {
  return withOperator(db, (operator) => operator.user(name));
}

/** Adds a user to `db` in this process, for a test whose command under test comes after. */
function add(name: string, options: { balance?: string; currency?: string } = {}): Promise<ShownUser> {
  return withOperator(db, (operator) => operator.addUser(name, options));
}

/** Asserts that `tally ARGS --db DB` is refused and changes nothing in the database. */
async function assertRefusedUnchanged(on_: string, ...args: string[]): Promise<void> {
  assertRefused(await assertUnchanged(on_, () => on(on_, ...args), JSON.stringify(args)), JSON.stringify(args));
}

/** Asserts that `user add NAME ...` is refused and that no user is added. */
function assertAddRefused(name: string, ...options: string[]): Promise<void> {
  return assertRefusedUnchanged(untouched, 'user', 'add', name, ...options);
}

describe('tally user add', () => {
  test('adds a user in the system currency with a zero balance by default', async () => {
    const added = parseFields(await ok(db, 'user', 'add', 'alice'));
    // What add prints is what show prints.
    const shown = parseFields(await ok(db, 'user', 'show', 'alice'));
    assert.deepEqual(shown, added);
    assert.deepEqual(await show('alice'), { id: shown.id, username: shown.username, currency: shown.currency, balance: shown.balance, uniquehash: shown.uniquehash, role: shown.role });
    assert.equal(shown.username, 'alice');
    assert.equal(shown.currency, 'USD');
    assert.ok(isZero(shown.balance), shown.balance);
    assert.match(shown.id ?? '', /^\d+$/);
    assert.match(shown.uniquehash ?? '', /^\S+$/);
  });

  test('takes --currency in any letter case and --balance exactly', async () => {
    await ok(db, 'user', 'add', 'bob', '--currency', 'eur', '--balance', '12345678.123456');
    const bob = await show('bob');
    assert.equal(bob.currency, 'EUR');
    assert.equal(bob.balance, '12345678.123456');
  });

  for (const [name, amount] of [['neg1', '-12.5'], ['neg2', '-0.000001'], ['tiny', '0.000001'], ['cents', '0.1']] as const) {
    test(`stores the balance ${amount} exactly`, async () => {
      await ok(db, 'user', 'add', name, '--balance', amount);
      assert.equal((await show(name)).balance, amount);
    });
  }

  test('gives every user its own id and uniquehash', async () => {
    await ok(db, 'user', 'add', 'u1');
    await ok(db, 'user', 'add', 'u2');
    const [u1, u2, admin] = [await show('u1'), await show('u2'), await show('admin')];
    assert.equal(new Set([u1.id, u2.id, admin.id]).size, 3);
    assert.equal(new Set([u1.uniquehash, u2.uniquehash, admin.uniquehash]).size, 3);
  });

  test('refuses a username that differs from an existing one only in letter case', async () => {
    await assertAddRefused('carol');
    await assertAddRefused('CAROL');
    await assertAddRefused('ADMIN');
    await add('Ärger');
    await assertRefusedUnchanged(db, 'user', 'add', 'äRGER');
  });

  test('accepts usernames of exactly 128 characters, counting characters rather than bytes', async () => {
    await ok(db, 'user', 'add', 'x'.repeat(128));
    await ok(db, 'user', 'add', '😀'.repeat(128));
    assert.equal((await show('😀'.repeat(128))).username, '😀'.repeat(128));
  });

  for (const [label, name] of [
    ['empty', ''],
    ['129 characters long', 'y'.repeat(129)],
    ['129 emoji long', '😀'.repeat(129)],
    ['holding a tab', 'a\tb'],
    ['holding a newline', 'a\nb'],
    ['holding a carriage return', 'a\rb'],
    ['holding DEL', 'a\u007fb'],
    ['holding an escape', 'a\u001b[31mb'],
    ['holding a C1 control', 'a\u0085b'],
  ] as const) {
    test(`refuses a username ${label} and adds nothing`, async () => {
      await assertAddRefused(name);
    });
  }

  test('refuses an unknown currency and adds nothing', async () => {
    await assertAddRefused('dave', '--currency', 'GBP');
    await assertAddRefused('dave', '--currency', 'EU');
    await assertAddRefused('dave', '--currency', 'USER');
    assertRefused(await on(untouched, 'user', 'show', 'dave'));
  });

  for (const amount of ['1.1234567', '0.0000001', '-5.0000005', 'abc', '1,5', '1e3', '', ' 1', '1 000', '--', '0x10', 'NaN', 'Infinity']) {
    test(`refuses the balance "${amount}" and adds nothing`, async () => {
      await assertAddRefused('erin', '--balance', amount);
    });
  }
});

describe('tally user set', () => {
  test('changes the balance and the currency, finding the user without regard to case', async () => {
    const before = await add('Frank', { balance: '10' });
    const out = parseFields(await ok(db, 'user', 'set', 'FRANK', '--currency', 'eur', '--balance', '-7.654321'));
    const after = parseFields(await ok(db, 'user', 'show', 'frank'));
    assert.deepEqual(out, after);
    assert.equal(after.balance, '-7.654321');
    assert.equal(after.currency, 'EUR');
    assert.equal(after.username, 'Frank');
    assert.equal(after.id, before.id);
    assert.equal(after.uniquehash, before.uniquehash);
  });

  test('changes only what is given', async () => {
    await add('gina', { currency: 'EUR', balance: '3.5' });
    await ok(db, 'user', 'set', 'gina', '--balance', '4.25');
    assert.equal((await show('gina')).currency, 'EUR');
    await ok(db, 'user', 'set', 'gina', '--currency', 'USD');
    assert.equal((await show('gina')).balance, '4.25');
  });

  test('refuses more than 6 fractional digits and keeps the old balance', async () => {
    await add('hank', { balance: '1.5' });
    await assertRefusedUnchanged(db, 'user', 'set', 'hank', '--balance', '1.0000001');
    await assertRefusedUnchanged(db, 'user', 'set', 'hank', '--balance', '2.1234565');
    assert.equal((await show('hank')).balance, '1.5');
  });

  test('refuses an unknown currency and changes nothing, not even a valid balance given with it', async () => {
    await add('ivan', { balance: '1.5' });
    await assertRefusedUnchanged(db, 'user', 'set', 'ivan', '--currency', 'GBP');
    await assertRefusedUnchanged(db, 'user', 'set', 'ivan', '--currency', 'GBP', '--balance', '99');
    await assertRefusedUnchanged(db, 'user', 'set', 'ivan', '--currency', 'EUR', '--balance', '9.99999999');
  });

  test('refuses an unknown user and creates nobody', async () => {
    await assertRefusedUnchanged(db, 'user', 'set', 'nobody', '--balance', '1');
  });
});

describe('first and last names', () => {
  test('user add and user set keep --first-name and --last-name as typed; show prints them, --json names them first_name and last_name', async () => {
    const added = parseFields(await ok(db, 'user', 'add', 'ada', '--first-name', 'Ada', '--last-name', 'Lovelace Byron'));
    assert.deepEqual([added.first_name, added.last_name], ['Ada', 'Lovelace Byron']);
    await ok(db, 'user', 'set', 'ADA', '--first-name', ' Augusta', '--last-name', '');
    const shown = JSON.parse(await ok(db, 'user', 'show', 'ada', '--json')) as { first_name: string; last_name: string };
    assert.deepEqual([shown.first_name, shown.last_name], [' Augusta', '']);
  });

  test('refuses a name with a control character or over 255 characters, naming the flag, and changes nothing', async () => {
    await add('grace');
    for (const [flag, value] of [['--first-name', 'Grace\nHopper'], ['--last-name', 'x'.repeat(256)], ['--first-name', '\u0085']] as const) {
      const result = await assertUnchanged(db, () => on(db, 'user', 'set', 'grace', flag, value), flag);
      assertRefused(result, flag);
      assert.equal(result.stderr, `tally: ${flag} must be at most 255 characters, none of them a control character\n`);
    }
    assertRefused(await on(untouched, 'user', 'add', 'newbie', '--last-name', 'a\tb'));
    await ok(db, 'user', 'set', 'grace', '--last-name', 'é'.repeat(255));
    assert.equal(JSON.parse(await ok(db, 'user', 'show', 'grace', '--json')).last_name, 'é'.repeat(255));
  });
});

describe('tally user show', () => {
  test('refuses an unknown user with one line', async () => {
    assertRefused(await on(db, 'user', 'show', 'nobody-at-all'));
  });
});

describe('tally user list', () => {
  test('lists every user with id, username, currency and exact balance', async () => {
    const jane = await add('Jane Doe', { currency: 'EUR', balance: '-0.5' });
    const lines = (await ok(db, 'user', 'list')).trimEnd().split('\n');
    const rows = lines.slice(1).map((line) => line.split('\t'));
    const janeRow = rows.find((row) => row.includes('Jane Doe'));
    assert.ok(janeRow !== undefined, lines.join('\n'));
    assert.ok(janeRow.includes(jane.id ?? '?'));
    assert.ok(janeRow.includes('EUR'));
    assert.ok(janeRow.includes('-0.5'));
    const adminRow = rows.find((row) => row.includes('admin'));
    assert.ok(adminRow !== undefined);
  });

  test('lists each added user on a line of its own with its balance', async () => {
    await add('list-a', { balance: '1.25' });
    await add('list-b', { balance: '2.75' });
    const lines = (await ok(db, 'user', 'list')).trimEnd().split('\n');
    const a = lines.findIndex((line) => line.split('\t').includes('list-a'));
    const b = lines.findIndex((line) => line.split('\t').includes('list-b'));
    assert.ok(a > 0 && b > 0 && a !== b, lines.join('\n'));
    assert.ok(lines[a]?.split('\t').includes('1.25'));
    assert.ok(lines[b]?.split('\t').includes('2.75'));
  });
});
