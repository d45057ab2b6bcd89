/** The database's totals behind /admin/v1/stats: read once for every ask within a few seconds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedDatabaseStats } from '../../src/admin/stats.js';
import type { DatabaseStatistics } from '../../src/store/store.js';

function countingStore(fail = () => false) {
  const store = {
    reads: 0,
    async statistics(): Promise<DatabaseStatistics> {
      store.reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
      if (fail()) throw new Error('the database is away');
      return { users: store.reads, balanceSum: 26_500_000n, ledgerEntries: 4 };
    },
  };
  return store;
}

test('asks in flight share one read, and its answer serves for the age allowed', async () => {
  let clock = 1_000;
  const store = countingStore();
  const read = sharedDatabaseStats(store, 5_000, () => clock);
  const [a, b] = await Promise.all([read(), read()]);
  assert.equal(store.reads, 1);
  assert.deepEqual(a, { users: 1, balanceTotal: '26.5', ledgerEntries: 4 });
  assert.equal(b, a);
  clock += 4_999;
  assert.equal((await read()).users, 1);
  clock += 1;
  assert.equal((await read()).users, 2);
  assert.equal(store.reads, 2);
});

test('a failed read is not kept: the next ask reads again', async () => {
  let failing = true;
  const store = countingStore(() => failing);
  const read = sharedDatabaseStats(store, 5_000, () => 0);
  await assert.rejects(read(), /away/);
  failing = false;
  assert.equal((await read()).users, 2);
});
