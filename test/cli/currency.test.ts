import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatRate } from '../../src/domain/money.js';
import { assertRefused, assertUnchanged, initDb, ok, on, parseTable, readStore, tempDirs } from './cli-helpers.js';

const dirs = tempDirs();
/** A database on which only refused commands run: its currencies never change. */
let untouched: string;
before(async () => {
  untouched = (await initDb(dirs)).db;
});
after(() => dirs.removeAll());

/** The currencies as `tally currency list` shows them (code, rate, active, name), read in this process. */
async function currencies(db: string): Promise<Record<string, Record<string, string>>> {
  const all = await readStore(db, (store) => store.listCurrencies());
  return Object.fromEntries(all.map((c) => [c.code, { code: c.code, rate: formatRate(c.rate), active: c.active ? 'yes' : 'no', name: c.name }]));
}

/** Asserts that `tally currency set ARGS` is refused and changes nothing in the database. */
async function assertSetRefused(db: string, ...args: string[]): Promise<void> {
  assertRefused(await assertUnchanged(db, () => on(db, 'currency', 'set', ...args), JSON.stringify(args)), JSON.stringify(args));
}

describe('tally currency list', () => {
  test('shows the system currency with rate 1 after init', async () => {
    const dir = await initDb(dirs);
    const rows = parseTable(await ok(dir.db, 'currency', 'list'));
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.code, 'USD');
    assert.equal(rows[0]?.rate, '1');
  });
});

describe('tally currency set for a new currency', () => {
  test('adds it with its rate, name and active flag', async () => {
    const dir = await initDb(dirs);
    await ok(dir.db, 'currency', 'set', 'EUR', '--rate', '0.7351', '--name', 'Euro');
    const eur = (await currencies(dir.db)).EUR;
    assert.equal(eur?.rate, '0.7351');
    assert.equal(eur?.name, 'Euro');
    assert.equal(eur?.active, 'yes');
    assert.equal((await currencies(dir.db)).USD?.rate, '1');
  });

  test('stores the code in upper case', async () => {
    const dir = await initDb(dirs);
    await ok(dir.db, 'currency', 'set', 'gbp', '--rate', '0.79');
    await ok(dir.db, 'currency', 'set', 'bh1', '--rate', '0.377');
    await ok(dir.db, 'currency', 'set', 'usdt1', '--rate', '1.0001');
    const list = await currencies(dir.db);
    assert.deepEqual(Object.keys(list).sort(), ['BH1', 'GBP', 'USD', 'USDT1']);
    assert.equal(list.GBP?.rate, '0.79');
  });

  test('keeps the rate exactly, without binary rounding', async () => {
    const dir = await initDb(dirs);
    await ok(dir.db, 'currency', 'set', 'AAA', '--rate', '0.123456789012');
    await ok(dir.db, 'currency', 'set', 'BBB', '--rate', '0.1');
    await ok(dir.db, 'currency', 'set', 'CCC', '--rate', '123456789.98765432');
    // As `currency list` prints them, too.
    const list = Object.fromEntries(parseTable(await ok(dir.db, 'currency', 'list')).map((row) => [row.code, row]));
    assert.equal(list.AAA?.rate, '0.123456789012');
    assert.equal(list.BBB?.rate, '0.1');
    assert.equal(list.CCC?.rate, '123456789.98765432');
  });

  test('can be added inactive', async () => {
    const dir = await initDb(dirs);
    await ok(dir.db, 'currency', 'set', 'JPY', '--rate', '150', '--active', 'off');
    assert.equal((await currencies(dir.db)).JPY?.active, 'no');
  });

  test('is refused without --rate and is not added', async () => {
    await assertSetRefused(untouched, 'EUR', '--name', 'Euro');
  });

  for (const code of ['EU', 'EUROPE', 'EU-R', 'E R', '€UR', 'USER', 'user', '']) {
    test(`refuses the code "${code}" and adds nothing`, async () => {
      await assertSetRefused(untouched, code, '--rate', '1.5');
    });
  }

  for (const rate of ['0', '0.000', '-1', '-0.5', 'abc', '1e3', '1,5', '', ' 1', '0x10']) {
    test(`refuses the rate "${rate}" and adds nothing`, async () => {
      await assertSetRefused(untouched, 'EUR', '--rate', rate);
    });
  }
});

describe('tally currency set for an existing currency', () => {
  test('changes the rate and keeps the name', async () => {
    const dir = await initDb(dirs, { currencies: [{ code: 'EUR', rate: '0.7351', name: 'Euro' }] });
    await ok(dir.db, 'currency', 'set', 'eur', '--rate', '0.92');
    const eur = (await currencies(dir.db)).EUR;
    assert.equal(eur?.rate, '0.92');
    assert.equal(eur?.name, 'Euro');
  });

  test('changes the name or the active flag without --rate and keeps the rate', async () => {
    const dir = await initDb(dirs, { currencies: [{ code: 'EUR', rate: '0.7351' }] });
    await ok(dir.db, 'currency', 'set', 'EUR', '--name', 'Euro zone');
    await ok(dir.db, 'currency', 'set', 'EUR', '--active', 'off');
    let eur = (await currencies(dir.db)).EUR;
    assert.equal(eur?.rate, '0.7351');
    assert.equal(eur?.name, 'Euro zone');
    assert.equal(eur?.active, 'no');
    await ok(dir.db, 'currency', 'set', 'EUR', '--active', 'on');
    eur = (await currencies(dir.db)).EUR;
    assert.equal(eur?.active, 'yes');
  });

  test('refuses a bad rate, name or active flag and keeps the currency as it was', async () => {
    const dir = await initDb(dirs, { currencies: [{ code: 'EUR', rate: '0.7351', name: 'Euro' }] });
    await assertSetRefused(dir.db, 'EUR', '--rate', '0');
    await assertSetRefused(dir.db, 'EUR', '--rate', 'lots');
    await assertSetRefused(dir.db, 'EUR', '--active', 'maybe');
    await assertSetRefused(dir.db, 'EUR', '--rate', '0.5', '--active', 'maybe');
  });
});

describe('the system currency', () => {
  test('keeps rate 1 when another rate is given, and the change is refused', async () => {
    const dir = await initDb(dirs);
    await assertSetRefused(dir.db, 'USD', '--rate', '2');
    await assertSetRefused(dir.db, 'usd', '--rate', '0.5', '--name', 'Dollar');
    assert.equal((await currencies(dir.db)).USD?.rate, '1');
  });

  test('accepts rate 1 and a new name', async () => {
    const dir = await initDb(dirs, { systemCurrency: 'EUR' });
    await ok(dir.db, 'currency', 'set', 'EUR', '--rate', '1', '--name', 'Euro');
    const eur = (await currencies(dir.db)).EUR;
    assert.equal(eur?.rate, '1');
    assert.equal(eur?.name, 'Euro');
  });
});
