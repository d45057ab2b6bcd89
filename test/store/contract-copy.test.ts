/** Store contract, part 5: summary, exportTables and importTables (`tally copy`). */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Backend } from '../support/fixtures.js';
import type { CopiedTable, Store, TableBatch } from '../../src/store/store.js';
import {
  ADMIN,
  API,
  backendOptions,
  BACKENDS,
  byName,
  CLI,
  freshDb,
  IMPORTER,
  importRow,
  money,
  newUser,
  rate,
  rawMoney,
  rejectsWith,
  rowsOf,
  type TestDb,
} from './backends.js';

/** A database with something in every table: currencies and rate history, keyed entries, imported ids. */
async function seed(store: Store): Promise<void> {
  await store.saveCurrency({ code: 'EUR', rate: rate('0.9'), name: 'Euro' }, CLI);
  await store.updateRate('EUR', rate('0.7351'), API);
  await store.saveCurrency({ code: 'JPY', rate: rate('150'), active: false }, IMPORTER);
  await store.writeSettings(new Map([['number_digits', '4']]), CLI);
  await store.addUser(newUser('Alice', { currency: 'EUR', balance: money('12.5') }), CLI);
  await store.addUser(newUser('bob'), CLI);
  await store.applyBalanceChange({ user: { usernameKey: 'bob' }, amount: money('-0.000001'), by: API, comment: 'keyed', idempotencyKey: 'tx-1' });
  await store.updateUser(byName('alice'), { balance: money('999999999999.999999'), comment: 'top' }, CLI);
  await store.importUsers(rowsOf([importRow('imported', { id: 500, balance: money('0.3') }), importRow('Ärger')]), { by: IMPORTER, comment: 'import file.csv' });
  // An operator of the admin API with a token: the copy must keep its login and its token working.
  await store.addOperator({ username: 'Ops', role: 'owner', passwordHash: OPS_PASSWORD_HASH }, CLI);
  await store.addOperatorToken('ops', { label: 'ci', digest: OPS_TOKEN_DIGEST }, CLI);
}

const OPS_PASSWORD_HASH = `scrypt$32768$8$3$${'s'.repeat(22)}$${'h'.repeat(43)}`;
const OPS_TOKEN_DIGEST = 'd'.repeat(64);

/** Rows that name who made them: a closed user, an operator's entry, an API rate change, every kind of audit record. */
async function seedWho(store: Store): Promise<void> {
  const gone = await store.addUser(newUser('gone', { balance: money('2') }), ADMIN);
  await store.applyBalanceChange({ user: { id: gone.id }, amount: money('-1'), by: ADMIN, comment: 'refund' });
  await store.updateUser({ id: gone.id }, { status: 'closed', role: 'admin' }, ADMIN);
  await store.addUser(newUser('ada', { firstName: 'Ada', lastName: 'Lovelace' }), ADMIN);
  await store.updateUser(byName('bob'), { firstName: 'Bob ', lastName: " O'Hara" }, ADMIN);
  await store.importUsers(rowsOf([importRow('grace', { firstName: 'Grace', role: 'admin' })]), { by: IMPORTER, comment: 'import' });
  await store.updateRate('EUR', rate('0.8'), API);
  await store.writeSettings(new Map([['number_digits', '3']]), ADMIN);
}

/**
 * A payment's entry, written as a payment writes it: 10 EUR at 0.8 is 12.5 USD to ada. Raw SQL,
 * so that the copy is tested on the columns themselves.
 */
async function seedPayment({ backend, store, sql }: TestDb): Promise<void> {
  const ada = (await store.findUser(byName('ada')))!;
  const m = (text: string) => rawMoney(backend, money(text));
  await sql(
    `INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, actor, payment_currency, payment_amount, payment_rate)
     VALUES (?, ?, ?, 'api', 'card top-up', 'admin', 'EUR', ?, '0.8')`,
    [ada.id, m('12.5'), m('12.5'), m('10')],
  );
  await sql('UPDATE users SET balance = ? WHERE id = ?', [m('12.5'), ada.id]);
}

/** Everything a store shows, as comparable text. */
async function everything(store: Store): Promise<string> {
  const users = [];
  for await (const user of store.listUsers()) users.push({ ...user, entries: await store.ledgerEntries(user.id, 1_000_000) });
  const currencies = await store.listCurrencies();
  const history = await Promise.all(currencies.map((c) => store.rateHistory(c.code)));
  const settings = [...(await store.readSettings())].sort();
  const audit = await store.auditEntries(1_000_000);
  const operators = await store.listOperators();
  const state = { users, currencies, history, settings, audit, operators, summary: await store.summary(), verify: await store.verifyLedger() };
  return JSON.stringify(state, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 1);
}

async function copy(source: Store, target: Store): Promise<Map<CopiedTable, number>> {
  const counts = new Map<CopiedTable, number>();
  await target.importTables(source.exportTables(), (table, count) => counts.set(table, (counts.get(table) ?? 0) + count));
  return counts;
}

/** An empty, migrated but not initialised store on a backend, closed and removed with the test. */
async function emptyStore(t: TestContext, backend: Backend): Promise<Store> {
  return (await freshDb(t, backend, { initialize: false })).store;
}

async function exportedTables(store: Store): Promise<TableBatch[]> {
  const batches: TableBatch[] = [];
  for await (const batch of store.exportTables()) batches.push(batch);
  return batches;
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    it('summary counts every table and sums every balance and every ledger amount', async (t) => {
      const { store } = await freshDb(t, backend);
      await seed(store);
      const summary = await store.summary();
      assert.deepEqual(summary, {
        currencies: 3,
        settings: 16,
        users: 5,
        ledgerEntries: 4,
        rateChanges: 3,
        requestHashes: 0,
        auditEntries: 12,
        operators: 1,
        operatorTokens: 1,
        balanceSum: money('999999999999.999999') + money('-0.000001') + money('0.3'),
        ledgerSum: money('999999999999.999999') + money('-0.000001') + money('0.3'),
      });
    });

    it('summary sums exactly past what one balance can hold', async (t) => {
      const { store } = await freshDb(t, backend);
      const top = money('999999999999.999999');
      for (let i = 0; i < 10; i++) await store.addUser(newUser(`rich${i}`, { balance: top }), CLI);
      await store.addUser(newUser('poor', { balance: -top }), CLI);
      const summary = await store.summary();
      assert.equal(summary.balanceSum, top * 9n);
      assert.equal(summary.ledgerSum, top * 9n);
    });

    it('exportTables yields currencies, settings, users, ledger entries, rate changes and the audit log in that order, rows in id order', async (t) => {
      const { store } = await freshDb(t, backend);
      await seed(store);
      await store.importUsers(rowsOf(Array.from({ length: 4500 }, (_, i) => importRow(`bulk${i}`, { balance: 1n }))), { by: IMPORTER, comment: 'bulk' });
      const batches = await exportedTables(store);
      const order = batches.map((b) => b.table).filter((table, i, all) => all[i - 1] !== table);
      assert.deepEqual(order, ['currencies', 'settings', 'users', 'ledger_entries', 'rate_changes', 'audit_log', 'operators', 'key_claims']);
      const operators = batches.flatMap((b) => (b.table === 'operators' ? b.rows : []));
      assert.deepEqual(operators.map((o) => [o.username, o.role, o.passwordHash, o.tokens.map((token) => [token.label, token.digest])]), [
        ['Ops', 'owner', OPS_PASSWORD_HASH, [['ci', OPS_TOKEN_DIGEST]]],
      ]);
      const users = batches.flatMap((b) => (b.table === 'users' ? b.rows : []));
      const entries = batches.flatMap((b) => (b.table === 'ledger_entries' ? b.rows : []));
      assert.equal(users.length, 5 + 4500);
      assert.equal(entries.length, 4 + 4500);
      const increasing = (ids: number[]) => ids.every((id, i) => i === 0 || id > ids[i - 1]!);
      assert.ok(increasing(users.map((u) => u.id)));
      assert.ok(increasing(entries.map((e) => e.id)));
      const alice = users.find((u) => u.username === 'Alice')!;
      assert.deepEqual({ ...alice, createdAt: '' }, { ...(await store.findUser({ usernameKey: 'alice' }))!, createdAt: '', usernameKey: 'alice' });
      assert.match(alice.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const settings = batches.flatMap((b) => (b.table === 'settings' ? b.rows : []));
      assert.deepEqual(new Map(settings), await store.readSettings());
    });

    it('importTables copies everything into an empty store: ids, balances, entries, keys, settings and rate history', async (t) => {
      const { store } = await freshDb(t, backend);
      await seed(store);
      const target = await emptyStore(t, backend);
      const counts = await copy(store, target);
      assert.deepEqual(Object.fromEntries(counts), { currencies: 3, settings: 16, users: 5, ledger_entries: 4, rate_changes: 3, audit_log: 12, operators: 1 });
      assert.equal(await everything(target), await everything(store));
      assert.equal((await target.findOperatorByToken(OPS_TOKEN_DIGEST))?.username, 'Ops', 'the token works on the copy');
      assert.deepEqual((await target.readApiConfig()).currencies, (await store.readApiConfig()).currencies);
      const replay = await target.applyBalanceChange({ user: { usernameKey: 'bob' }, amount: money('-0.000001'), by: API, comment: '', idempotencyKey: 'tx-1' });
      assert.equal(replay.kind, 'replayed', 'idempotency keys travel with the ledger');
    });

    it('after importTables, new users, entries and rate changes get ids that collide with no copied one', async (t) => {
      const { store } = await freshDb(t, backend);
      await seed(store);
      const target = await emptyStore(t, backend);
      await copy(store, target);
      const added = await target.addUser(newUser('newcomer', { balance: money('1') }), CLI);
      assert.ok(added.id > 500, `id ${added.id}`);
      const change = await target.applyBalanceChange({ user: { id: 500 }, amount: money('1'), by: API, comment: '' });
      assert.equal(change.kind, 'applied');
      assert.equal(await target.updateRate('EUR', rate('0.8'), CLI), 'updated');
      assert.equal((await target.rateHistory('EUR')).length, 3);
      assert.deepEqual((await target.verifyLedger()).mismatches, []);
    });

    it('importTables refuses a store that is not empty with conflict and changes nothing', async (t) => {
      const { store } = await freshDb(t, backend);
      await seed(store);
      const { store: target } = await freshDb(t, backend);
      const before = await everything(target);
      await rejectsWith(target.importTables(store.exportTables()), 'conflict');
      assert.equal(await everything(target), before);
      const settingsOnly = await emptyStore(t, backend);
      await settingsOnly.writeSettings(new Map([['allow_api', '1']]), CLI);
      await rejectsWith(settingsOnly.importTables(store.exportTables()), 'conflict');
      assert.equal((await settingsOnly.summary()).users, 0);
    });

    it('a failing batch source rolls importTables back, and a later copy into the same store succeeds', async (t) => {
      const { store } = await freshDb(t, backend);
      await seed(store);
      const target = await emptyStore(t, backend);
      async function* broken(): AsyncGenerator<TableBatch> {
        for await (const batch of store.exportTables()) {
          if (batch.table === 'ledger_entries') throw new Error('the source went away');
          yield batch;
        }
      }
      await assert.rejects(target.importTables(broken()), /the source went away/);
      assert.deepEqual(await target.summary(), {
        currencies: 0,
        settings: 0,
        users: 0,
        ledgerEntries: 0,
        rateChanges: 0,
        requestHashes: 0,
        auditEntries: 0,
        operators: 0,
        operatorTokens: 0,
        balanceSum: 0n,
        ledgerSum: 0n,
      });
      await copy(store, target);
      assert.equal(await everything(target), await everything(store));
    });

    it('exportTables is one consistent snapshot while another store keeps writing', async (t) => {
      const { store, open } = await freshDb(t, backend);
      await seed(store);
      const writer = await open();
      const before = await store.summary();
      const batches: TableBatch[] = [];
      for await (const batch of store.exportTables()) {
        if (batches.length === 0) {
          await writer.addUser(newUser('latecomer', { balance: money('5') }), CLI);
          await writer.applyBalanceChange({ user: { usernameKey: 'bob' }, amount: money('7'), by: API, comment: 'late' });
          await writer.updateRate('EUR', rate('0.5'), API);
        }
        batches.push(batch);
      }
      const users = batches.flatMap((b) => (b.table === 'users' ? b.rows : []));
      const entries = batches.flatMap((b) => (b.table === 'ledger_entries' ? b.rows : []));
      const changes = batches.flatMap((b) => (b.table === 'rate_changes' ? b.rows : []));
      assert.equal(users.length, before.users);
      assert.equal(entries.length, before.ledgerEntries);
      assert.equal(changes.length, before.rateChanges);
      assert.equal(users.reduce((sum, u) => sum + u.balance, 0n), before.balanceSum);
      assert.equal((await store.summary()).users, before.users + 1, 'the writes themselves went through');
    });

    it('abandoning an export midway leaves the store and the database usable', async (t) => {
      const { store, open } = await freshDb(t, backend);
      await seed(store);
      for await (const batch of store.exportTables()) if (batch.table === 'users') break;
      await store.writeSettings(new Map([['allow_api', '0']]), CLI);
      await store.applyBalanceChange({ user: { usernameKey: 'bob' }, amount: money('1'), by: API, comment: '' });
      const other = await open();
      await other.applyBalanceChange({ user: { usernameKey: 'bob' }, amount: money('1'), by: API, comment: '' });
      assert.equal((await other.readSettings()).get('allow_api'), '0');
      assert.equal((await store.findBalanceView('bob'))?.balance, money('2') - 1n);
    });

    it('importTables copies who made each change, closed users and the audit log, ids kept', async (t) => {
      const db = await freshDb(t, backend);
      const { store } = db;
      await seed(store);
      await seedWho(store);
      await seedPayment(db);
      const target = await emptyStore(t, backend);
      await copy(store, target);
      assert.equal(await everything(target), await everything(store));
      const gone = (await target.findUser(byName('gone')))!;
      assert.deepEqual([gone.status, gone.role], ['closed', 'admin']);
      assert.deepEqual((await target.ledgerEntries(gone.id, 1)).map((e) => [e.source, e.actor, e.requestId]), [['admin', 'operator', 'req-admin-1']]);
      assert.deepEqual((await target.rateHistory('EUR')).at(-1)?.requestId, API.requestId);
      const ada = (await target.findUser(byName('ada')))!;
      assert.deepEqual([ada.firstName, ada.lastName], ['Ada', 'Lovelace']);
      const bob = (await target.findUser(byName('bob')))!;
      assert.deepEqual([bob.firstName, bob.lastName], ['Bob ', " O'Hara"]);
      assert.equal((await target.findUser(byName('grace')))?.role, 'admin');
      const [payment] = await target.ledgerEntries(ada.id, 1);
      assert.deepEqual(payment?.payment, { currency: 'EUR', amount: money('10'), rate: rate('0.8') });
      assert.deepEqual([payment?.amount, payment?.balanceAfter], [money('12.5'), money('12.5')]);
      const newest = (await target.auditEntries(1))[0]!;
      assert.deepEqual([newest.action, newest.client, newest.requestId], ['settings.set', ADMIN.client, ADMIN.requestId]);
      // The copy's own log goes on after the copied records.
      await target.writeSettings(new Map([['number_digits', '2']]), CLI);
      assert.ok((await target.auditEntries(1))[0]!.id > newest.id);
    });

    if (backend === 'postgres') {
      it('a SQLite database copies into PostgreSQL and back unchanged', async (t) => {
        const source = await freshDb(t, 'sqlite');
        const sqlite = source.store;
        await seed(sqlite);
        await seedWho(sqlite);
        await seedPayment(source);
        const postgres = await emptyStore(t, 'postgres');
        await copy(sqlite, postgres);
        assert.equal(await everything(postgres), await everything(sqlite));
        const back = await emptyStore(t, 'sqlite');
        await copy(postgres, back);
        assert.equal(await everything(back), await everything(sqlite));
      });

      it('a PostgreSQL database copies into SQLite and back unchanged', async (t) => {
        const source = await freshDb(t, 'postgres');
        const postgres = source.store;
        await seed(postgres);
        await seedWho(postgres);
        await seedPayment(source);
        const sqlite = await emptyStore(t, 'sqlite');
        await copy(postgres, sqlite);
        assert.equal(await everything(sqlite), await everything(postgres));
        const back = await emptyStore(t, 'postgres');
        await copy(sqlite, back);
        assert.equal(await everything(back), await everything(postgres));
      });
    }
  });
}
