/**
 * Store contract, part 9: migration 7 ("who did it") on a database of version 6 that holds data:
 * every row kept with its id, the ledger's triggers and keys still at work, the new columns
 * filled with their defaults.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { execSql, tempDir, type Backend } from '../support/fixtures.js';
import { ADMIN, API, backendOptions, BACKENDS, byName, CLI, rawMoney } from './backends.js';

/** Creates the schema of version 6 at `db`, as a Tally of that version left it. */
async function createVersion6(backend: Backend, db: string): Promise<void> {
  if (backend === 'sqlite') {
    const connection = new Database(db);
    try {
      connection.pragma('foreign_keys = ON');
      connection.exec(`CREATE TABLE schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL,
        applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))) STRICT`);
      for (const migration of MIGRATIONS.filter((m) => m.version <= 6)) {
        connection.exec(migration.sql);
        migration.run?.(connection);
        connection.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(migration.version, migration.name);
      }
    } finally {
      connection.close();
    }
    return;
  }
  const url = new URL(db);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1, options: `-c search_path=${schema}` });
  const client = await pool.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    for (const migration of PG_MIGRATIONS.filter((m) => m.version <= 6)) {
      if (migration.sql !== '') await client.query(migration.sql);
      await migration.run?.(client);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
  } finally {
    client.release();
    await pool.end();
  }
}

/** A version-6 database holding a currency with rate history, users, keyed entries; then opened (migrated). */
async function migratedFrom6(t: TestContext, backend: Backend): Promise<{ store: Store; sql: (text: string, params?: unknown[]) => Promise<unknown[]> }> {
  const dir = await tempDir(backend);
  let store: Store | undefined;
  t.after(async () => {
    await store?.close();
    await dir.remove();
  });
  const sql = (text: string, params: unknown[] = []) => {
    let n = 0;
    return execSql(dir.db, backend === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text, params);
  };
  const m = (text: string): string | bigint => rawMoney(backend, BigInt(Math.round(Number(text) * 1_000_000)));
  const bool = (value: boolean): boolean | number => (backend === 'sqlite' ? Number(value) : value);
  await createVersion6(backend, dir.db);
  await sql("INSERT INTO currencies (code, name, rate, active, is_system) VALUES ('USD', 'USD', '1', ?, ?)", [bool(true), bool(true)]);
  await sql("INSERT INTO currencies (code, name, rate, active, is_system) VALUES ('EUR', 'Euro', '0.9', ?, ?)", [bool(true), bool(false)]);
  await sql("INSERT INTO rate_changes (currency, old_rate, new_rate, source, created_at) VALUES ('EUR', NULL, '0.9', 'cli', '2026-01-02T03:04:05.678Z')");
  await sql("INSERT INTO rate_changes (currency, old_rate, new_rate, source, created_at) VALUES ('EUR', '0.9', '0.95', 'api', '2026-01-03T03:04:05.678Z')");
  await sql("INSERT INTO settings (name, value) VALUES ('allow_api', '1')");
  await sql("INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, created_at) VALUES (1, 'admin', 'admin', 'USD', 0, 'admintoken', 'admin', '2026-01-01T00:00:00.000Z')");
  await sql("INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, created_at) VALUES (2, 'Alice', 'alice', 'EUR', ?, 'alicetoken', 'user', '2026-01-01T00:00:01.000Z')", [m('15.5')]);
  await sql("INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, created_at) VALUES (7, 'bob', 'bob', 'USD', ?, 'bobtoken', 'user', '2026-01-01T00:00:02.000Z')", [m('-1')]);
  const entries: [number, number, string, string, string, string | null][] = [
    [10, 2, '10', '10', 'import', null],
    [11, 2, '5.5', '15.5', 'api', 'pay-1'],
    [12, 7, '-1', '-1', 'cli', 'fix-1'],
  ];
  for (const [id, user, amount, after, source, key] of entries) {
    await sql(
      "INSERT INTO ledger_entries (id, user_id, amount, balance_after, source, comment, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, 'old', ?, '2026-01-04T00:00:00.000Z')",
      [id, user, m(amount), m(after), source, key],
    );
  }
  if (backend === 'postgres') {
    // Where a Tally's own inserts would have left the sequences.
    for (const [table, last] of [['users', 7], ['ledger_entries', 12], ['rate_changes', 2]] as const) {
      await sql(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), ${last})`);
    }
  }
  store = await openStore(dir.db, { mustExist: true, poolSize: 2 });
  return { store, sql };
}

for (const backend of BACKENDS) {
  describe(backend, backendOptions(backend), () => {
    describe('migration 7 from a version-6 database holding data', () => {
      it('keeps every user, entry and rate change with its id and time; old rows get an empty actor and an active status', async (t) => {
        const { store } = await migratedFrom6(t, backend);
        const alice = (await store.findUser(byName('alice')))!;
        assert.deepEqual(alice, {
          id: 2,
          username: 'Alice',
          currency: 'EUR',
          balance: 15_500_000n,
          firstName: '',
          lastName: '',
          uniquehash: 'alicetoken',
          role: 'user',
          status: 'active',
          createdAt: '2026-01-01T00:00:01.000Z',
        });
        assert.deepEqual(await store.ledgerEntries(2, 10), [
          { id: 11, userId: 2, amount: 5_500_000n, balanceAfter: 15_500_000n, source: 'api', comment: 'old', idempotencyKey: 'pay-1', actor: '', requestId: undefined, createdAt: '2026-01-04T00:00:00.000Z' },
          { id: 10, userId: 2, amount: 10_000_000n, balanceAfter: 10_000_000n, source: 'import', comment: 'old', idempotencyKey: undefined, actor: '', requestId: undefined, createdAt: '2026-01-04T00:00:00.000Z' },
        ]);
        assert.deepEqual(
          (await store.rateHistory('EUR')).map((c) => [c.source, c.actor, c.requestId, c.createdAt]),
          [
            ['cli', '', undefined, '2026-01-02T03:04:05.678Z'],
            ['api', '', undefined, '2026-01-03T03:04:05.678Z'],
          ],
        );
        assert.deepEqual((await store.verifyLedger()).mismatches, []);
        assert.deepEqual(await store.auditEntries(10), []);
        // An existing database keeps its admin where it is.
        assert.equal((await store.findUser(byName('admin')))?.id, 1);
      });

      it('numbers new entries, rate changes and users after the old ones, and accepts the source admin', async (t) => {
        const { store } = await migratedFrom6(t, backend);
        const change = await store.applyBalanceChange({ user: { id: 7 }, amount: 1_000_000n, by: ADMIN, comment: 'new' });
        assert.ok(change.kind === 'applied');
        assert.ok(change.entry.id > 12, `entry ${change.entry.id}`);
        assert.deepEqual([change.entry.source, change.entry.actor, change.entry.requestId], ['admin', 'operator', 'req-admin-1']);
        assert.equal(await store.updateRate('EUR', { units: 8n, scale: 1 }, ADMIN), 'updated');
        assert.deepEqual((await store.rateHistory('EUR')).map((c) => c.source), ['cli', 'api', 'admin']);
        assert.ok((await store.addUser({ username: 'carol', currency: 'USD', balance: 0n, uniquehash: 'caroltoken', role: 'user' }, CLI)).id > 7);
        assert.deepEqual((await store.auditEntries(10)).map((e) => e.action).reverse(), ['balance.adjust', 'currency.rate', 'user.add']);
      });

      it('keeps the keys of the old entries: a retry replays, another change under the key is refused', async (t) => {
        const { store } = await migratedFrom6(t, backend);
        const replay = await store.applyBalanceChange({ user: { id: 2 }, amount: 5_500_000n, by: API, comment: '', idempotencyKey: 'pay-1' });
        assert.equal(replay.kind, 'replayed');
        assert.equal(replay.kind === 'replayed' && replay.entry.id, 11);
        assert.deepEqual(await store.applyBalanceChange({ user: { id: 7 }, amount: 1n, by: API, comment: '', idempotencyKey: 'fix-1' }), { kind: 'duplicate_key' });
        // A new key is claimed by the rebuilt table's trigger, whoever writes the entry.
        const fresh = await store.applyBalanceChange({ user: { id: 7 }, amount: 1n, by: API, comment: '', idempotencyKey: 'new-1' });
        assert.equal(fresh.kind, 'applied');
        assert.equal((await store.applyBalanceChange({ user: { id: 7 }, amount: 1n, by: CLI, comment: '', idempotencyKey: 'new-1' })).kind, 'replayed');
      });

      it('keeps the ledger immutable and makes the audit log append-only', async (t) => {
        const { store, sql } = await migratedFrom6(t, backend);
        await assert.rejects(sql('UPDATE ledger_entries SET amount = 0 WHERE id = 10'), /immutable/);
        await assert.rejects(sql('DELETE FROM ledger_entries WHERE id = 10'), /immutable/);
        await store.updateUser({ id: 7 }, { status: 'closed' }, ADMIN);
        await assert.rejects(sql('DELETE FROM audit_log'), /immutable/);
        await assert.rejects(sql("UPDATE audit_log SET actor = 'x'"), /immutable/);
        await assert.rejects(sql("UPDATE users SET status = 'gone' WHERE id = 7"));
        assert.equal(await store.findBalanceView('bob'), undefined);
      });

      if (backend === 'sqlite') {
        it('keeps the hot lookup one descent of the covering index, the status included', async (t) => {
          const { sql } = await migratedFrom6(t, backend);
          const plan = (await sql(
            "EXPLAIN QUERY PLAN SELECT id, username, currency, balance FROM users INDEXED BY users_balance_lookup WHERE username_key = ? AND status = 'active'",
            ['alice'],
          )) as { detail: string }[];
          assert.deepEqual(plan.map((row) => row.detail), ['SEARCH users USING COVERING INDEX users_balance_lookup (username_key=?)']);
          const broken = await sql('PRAGMA foreign_key_check');
          assert.deepEqual(broken, []);
        });
      }
    });
  });
}
