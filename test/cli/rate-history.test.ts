/** `tally currency history CODE`: every exchange rate change, through the real CLI. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { databaseExists, tempDir, type TempDir } from '../support/fixtures.js';
import { seedDatabase, type SeedPlan } from '../support/seed.js';
import { assertUnchanged, ok, on, withOperator } from './cli-helpers.js';

const made: TempDir[] = [];
after(() => Promise.all(made.map((dir) => dir.remove())));

/** A new database initialised and seeded with `plan` in this process. */
async function freshDb(plan: SeedPlan = {}): Promise<string> {
  const dir = await tempDir();
  made.push(dir);
  await seedDatabase(dir.db, plan);
  return dir.db;
}

interface Change {
  time: string;
  oldRate: string;
  newRate: string;
  source: string;
}

/** Rows of the history table: TIME, OLD RATE, NEW RATE, SOURCE. */
async function rateHistory(db: string, code: string): Promise<Change[]> {
  const [header = '', ...rows] = (await ok(db, 'currency', 'history', code)).split('\n').filter((line) => line !== '');
  assert.match(header, /^TIME\s+OLD RATE\s+NEW RATE\s+SOURCE$/);
  return rows.map((row) => {
    const match = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(row);
    assert.ok(match, `a history row has four columns: ${JSON.stringify(row)}`);
    return { time: match[1]!, oldRate: match[2]!, newRate: match[3]!, source: match[4]! };
  });
}

describe('tally currency history', () => {
  it('lists each rate change with old rate, new rate, source and time, oldest first', async () => {
    const db = await freshDb();
    await ok(db, 'currency', 'set', 'EUR', '--rate', '0.9');
    await ok(db, 'currency', 'set', 'eur', '--rate', '0.85');
    await ok(db, 'currency', 'set', 'EUR', '--rate', '0.123456789012');
    const changes = await rateHistory(db, 'eur');
    assert.deepEqual(
      changes.map((c) => [c.oldRate, c.newRate, c.source]),
      [
        ['(added)', '0.9', 'cli'],
        ['0.9', '0.85', 'cli'],
        ['0.85', '0.123456789012', 'cli'],
      ],
    );
    for (const change of changes) assert.match(change.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const times = changes.map((c) => c.time);
    assert.deepEqual(times, [...times].sort());
  });

  it('keeps each currency’s history to itself', async () => {
    const db = await freshDb({
      currencies: [
        { code: 'EUR', rate: '0.9' },
        { code: 'GBP', rate: '0.8' },
        { code: 'GBP', rate: '0.75' },
      ],
    });
    assert.equal((await rateHistory(db, 'EUR')).length, 1);
    assert.deepEqual((await rateHistory(db, 'GBP')).map((c) => c.newRate), ['0.8', '0.75']);
  });

  it('records no rate change for a name or active change, nor for the same rate again', async () => {
    const db = await freshDb();
    await ok(db, 'currency', 'set', 'EUR', '--rate', '0.9');
    await ok(db, 'currency', 'set', 'EUR', '--name', 'Euro');
    await ok(db, 'currency', 'set', 'EUR', '--active', 'off');
    await ok(db, 'currency', 'set', 'EUR', '--rate', '0.90');
    assert.equal((await rateHistory(db, 'EUR')).length, 1);
  });

  it('shows an empty history for the system currency, whose rate is always 1', async () => {
    const db = await freshDb();
    assert.deepEqual(await rateHistory(db, 'USD'), []);
  });

  it('leaves the history as it was when a rate is refused', async () => {
    const db = await freshDb({ currencies: [{ code: 'EUR', rate: '0.9' }] });
    for (const args of [['EUR', '--rate', '0'], ['EUR', '--rate', '-1'], ['EUR', '--rate', 'abc'], ['EUR', '--rate', '0.1234567890123'], ['USD', '--rate', '2']]) {
      const result = await assertUnchanged(db, () => on(db, 'currency', 'set', ...args), args.join(' '));
      assert.notEqual(result.code, 0, `currency set ${args.join(' ')} must be refused`);
    }
    const [eur, usd] = await withOperator(db, async (operator) => [await operator.rateHistory('EUR'), await operator.rateHistory('USD')]);
    assert.deepEqual(eur?.map((c) => c.newRate), ['0.9']);
    assert.deepEqual(usd, []);
  });

  it('refuses an unknown or malformed code with a non-zero exit', async () => {
    const db = await freshDb();
    for (const code of ['XYZ', 'E', '12$', '']) {
      const result = await on(db, 'currency', 'history', code);
      assert.notEqual(result.code, 0, `currency history ${JSON.stringify(code)} must be refused`);
      assert.equal(result.stdout, '');
    }
  });

  it('refuses a --db that does not exist, and does not create it', async () => {
    const dir = await tempDir();
    made.push(dir);
    const missing = dir.db;
    assert.notEqual((await on(missing, 'currency', 'history', 'EUR')).code, 0);
    assert.equal(await databaseExists(missing), false);
  });
});
