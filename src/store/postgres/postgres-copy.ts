/** Whole-database export and import on PostgreSQL, for `tally copy`. */
import type pg from 'pg';
import { TallyError } from '../../domain/errors.js';
import { formatRate } from '../../domain/money.js';
import type { CopiedTable, DatabaseSummary, TableBatch } from '../store.js';
import { inTransaction } from './connection.js';
import { REBUILD_IDEMPOTENCY_KEYS } from './migrations.js';
import {
  money,
  moneyParameter,
  toCurrency,
  toLedgerEntry,
  toRateChange,
  toUser,
  USER_COLUMNS,
  type CurrencyRow,
  type LedgerRow,
  type RateChangeRow,
  type UserRow,
} from './rows.js';

const BATCH = 2000;

export async function summarize(db: pg.Pool | pg.PoolClient): Promise<DatabaseSummary> {
  const result = await db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM currencies) AS currencies, (SELECT count(*) FROM settings) AS settings,
            (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM ledger_entries) AS ledger_entries,
            (SELECT count(*) FROM rate_changes) AS rate_changes, (SELECT count(*) FROM request_hashes) AS request_hashes,
            (SELECT coalesce(sum(balance), 0)::text FROM users) AS balance_sum,
            (SELECT coalesce(sum(amount), 0)::text FROM ledger_entries) AS ledger_sum`,
  );
  const row = result.rows[0]!;
  return {
    currencies: Number(row.currencies),
    settings: Number(row.settings),
    users: Number(row.users),
    ledgerEntries: Number(row.ledger_entries),
    rateChanges: Number(row.rate_changes),
    requestHashes: Number(row.request_hashes),
    balanceSum: money(row.balance_sum ?? '0'),
    ledgerSum: money(row.ledger_sum ?? '0'),
  };
}

/** One REPEATABLE READ transaction: a consistent snapshot even while nodes keep writing. */
export async function* exportTables(pool: pg.Pool): AsyncIterable<TableBatch> {
  const client = await pool.connect();
  let committed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    yield* readTables(client);
    await client.query('COMMIT');
    committed = true;
  } finally {
    if (!committed) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

async function* readTables(pool: pg.PoolClient): AsyncIterable<TableBatch> {
  const currencies = await pool.query<CurrencyRow>('SELECT code, name, rate::text, active, is_system FROM currencies ORDER BY code');
  yield { table: 'currencies', rows: currencies.rows.map(toCurrency) };
  const settings = await pool.query<{ name: string; value: string }>('SELECT name, value FROM settings ORDER BY name');
  yield { table: 'settings', rows: settings.rows.map((row) => [row.name, row.value] as const) };
  for (let after = '0'; ; ) {
    const page = await pool.query<UserRow & { created_at: Date; username_key: string }>(
      `SELECT ${USER_COLUMNS}, created_at, username_key FROM users WHERE id > $1 ORDER BY id LIMIT ${BATCH}`,
      [after],
    );
    if (page.rows.length === 0) break;
    yield { table: 'users', rows: page.rows.map((row) => ({ ...toUser(row), usernameKey: row.username_key, createdAt: row.created_at.toISOString() })) };
    after = page.rows.at(-1)!.id;
  }
  for (let after = '0'; ; ) {
    const page = await pool.query<LedgerRow>(
      `SELECT id, user_id, amount::text, balance_after::text, source, comment, idempotency_key, created_at
       FROM ledger_entries WHERE id > $1 ORDER BY id LIMIT ${BATCH}`,
      [after],
    );
    if (page.rows.length === 0) break;
    yield { table: 'ledger_entries', rows: page.rows.map(toLedgerEntry) };
    after = page.rows.at(-1)!.id;
  }
  const changes = await pool.query<RateChangeRow>('SELECT currency, old_rate::text, new_rate::text, source, created_at FROM rate_changes ORDER BY id');
  yield { table: 'rate_changes', rows: changes.rows.map(toRateChange) };
  for (let after = ''; ; ) {
    const page = await pool.query<{ hash: string; request: string; created_at: Date }>(
      `SELECT hash, request, created_at FROM request_hashes WHERE hash > $1 ORDER BY hash LIMIT ${BATCH}`,
      [after],
    );
    if (page.rows.length === 0) break;
    yield { table: 'request_hashes', rows: page.rows.map((row) => ({ hash: row.hash, request: row.request, createdAt: row.created_at.toISOString() })) };
    after = page.rows.at(-1)!.hash;
  }
}

/** Writes batches into an empty database in one transaction, ids kept, with multi-row inserts. */
export async function importTables(
  pool: pg.Pool,
  batches: AsyncIterable<TableBatch>,
  onRows?: (table: CopiedTable, count: number) => void,
): Promise<void> {
  await inTransaction(pool, async (client) => {
    // No other writer may slip in between the emptiness check and the copy.
    await client.query('LOCK TABLE currencies, settings, users, ledger_entries, rate_changes, idempotency_keys, request_hashes IN EXCLUSIVE MODE');
    const summary = await summarize(client);
    if (summary.currencies + summary.settings + summary.users > 0) {
      throw new TallyError('conflict', 'the target database is not empty: copy only into a new one');
    }
    // The copied entries keep their keys as they are, a key two sources used before keys were
    // shared included: the key table is rebuilt from them at the end instead.
    await client.query('ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_claim_key');
    for await (const batch of batches) {
      await insertBatch(client, batch);
      onRows?.(batch.table, batch.rows.length);
    }
    // The key index is the ledger's keys, so it is rebuilt from the entries just copied.
    await client.query(REBUILD_IDEMPOTENCY_KEYS);
    await client.query('ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_claim_key');
    for (const table of ['users', 'ledger_entries', 'rate_changes']) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT max(id) FROM ${table}), 1))`);
    }
  });
}

async function insertBatch(client: pg.PoolClient, batch: TableBatch): Promise<void> {
  if (batch.rows.length === 0) return;
  switch (batch.table) {
    case 'currencies':
      await client.query(
        `INSERT INTO currencies (code, name, rate, active, is_system)
         SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::boolean[], $5::boolean[])`,
        [batch.rows.map((c) => c.code), batch.rows.map((c) => c.name), batch.rows.map((c) => formatRate(c.rate)), batch.rows.map((c) => c.active), batch.rows.map((c) => c.isSystem)],
      );
      return;
    case 'settings':
      await client.query('INSERT INTO settings (name, value) SELECT * FROM unnest($1::text[], $2::text[])', [
        batch.rows.map(([name]) => name),
        batch.rows.map(([, value]) => value),
      ]);
      return;
    case 'users':
      await client.query(
        `INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, created_at)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::timestamptz[])`,
        [
          batch.rows.map((u) => u.id),
          batch.rows.map((u) => u.username),
          batch.rows.map((u) => u.usernameKey),
          batch.rows.map((u) => u.currency),
          batch.rows.map((u) => moneyParameter(u.balance)),
          batch.rows.map((u) => u.uniquehash),
          batch.rows.map((u) => u.role),
          batch.rows.map((u) => u.createdAt),
        ],
      );
      return;
    case 'ledger_entries':
      await client.query(
        `INSERT INTO ledger_entries (id, user_id, amount, balance_after, source, comment, idempotency_key, created_at)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])`,
        [
          batch.rows.map((e) => e.id),
          batch.rows.map((e) => e.userId),
          batch.rows.map((e) => moneyParameter(e.amount)),
          batch.rows.map((e) => moneyParameter(e.balanceAfter)),
          batch.rows.map((e) => e.source),
          batch.rows.map((e) => e.comment),
          batch.rows.map((e) => e.idempotencyKey ?? null),
          batch.rows.map((e) => e.createdAt),
        ],
      );
      return;
    case 'rate_changes':
      await client.query(
        `INSERT INTO rate_changes (currency, old_rate, new_rate, source, created_at)
         SELECT * FROM unnest($1::text[], $2::numeric[], $3::numeric[], $4::text[], $5::timestamptz[])`,
        [
          batch.rows.map((r) => r.currency),
          batch.rows.map((r) => (r.oldRate === undefined ? null : formatRate(r.oldRate))),
          batch.rows.map((r) => formatRate(r.newRate)),
          batch.rows.map((r) => r.source),
          batch.rows.map((r) => r.createdAt),
        ],
      );
      return;
    case 'request_hashes':
      await client.query(
        'INSERT INTO request_hashes (hash, request, created_at) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])',
        [batch.rows.map((h) => h.hash), batch.rows.map((h) => h.request), batch.rows.map((h) => h.createdAt)],
      );
      return;
  }
}

