/**
 * Store contract, part 11: what the admin API lists (the ledger by user, source, operator and
 * time; the audit log; the totals), newest first and paged by keyset, on both backends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LedgerQuery } from '../../src/store/store.js';
import { ADMIN, backendOptions, BACKENDS, CLI, freshDb, newUser, rawMoney, type TestDb } from './backends.js';

/** Entries at chosen times, written past the store (the ledger only appends at the present). */
async function seed(t: TestDb): Promise<{ alice: number; bob: number }> {
  const alice = (await t.store.addUser(newUser('alice'), CLI)).id;
  const bob = (await t.store.addUser(newUser('Bob'), CLI)).id;
  const rows: [number, string, string, string, string, string | null][] = [
    // user, amount, source, actor, created_at, key
    [alice, '1', 'cli', 'cli:root', '2026-11-30T23:59:59.999Z', null],
    [bob, '2', 'admin', 'ops', '2026-12-01T00:00:00.000Z', 'k-2'],
    [alice, '-3.5', 'admin', 'ops', '2026-12-01T12:00:00.570Z', null],
    [bob, '4', 'api', 'bobapi', '2026-12-01T23:59:59.999Z', null],
    [alice, '5', 'admin', 'other', '2026-12-02T00:00:00.000Z', null],
  ];
  for (const [user, amount, source, actor, createdAt, key] of rows) {
    const micros = BigInt(Math.round(Number(amount) * 1_000_000));
    await t.sql(
      "INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, idempotency_key, actor, request_id, created_at) VALUES (?, ?, ?, ?, 'c', ?, ?, 'req', ?)",
      [user, rawMoney(t.backend, micros), rawMoney(t.backend, micros), source, key, actor, createdAt],
    );
  }
  return { alice, bob };
}

const ms = (iso: string): number => Date.parse(iso);

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('ledger pages', () => {
      it('lists every entry newest first, each with its user name and times in milliseconds', async (t) => {
        const db = await freshDb(t, backend);
        const { alice, bob } = await seed(db);
        const page = await db.store.ledgerPage({ limit: 10 });
        assert.deepEqual(page.map((e) => [e.userId, e.username, e.amount, e.source, e.actor, e.createdAt]), [
          [alice, 'alice', 5_000_000n, 'admin', 'other', '2026-12-02T00:00:00.000Z'],
          [bob, 'Bob', 4_000_000n, 'api', 'bobapi', '2026-12-01T23:59:59.999Z'],
          [alice, 'alice', -3_500_000n, 'admin', 'ops', '2026-12-01T12:00:00.570Z'],
          [bob, 'Bob', 2_000_000n, 'admin', 'ops', '2026-12-01T00:00:00.000Z'],
          [alice, 'alice', 1_000_000n, 'cli', 'cli:root', '2026-11-30T23:59:59.999Z'],
        ]);
        const ids = page.map((e) => e.id);
        assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
        assert.deepEqual(page[3], {
          id: ids[3], userId: bob, username: 'Bob', amount: 2_000_000n, balanceAfter: 2_000_000n, source: 'admin', comment: 'c',
          idempotencyKey: 'k-2', actor: 'ops', requestId: 'req', createdAt: '2026-12-01T00:00:00.000Z',
        });
      });

      it('filters by user, source, operator and a time range (from inclusive, to exclusive), together', async (t) => {
        const db = await freshDb(t, backend);
        const { alice, bob } = await seed(db);
        const amounts = async (query: Omit<LedgerQuery, 'limit'>): Promise<bigint[]> => (await db.store.ledgerPage({ ...query, limit: 10 })).map((e) => e.amount / 1_000_000n * 10n + (e.amount % 1_000_000n) / 100_000n);
        assert.deepEqual(await amounts({ userId: alice }), [50n, -35n, 10n]);
        assert.deepEqual(await amounts({ userId: bob }), [40n, 20n]);
        assert.deepEqual(await amounts({ source: 'admin' }), [50n, -35n, 20n]);
        assert.deepEqual(await amounts({ operator: 'ops' }), [-35n, 20n]);
        assert.deepEqual(await amounts({ operator: 'OPS' }), [], 'the operator is matched exactly');
        const day = { fromMs: ms('2026-12-01T00:00:00.000Z'), toMs: ms('2026-12-02T00:00:00.000Z') };
        assert.deepEqual(await amounts(day), [40n, -35n, 20n]);
        const pageOfOne = await db.store.ledgerPage({ ...day, limit: 1 });
        assert.deepEqual(pageOfOne.map((e) => e.amount), [4_000_000n], 'a page the newest entries fill');
        assert.deepEqual((await db.store.ledgerPage({ ...day, limit: 2, beforeId: pageOfOne[0]!.id })).map((e) => e.amount), [-3_500_000n, 2_000_000n]);
        assert.deepEqual(await amounts({ fromMs: ms('2026-12-01T12:00:00.570Z') }), [50n, 40n, -35n]);
        assert.deepEqual(await amounts({ toMs: ms('2026-12-01T12:00:00.570Z') }), [20n, 10n]);
        assert.deepEqual(await amounts({ ...day, userId: alice, source: 'admin', operator: 'ops' }), [-35n]);
        assert.deepEqual(await amounts({ userId: 123456 }), []);
        assert.deepEqual(await amounts({ fromMs: ms('2026-12-03T00:00:00.000Z') }), []);
      });

      it('pages by keyset: each page holds the entries before the last one of the page before', async (t) => {
        const db = await freshDb(t, backend);
        await seed(db);
        const all = (await db.store.ledgerPage({ limit: 10 })).map((e) => e.id);
        const first = await db.store.ledgerPage({ limit: 2 });
        const second = await db.store.ledgerPage({ limit: 2, beforeId: first.at(-1)!.id });
        const third = await db.store.ledgerPage({ limit: 2, beforeId: second.at(-1)!.id });
        assert.deepEqual([...first, ...second, ...third].map((e) => e.id), all);
        assert.equal(third.length, 1);
        // Entries written meanwhile do not move a later page.
        await db.store.applyBalanceChange({ user: { id: first[0]!.userId }, amount: 1n, by: ADMIN, comment: 'new' });
        assert.deepEqual((await db.store.ledgerPage({ limit: 2, beforeId: first.at(-1)!.id })).map((e) => e.id), second.map((e) => e.id));
        const admin = await db.store.ledgerPage({ limit: 2, source: 'admin', beforeId: all[1] });
        assert.deepEqual(admin.map((e) => e.id), [all[2], all[3]]);
      });

      it('truncates finer stored times to milliseconds, never rounding them up', async (t) => {
        const db = await freshDb(t, backend);
        const alice = (await db.store.addUser(newUser('alice'), CLI)).id;
        // SQLite keeps the text it is given; PostgreSQL keeps microseconds.
        for (const at of ['2026-01-01T00:00:00.5709Z', '2026-01-01T00:00:00.999999Z']) {
          await db.sql("INSERT INTO ledger_entries (user_id, amount, balance_after, source, created_at) VALUES (?, 0, 0, 'cli', ?)", [alice, backend === 'sqlite' ? at.slice(0, 23) + 'Z' : at]);
        }
        assert.deepEqual((await db.store.ledgerPage({ limit: 5 })).map((e) => e.createdAt), ['2026-01-01T00:00:00.999Z', '2026-01-01T00:00:00.570Z']);
        assert.equal((await db.store.ledgerPage({ limit: 5, fromMs: ms('2026-01-01T00:00:00.999Z') })).length, 1);
        assert.equal((await db.store.ledgerPage({ limit: 5, toMs: ms('2026-01-01T00:00:00.999Z') })).length, 1);
      });
    });

    describe('ledger stream', () => {
      it('streams the whole selection newest first, across many batches', async (t) => {
        const db = await freshDb(t, backend);
        const { alice } = await seed(db);
        // Past one batch of 1000: the keyset carries on where each batch stopped.
        await db.sql(
          backend === 'sqlite'
            ? "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2100) INSERT INTO ledger_entries (user_id, amount, balance_after, source, actor, created_at) SELECT ?, i, i, 'admin', 'bulk', '2026-12-05T00:00:00.000Z' FROM n"
            : "INSERT INTO ledger_entries (user_id, amount, balance_after, source, actor, created_at) SELECT ?, i / 1000000.0, i / 1000000.0, 'admin', 'bulk', '2026-12-05T00:00:00.000Z' FROM generate_series(1, 2100) AS i",
          [alice],
        );
        const streamed = [];
        for await (const entry of db.store.ledgerStream({ source: 'admin' })) streamed.push(entry);
        assert.equal(streamed.length, 2103);
        assert.deepEqual(streamed.slice(0, 2).map((e) => e.amount), [2100n, 2099n]);
        assert.deepEqual(streamed.slice(-3).map((e) => [e.amount, e.actor]), [[5_000_000n, 'other'], [-3_500_000n, 'ops'], [2_000_000n, 'ops']]);
        const ids = streamed.map((e) => e.id);
        assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
        const day = [];
        for await (const entry of db.store.ledgerStream({ fromMs: ms('2026-12-01T00:00:00.000Z'), toMs: ms('2026-12-02T00:00:00.000Z') })) day.push(entry.amount);
        assert.deepEqual(day, [4_000_000n, -3_500_000n, 2_000_000n]);
        const empty = [];
        for await (const entry of db.store.ledgerStream({ userId: 99999 })) empty.push(entry);
        assert.deepEqual(empty, []);
      });
    });

    describe('ledger summary', () => {
      it('totals the selection a page lists (count, credits, debits), exactly, with the same filters', async (t) => {
        const db = await freshDb(t, backend);
        const { alice, bob } = await seed(db);
        const totals = (query: Omit<LedgerQuery, 'limit'>) => db.store.ledgerSummary(query);
        assert.deepEqual(await totals({}), { entries: 5, credits: 12_000_000n, debits: -3_500_000n });
        assert.deepEqual(await totals({ userId: alice }), { entries: 3, credits: 6_000_000n, debits: -3_500_000n });
        assert.deepEqual(await totals({ userId: bob, source: 'api' }), { entries: 1, credits: 4_000_000n, debits: 0n });
        assert.deepEqual(await totals({ operator: 'ops' }), { entries: 2, credits: 2_000_000n, debits: -3_500_000n });
        assert.deepEqual(await totals({ operator: 'OPS' }), { entries: 0, credits: 0n, debits: 0n });
        assert.deepEqual(await totals({ operator: 'o\u0000ps' }), { entries: 0, credits: 0n, debits: 0n });
        const day = { fromMs: ms('2026-12-01T00:00:00.000Z'), toMs: ms('2026-12-02T00:00:00.000Z') };
        assert.deepEqual(await totals(day), { entries: 3, credits: 6_000_000n, debits: -3_500_000n });
        // Every selection: the page's entries summed here agree with the store's totals.
        for (const query of [{}, { userId: alice }, { source: 'admin' as const }, day, { ...day, source: 'admin' as const, operator: 'ops' }, { toMs: ms('2026-12-01T12:00:00.570Z') }]) {
          const entries = await db.store.ledgerPage({ ...query, limit: 100 });
          const credits = entries.reduce((sum, e) => (e.amount > 0n ? sum + e.amount : sum), 0n);
          const debits = entries.reduce((sum, e) => (e.amount < 0n ? sum + e.amount : sum), 0n);
          assert.deepEqual(await totals(query), { entries: entries.length, credits, debits }, JSON.stringify(query));
        }
      });

      it('sums amounts past what one 64-bit integer of millionths holds, and millionths exactly', async (t) => {
        const db = await freshDb(t, backend);
        const alice = (await db.store.addUser(newUser('alice'), CLI)).id;
        // Ten entries just under the largest amount (10^12 units): their sum passes 2^63 millionths.
        const largest = 10n ** 18n - 1n;
        for (const micros of [...Array<bigint>(10).fill(largest), -largest, -1n, 1n]) {
          await db.sql("INSERT INTO ledger_entries (user_id, amount, balance_after, source, created_at) VALUES (?, ?, 0, 'cli', '2026-12-01T00:00:00.000Z')", [alice, rawMoney(db.backend, micros)]);
        }
        assert.deepEqual(await db.store.ledgerSummary({}), { entries: 13, credits: 10n * largest + 1n, debits: -largest - 1n });
      });
    });

    describe('audit pages', () => {
      it('lists the audit log newest first, by actor and time, paged by keyset', async (t) => {
        const db = await freshDb(t, backend);
        await db.store.addUser(newUser('carol'), CLI);
        await db.store.addUser(newUser('dave'), ADMIN);
        await db.store.addUser(newUser('erin'), ADMIN);
        const all = await db.store.auditPage({ limit: 100 });
        assert.deepEqual(all, await db.store.auditEntries(100));
        const byOperator = await db.store.auditPage({ actor: 'operator', limit: 100 });
        assert.deepEqual(byOperator.map((e) => e.target), [all[0]!.target, all[1]!.target]);
        assert.deepEqual(byOperator.map((e) => e.action), ['user.add', 'user.add']);
        const older = await db.store.auditPage({ actor: 'operator', limit: 100, beforeId: byOperator[0]!.id });
        assert.deepEqual(older, [byOperator[1]]);
        const created = ms(all[0]!.createdAt);
        assert.deepEqual((await db.store.auditPage({ fromMs: created + 1, limit: 100 })), []);
        assert.deepEqual((await db.store.auditPage({ toMs: created + 1, limit: 1 })), [all[0]]);
        assert.ok((await db.store.auditPage({ toMs: ms(all.at(-1)!.createdAt), limit: 100 })).length === 0);
      });
    });

    it('counts users and entries and sums every balance exactly', async (t) => {
      const db = await freshDb(t, backend);
      const before = await db.store.statistics();
      await db.store.addUser(newUser('alice', { balance: 999_999_999_999_999_999n }), CLI);
      await db.store.addUser(newUser('bob', { balance: 999_999_999_999_999_999n }), CLI);
      await db.store.addUser(newUser('carol', { balance: -1n }), CLI);
      await db.store.addUser(newUser('dave'), CLI);
      const after = await db.store.statistics();
      assert.deepEqual(after, { users: before.users + 4, balanceSum: before.balanceSum + 1_999_999_999_999_999_997n, ledgerEntries: before.ledgerEntries + 3 });
    });
  });
}
