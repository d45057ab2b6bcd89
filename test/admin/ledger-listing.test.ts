/** The admin layer's ledger and audit lists: input checked once, keyset pages, an opaque cursor, a CSV export safe in a spreadsheet. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listAuditPage } from '../../src/admin/audit.js';
import { exportLedgerCsv, listLedger, userLedger } from '../../src/admin/ledger.js';
import { readTime } from '../../src/admin/raw-input.js';
import { databaseStats } from '../../src/admin/stats.js';
import { ADMIN, BACKENDS, backendOptions, byName, CLI, freshDb, newUser } from '../store/backends.js';
import { rejectsWithAdmin } from './admin-helpers.js';

async function text(lines: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const line of lines) all += line;
  return all;
}

describe('RFC 3339 times', () => {
  it('reads UTC and offset times with or without a fraction, to the millisecond', () => {
    assert.equal(readTime('from', '2026-12-01T18:20:44.123Z'), Date.UTC(2026, 11, 1, 18, 20, 44, 123));
    assert.equal(readTime('from', '2026-12-01T18:20:44Z'), Date.UTC(2026, 11, 1, 18, 20, 44));
    assert.equal(readTime('from', '2026-12-01T20:20:44.5+02:00'), Date.UTC(2026, 11, 1, 18, 20, 44, 500));
    assert.equal(readTime('from', '2026-12-01T18:20:44.123-00:30'), Date.UTC(2026, 11, 1, 18, 50, 44, 123));
    assert.equal(readTime('from', '2026-12-01t18:20:44z'), Date.UTC(2026, 11, 1, 18, 20, 44));
    assert.equal(readTime('from', '2026-12-01T18:20:44.123000Z'), Date.UTC(2026, 11, 1, 18, 20, 44, 123));
    assert.equal(readTime('from', '2026-12-01T18:20:44.1231Z'), Date.UTC(2026, 11, 1, 18, 20, 44, 124), 'a finer fraction rounds up');
    assert.equal(readTime('from', '2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
  });

  it('refuses anything else, naming the field', () => {
    for (const bad of ['2026-12-01', '2026-12-01 18:20:44Z', '2026-12-01T18:20:44', '2026-13-01T00:00:00Z', '2026-02-29T00:00:00Z', '2026-12-01T24:00:00Z',
      '2026-12-01T18:60:00Z', '2026-12-01T18:20:60Z', '2026-12-01T18:20:44.Z', '2026-12-01T18:20:44.1234567890Z', '2026-12-01T18:20:44+0200', '2026-12-01T18:20:44+24:00', '1764613244123', '']) {
      assert.throws(() => readTime('to', bad), (error: unknown) => (error as { field?: string; entity?: string }).field === 'to' && (error as { entity?: string }).entity === 'time', bad);
    }
  });
});

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    async function seeded(t: Parameters<typeof freshDb>[0]) {
      const db = await freshDb(t, backend);
      const alice = await db.store.addUser(newUser('alice', { balance: 10_000_000n }), CLI);
      const bob = await db.store.addUser(newUser('=bob'), CLI);
      for (let i = 1; i <= 5; i++) {
        await db.store.applyBalanceChange({ user: byName(i % 2 === 0 ? '=bob' : 'alice'), amount: BigInt(i) * 1_000_000n, by: ADMIN, comment: `c${i}` });
      }
      return { ...db, alice, bob };
    }

    it('pages the whole ledger newest first with an opaque cursor, the last page without one', async (t) => {
      const { store } = await seeded(t);
      const first = await listLedger(store, { limit: 2 });
      assert.deepEqual(first.entries.map((e) => e.comment), ['c5', 'c4']);
      assert.equal(typeof first.nextCursor, 'string');
      const second = await listLedger(store, { limit: '2', cursor: first.nextCursor! });
      assert.deepEqual(second.entries.map((e) => e.comment), ['c3', 'c2']);
      const third = await listLedger(store, { limit: 2, cursor: second.nextCursor! });
      assert.deepEqual(third.entries.map((e) => e.comment), ['c1', 'opening balance']);
      assert.equal(third.nextCursor, undefined, 'exactly the last entries: no next page');
      assert.equal((await listLedger(store, {})).entries.length, 6);
      const bobs = await listLedger(store, { source: 'admin', operator: 'operator', userId: '2' });
      assert.deepEqual(bobs.entries.map((e) => [e.username, e.comment]), [['=bob', 'c4'], ['=bob', 'c2']]);
    });

    it('refuses a bad limit, time, source, user id, operator or cursor, naming the field', async (t) => {
      const { store } = await seeded(t);
      await rejectsWithAdmin(listLedger(store, { limit: 501 }), 'invalid', { field: 'limit' });
      await rejectsWithAdmin(listLedger(store, { limit: 0 }), 'invalid', { field: 'limit' });
      await rejectsWithAdmin(listLedger(store, { limit: '5x' }), 'invalid', { field: 'limit' });
      assert.equal((await listLedger(store, { limit: 500 })).entries.length, 6);
      await rejectsWithAdmin(listLedger(store, { from: 'yesterday' }), 'invalid', { entity: 'time', field: 'from', value: 'yesterday' });
      await rejectsWithAdmin(listLedger(store, { to: '2026-12-01' }), 'invalid', { entity: 'time', field: 'to' });
      await rejectsWithAdmin(listLedger(store, { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }), 'invalid', { field: 'to', reason: 'before_from' });
      await rejectsWithAdmin(listLedger(store, { source: 'bank' }), 'invalid', { entity: 'source', field: 'source', value: 'bank' });
      await rejectsWithAdmin(listLedger(store, { userId: '-1' }), 'invalid', { field: 'user_id' });
      await rejectsWithAdmin(listLedger(store, { operator: 'a\u0000b' }), 'invalid', { field: 'operator' });
      for (const cursor of ['', 'not a cursor', '!!', Buffer.from('abc').toString('base64url'), Buffer.from('01').toString('base64url'), Buffer.from('-5').toString('base64url'), 'MTI=']) {
        await rejectsWithAdmin(listLedger(store, { cursor }), 'invalid', { entity: 'cursor', field: 'cursor' });
      }
    });

    it("lists one user's entries, closed users included, and answers not_found for an unknown one", async (t) => {
      const { store, alice } = await seeded(t);
      const page = await userLedger(store, alice.id, { limit: 2 });
      assert.deepEqual(page.entries.map((e) => e.comment), ['c5', 'c3']);
      const rest = await userLedger(store, String(alice.id), { cursor: page.nextCursor! });
      assert.deepEqual(rest.entries.map((e) => e.comment), ['c1', 'opening balance']);
      assert.equal(rest.nextCursor, undefined);
      await store.updateUser({ id: alice.id }, { status: 'closed' }, CLI);
      assert.equal((await userLedger(store, alice.id, {})).entries.length, 4);
      await rejectsWithAdmin(userLedger(store, 999_999, {}), 'not_found', { entity: 'user', value: '999999' });
      await rejectsWithAdmin(userLedger(store, 'x', {}), 'invalid', { field: 'id' });
    });

    it('filters by time: from inclusive, to exclusive, in any offset', async (t) => {
      const { store } = await seeded(t);
      const all = (await listLedger(store, {})).entries;
      const c3 = all.find((e) => e.comment === 'c3')!;
      const from = await listLedger(store, { from: c3.createdAt });
      assert.ok(from.entries.some((e) => e.id === c3.id));
      assert.ok(from.entries.every((e) => e.createdAt >= c3.createdAt));
      const to = await listLedger(store, { to: c3.createdAt });
      assert.ok(to.entries.every((e) => e.createdAt < c3.createdAt));
      assert.equal(from.entries.length + to.entries.length, all.length);
      const offset = new Date(Date.parse(c3.createdAt) + 3600_000).toISOString().replace('Z', '+01:00');
      assert.deepEqual((await listLedger(store, { from: offset })).entries, from.entries);
    });

    it('exports the selection as CSV, quoting free text and defusing formulas but never the amounts', async (t) => {
      const { store, alice, bob } = await seeded(t);
      await store.applyBalanceChange({ user: { id: alice.id }, amount: -2_500_000n, by: { ...ADMIN, requestId: '@req' }, comment: '=HYPERLINK("x"), "quoted"\nnext', idempotencyKey: '+key' });
      assert.throws(() => exportLedgerCsv(store, { source: 'bank' }), { name: 'AdminError' });
      const csv = await text(exportLedgerCsv(store, { userId: alice.id }));
      const lines = csv.split('\r\n');
      assert.equal(lines[0], 'id,created_at,user_id,username,amount,balance_after,source,comment,idempotency_key,operator,request_id');
      const entries = (await listLedger(store, { userId: alice.id })).entries;
      const newest = entries[0]!;
      assert.equal(lines[1], `${newest.id},${newest.createdAt},${alice.id},alice,-2.5,16.5,admin,"'=HYPERLINK(""x""), ""quoted""\nnext",'+key,operator,'@req`);
      assert.equal(lines[2], `${entries[1]!.id},${entries[1]!.createdAt},${alice.id},alice,5.0,19.0,admin,c5,,operator,req-admin-1`);
      assert.equal(lines.length, entries.length + 2, 'one line per entry, and a final line break');
      assert.equal(lines.at(-1), '');
      const bobCsv = await text(exportLedgerCsv(store, { userId: bob.id, operator: 'operator' }));
      assert.equal(bobCsv.split('\r\n')[1]!.split(',')[3], "'=bob");
      assert.equal(await text(exportLedgerCsv(store, { userId: 999_999 })), lines[0] + '\r\n');
    });

    it('pages the audit log by operator and time, and refuses bad input', async (t) => {
      const { store } = await seeded(t);
      const first = await listAuditPage(store, { operator: 'operator', limit: 3 });
      assert.deepEqual(first.entries.map((e) => e.action), ['balance.adjust', 'balance.adjust', 'balance.adjust']);
      const rest = await listAuditPage(store, { operator: 'operator', limit: 3, cursor: first.nextCursor! });
      assert.equal(rest.entries.length, 2);
      assert.equal(rest.nextCursor, undefined);
      assert.ok(rest.entries[0]!.id < first.entries[2]!.id);
      assert.deepEqual((await listAuditPage(store, { operator: 'nobody' })).entries, []);
      const all = await listAuditPage(store, {});
      assert.deepEqual(all.entries, [...(await store.auditEntries(50))]);
      assert.deepEqual((await listAuditPage(store, { to: all.entries.at(-1)!.createdAt })).entries, []);
      await rejectsWithAdmin(listAuditPage(store, { limit: 501 }), 'invalid', { field: 'limit' });
      await rejectsWithAdmin(listAuditPage(store, { from: 'now' }), 'invalid', { field: 'from' });
      await rejectsWithAdmin(listAuditPage(store, { cursor: '***' }), 'invalid', { field: 'cursor' });
    });

    it('counts users and entries, and totals the balances as exact decimal text', async (t) => {
      const { store } = await seeded(t);
      await store.addUser(newUser('carol', { balance: -333_333n }), CLI);
      // The admin (balance 0), alice 10 + 1 + 3 + 5, bob 2 + 4, carol -0.333333.
      assert.deepEqual(await databaseStats(store), { users: 4, balanceTotal: '24.666667', ledgerEntries: 7 });
    });
  });
}
