/**
 * Store contract, write health: a store whose writes cannot last says why (writeHealth) and
 * refuses every write at once, without touching the database, until they can again. Reads keep
 * answering. SQLite watches its file (deleted, replaced, full disk) and notes storage failures;
 * PostgreSQL notes a full disk (SQLSTATE class 53) or a read-only transaction (25006).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fillDisk, mountSmallDisk } from '../support/small-disk.js';
import { initializeDatabase } from '../../src/admin/database.js';
import { describeLocation, openStore } from '../../src/store/open-store.js';
import { NotWritableError, type Store, type WriteHealth } from '../../src/store/store.js';
import { API, backendOptions, BACKENDS, byName, CLI, freshDb, IMPORTER, importRow, money, newUser, rate, rowsOf } from './backends.js';

/** Every kind of write the store has, each of which must be refused while writes cannot last. */
function everyWrite(store: Store): Record<string, () => Promise<unknown>> {
  return {
    applyBalanceChange: () => store.applyBalanceChange({ user: { usernameKey: 'admin' }, amount: money('1'), by: API, comment: '' }),
    writeSetting: () => store.writeSettings(new Map([['number_digits', '4']]), CLI),
    saveCurrency: () => store.saveCurrency({ code: 'EUR', rate: rate('0.5') }, CLI),
    updateRate: () => store.updateRate('EUR', rate('0.5'), API),
    addUser: () => store.addUser(newUser('carol'), CLI),
    updateUser: () => store.updateUser(byName('admin'), { balance: money('3') }, CLI),
    importUsers: () => store.importUsers(rowsOf([importRow('dave')]), { by: IMPORTER, comment: 'import' }),
    recordAuthFailure: () => store.recordAuthFailure('192.0.2.1', { limit: 5, windowMs: 60_000, cooldownMs: 60_000 }, Date.now()),
    claimNonce: () => store.claimNonce('nonce-1', Date.now() + 60_000),
    purgeExpired: () => store.purgeExpired(Date.now()),
    initialize: () => initializeDatabase(store),
  };
}

async function assertEveryWriteRefused(store: Store, reason: string): Promise<void> {
  for (const [name, write] of Object.entries(everyWrite(store))) {
    await assert.rejects(write(), (error: unknown) => {
      assert.ok(error instanceof NotWritableError, `${name}: expected NotWritableError, got ${String(error)}`);
      assert.equal(error.reason, reason, name);
      assert.equal(error.message, `database not writable: ${reason}`, name);
      return true;
    });
  }
}

async function waitFor(check: () => boolean, ms = 2000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('write health', () => {
      it('a healthy store reports no reason, and a write refused for what it writes leaves it writable', async (t) => {
        const { store } = await freshDb(t, backend);
        store.watchWriteHealth(() => assert.fail('nothing changed'));
        assert.equal(store.writeHealth(), undefined);
        await store.addUser(newUser('alice'), CLI);
        await assert.rejects(store.addUser(newUser('ALICE'), CLI));
        await assert.rejects(store.updateUser(byName('nobody'), { balance: 1n }, CLI));
        assert.equal(store.writeHealth(), undefined);
        assert.equal((await store.applyBalanceChange({ user: { usernameKey: 'alice' }, amount: money('1'), by: API, comment: '' })).kind, 'applied');
      });
    });
  });
}

describe('sqlite', () => {
  describe('write health', () => {
    it('a store whose file is deleted refuses every write, even one queued before the watchdog looked, keeps reading, and stays refusing', async (t) => {
      const { store, db } = await freshDb(t, 'sqlite');
      const changes: WriteHealth[] = [];
      store.watchWriteHealth((health) => changes.push(health));
      for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
      const reason = `the database file ${resolve(db)} was deleted or replaced while the server had it open`;
      // Sent before any tick of the watchdog: the check before the commit refuses it.
      await assert.rejects(store.addUser(newUser('early'), CLI), NotWritableError);
      assert.ok(await waitFor(() => store.writeHealth() === reason), String(store.writeHealth()));
      await assertEveryWriteRefused(store, reason);
      assert.equal(await store.findUser({ usernameKey: 'early' }), undefined, 'the refused write never reached the database');
      assert.equal(await store.findUser({ usernameKey: 'carol' }), undefined);
      assert.equal((await store.findUser({ usernameKey: 'admin' }))?.balance, 0n, 'reads keep answering');
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(store.writeHealth(), reason, 'a deleted file stays unwritable for the life of the process');
      assert.deepEqual(changes, [reason]);
    });

    it('a write that fails on a full disk marks the store unwritable until, with space back, a probe write succeeds', async (t) => {
      const disk = await mountSmallDisk();
      if (typeof disk === 'string') return t.skip(disk);
      t.after(() => disk.remove());
      const path = join(disk.dir, 'tally.db');
      const store = await openStore(path, { mustExist: false, poolSize: 1 });
      try {
        await fullDiskThenFreed(store, path, disk.dir);
      } finally {
        await store.close(); // before the unmount, which a file still open would make fail
      }
    });
  });
});

/** The full-disk story on an open store whose file lives on the small disk. */
async function fullDiskThenFreed(store: Store, path: string, disk: string): Promise<void> {
  await initializeDatabase(store);
  const alice = await store.addUser(newUser('alice', { balance: money('26') }), CLI);
  fillDisk(join(disk, 'filler'));
  // Not watched yet: this write reaches SQLite and fails there.
  const failure = await store.applyBalanceChange({ user: { id: alice.id }, amount: money('1'), by: API, comment: '' }).then(
    () => assert.fail('a write on a full disk must fail'),
    (error: unknown) => error as { code?: string },
  );
  assert.match(failure.code ?? '', /^SQLITE_(FULL|IOERR)/);
  const reason = store.writeHealth();
  assert.ok(reason?.startsWith(`a write to ${path} failed (${failure.code}: `), reason);
  await assertEveryWriteRefused(store, reason!);

  const changes: WriteHealth[] = [];
  store.watchWriteHealth((health) => changes.push(health));
  assert.equal(store.writeHealth(), `the disk holding ${path} is full`, 'the watchdog sees the full disk too');
  rmSync(join(disk, 'filler'));
  assert.ok(await waitFor(() => store.writeHealth() === undefined), String(store.writeHealth()));
  assert.deepEqual(changes, [`the disk holding ${path} is full`, reason, undefined]);
  assert.equal((await store.findUser({ id: alice.id }))?.balance, money('26'), 'the failed and refused writes changed nothing');
  assert.equal((await store.applyBalanceChange({ user: { id: alice.id }, amount: money('1'), by: API, comment: '' })).kind, 'applied');
  assert.equal((await store.verifyLedger()).mismatches.length, 0);
}

describe('postgres', backendOptions('postgres'), () => {
  describe('write health', () => {
    for (const sqlstate of ['53100', '25006']) {
      it(`a write failing with SQLSTATE ${sqlstate} marks the store unwritable, refusing every write without touching the database, until a probe write succeeds`, async (t) => {
        const { store, db, sql } = await freshDb(t, 'postgres');
        const changes: WriteHealth[] = [];
        store.watchWriteHealth((health) => changes.push(health));
        await sql(`CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'simulated refusal' USING ERRCODE = '${sqlstate}'; END $$`);
        await sql('CREATE TRIGGER refuse_entries BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION refuse_all()');
        await sql('CREATE TRIGGER refuse_probe BEFORE UPDATE ON config_version FOR EACH ROW EXECUTE FUNCTION refuse_all()');
        await assert.rejects(
          store.applyBalanceChange({ user: { usernameKey: 'admin' }, amount: money('1'), by: API, comment: '' }),
          (error: unknown) => (error as { code?: string }).code === sqlstate,
        );
        const reason = `a write to ${describeLocation(db)} failed (SQLSTATE ${sqlstate}: simulated refusal)`;
        assert.equal(store.writeHealth(), reason);
        // addUser with no balance touches neither refusing table: only Tally can refuse it.
        await assertEveryWriteRefused(store, reason);
        assert.equal(await store.findUser({ usernameKey: 'carol' }), undefined, 'the refused write never reached the database');
        assert.equal((await store.findUser({ usernameKey: 'admin' }))?.balance, 0n, 'reads keep answering');
        await new Promise((r) => setTimeout(r, 700));
        assert.equal(store.writeHealth(), reason, 'the probe fails while the database still refuses');
        await sql('DROP FUNCTION refuse_all() CASCADE');
        assert.ok(await waitFor(() => store.writeHealth() === undefined), String(store.writeHealth()));
        assert.deepEqual(changes, [reason, undefined]);
        assert.equal((await store.addUser(newUser('carol'), CLI)).username, 'carol');
      });
    }
  });
});
