/** Whole-database export and import on PostgreSQL, for `tally copy`. */
import type pg from 'pg';
import { TallyError } from '../../domain/errors.js';
import { formatRate } from '../../domain/money.js';
import { operatorKey } from '../../domain/operators.js';
import type { CopiedTable, DatabaseSummary, TableBatch } from '../store.js';
import { storedOperators } from './postgres-operators.js';
import { inTransaction } from './write-transactions.js';
import { REBUILD_IDEMPOTENCY_KEYS } from './migrations.js';
import {
  AUDIT_COLUMNS,
  LEDGER_COLUMNS,
  money,
  moneyParameter,
  RATE_CHANGE_COLUMNS,
  toAuditEntry,
  toCurrency,
  toLedgerEntry,
  toRateChange,
  toUser,
  USER_COLUMNS,
  type AuditRow,
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
            (SELECT count(*) FROM audit_log) AS audit_entries,
            (SELECT count(*) FROM operators) AS operators, (SELECT count(*) FROM operator_tokens) AS operator_tokens,
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
    auditEntries: Number(row.audit_entries),
    operators: Number(row.operators),
    operatorTokens: Number(row.operator_tokens),
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
  // From -1: the admin of a database made by this Tally has id 0.
  for (let after = '-1'; ; ) {
    const page = await pool.query<UserRow & { username_key: string }>(
      `SELECT ${USER_COLUMNS}, username_key FROM users WHERE id > $1 ORDER BY id LIMIT ${BATCH}`,
      [after],
    );
    if (page.rows.length === 0) break;
    yield { table: 'users', rows: page.rows.map((row) => ({ ...toUser(row), usernameKey: row.username_key })) };
    after = page.rows.at(-1)!.id;
  }
  for (let after = '0'; ; ) {
    const page = await pool.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ledger_entries WHERE id > $1 ORDER BY id LIMIT ${BATCH}`, [after]);
    if (page.rows.length === 0) break;
    yield { table: 'ledger_entries', rows: page.rows.map(toLedgerEntry) };
    after = page.rows.at(-1)!.id;
  }
  const changes = await pool.query<RateChangeRow>(`SELECT ${RATE_CHANGE_COLUMNS} FROM rate_changes ORDER BY id`);
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
  for (let after = '0'; ; ) {
    const page = await pool.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT ${BATCH}`, [after]);
    if (page.rows.length === 0) break;
    yield { table: 'audit_log', rows: page.rows.map(toAuditEntry) };
    after = page.rows.at(-1)!.id;
  }
  yield { table: 'operators', rows: await storedOperators(pool) };
  const claims = await pool.query<{ key: string }>('SELECT key FROM idempotency_keys WHERE entry_id IS NULL ORDER BY key');
  yield { table: 'key_claims', rows: claims.rows.map((row) => row.key) };
}

/** Writes batches into an empty database in one transaction, ids kept, with multi-row inserts. */
export async function importTables(
  pool: pg.Pool,
  batches: AsyncIterable<TableBatch>,
  onRows?: (table: CopiedTable, count: number) => void,
): Promise<void> {
  await inTransaction(pool, async (client) => {
    // No other writer may slip in between the emptiness check and the copy.
    await client.query(
      'LOCK TABLE currencies, settings, users, ledger_entries, rate_changes, idempotency_keys, request_hashes, audit_log, operators, operator_tokens IN EXCLUSIVE MODE',
    );
    const summary = await summarize(client);
    if (summary.currencies + summary.settings + summary.users + summary.operators > 0) {
      throw new TallyError('conflict', 'the target database is not empty: copy only into a new one');
    }
    // The copied entries keep their keys as they are, a key two sources used before keys were
    // shared included: the key table is rebuilt from them at the end instead.
    await client.query('ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_claim_key');
    const claims: string[] = [];
    for await (const batch of batches) {
      // Claims without an entry are no table of their own: applied after the rebuild below, not counted.
      if (batch.table === 'key_claims') {
        claims.push(...batch.rows);
        continue;
      }
      await insertBatch(client, batch);
      onRows?.(batch.table, batch.rows.length);
    }
    // The key index is the ledger's keys, so it is rebuilt from the entries just copied.
    await client.query(REBUILD_IDEMPOTENCY_KEYS);
    if (claims.length > 0) {
      await client.query('INSERT INTO idempotency_keys (key, entry_id) SELECT unnest($1::text[]), NULL ON CONFLICT (key) DO NOTHING', [claims]);
    }
    await client.query('ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_claim_key');
    // A copy is no change: the events its rows' triggers wrote are not news to anyone.
    await client.query('DELETE FROM events');
    // Each sequence goes on after the largest id copied (from 1 when there is none, or only the admin's 0).
    for (const table of ['users', 'ledger_entries', 'rate_changes', 'audit_log', 'operators', 'operator_tokens']) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT coalesce(max(id), 0) FROM ${table}) + 1, false)`);
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
        `INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, created_at, status, first_name, last_name)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::timestamptz[], $9::text[],
                              $10::text[], $11::text[])`,
        [
          batch.rows.map((u) => u.id),
          batch.rows.map((u) => u.username),
          batch.rows.map((u) => u.usernameKey),
          batch.rows.map((u) => u.currency),
          batch.rows.map((u) => moneyParameter(u.balance)),
          batch.rows.map((u) => u.uniquehash),
          batch.rows.map((u) => u.role),
          batch.rows.map((u) => u.createdAt),
          batch.rows.map((u) => u.status),
          batch.rows.map((u) => u.firstName),
          batch.rows.map((u) => u.lastName),
        ],
      );
      return;
    case 'ledger_entries':
      await client.query(
        `INSERT INTO ledger_entries (id, user_id, amount, balance_after, source, comment, idempotency_key, created_at, actor, request_id,
                                     payment_currency, payment_amount, payment_rate)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::text[],
                              $11::text[], $12::numeric[], $13::numeric[])`,
        [
          batch.rows.map((e) => e.id),
          batch.rows.map((e) => e.userId),
          batch.rows.map((e) => moneyParameter(e.amount)),
          batch.rows.map((e) => moneyParameter(e.balanceAfter)),
          batch.rows.map((e) => e.source),
          batch.rows.map((e) => e.comment),
          batch.rows.map((e) => e.idempotencyKey ?? null),
          batch.rows.map((e) => e.createdAt),
          batch.rows.map((e) => e.actor),
          batch.rows.map((e) => e.requestId ?? null),
          batch.rows.map((e) => e.payment?.currency ?? null),
          batch.rows.map((e) => (e.payment === undefined ? null : moneyParameter(e.payment.amount))),
          batch.rows.map((e) => (e.payment === undefined ? null : formatRate(e.payment.rate))),
        ],
      );
      return;
    case 'rate_changes':
      await client.query(
        `INSERT INTO rate_changes (currency, old_rate, new_rate, source, created_at, actor, request_id)
         SELECT * FROM unnest($1::text[], $2::numeric[], $3::numeric[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])`,
        [
          batch.rows.map((r) => r.currency),
          batch.rows.map((r) => (r.oldRate === undefined ? null : formatRate(r.oldRate))),
          batch.rows.map((r) => formatRate(r.newRate)),
          batch.rows.map((r) => r.source),
          batch.rows.map((r) => r.createdAt),
          batch.rows.map((r) => r.actor),
          batch.rows.map((r) => r.requestId ?? null),
        ],
      );
      return;
    case 'request_hashes':
      await client.query(
        'INSERT INTO request_hashes (hash, request, created_at) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])',
        [batch.rows.map((h) => h.hash), batch.rows.map((h) => h.request), batch.rows.map((h) => h.createdAt)],
      );
      return;
    case 'audit_log':
      await client.query(
        `INSERT INTO audit_log (id, created_at, source, actor, action, target, detail, client, request_id)
         SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
        [
          batch.rows.map((a) => a.id),
          batch.rows.map((a) => a.createdAt),
          batch.rows.map((a) => a.source),
          batch.rows.map((a) => a.actor),
          batch.rows.map((a) => a.action),
          batch.rows.map((a) => a.target),
          batch.rows.map((a) => a.detail ?? null),
          batch.rows.map((a) => a.client ?? null),
          batch.rows.map((a) => a.requestId ?? null),
        ],
      );
      return;
    case 'operators': {
      await client.query(
        `INSERT INTO operators (id, username, username_key, role, password_hash, password_changed_at, created_at)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[])`,
        [
          batch.rows.map((o) => o.id),
          batch.rows.map((o) => o.username),
          batch.rows.map((o) => operatorKey(o.username)),
          batch.rows.map((o) => o.role),
          batch.rows.map((o) => o.passwordHash),
          batch.rows.map((o) => o.passwordChangedAt),
          batch.rows.map((o) => o.createdAt),
        ],
      );
      const tokens = batch.rows.flatMap((o) => o.tokens.map((t) => ({ operatorId: o.id, ...t })));
      await client.query(
        'INSERT INTO operator_tokens (operator_id, label, digest, created_at) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::timestamptz[])',
        [tokens.map((t) => t.operatorId), tokens.map((t) => t.label), tokens.map((t) => t.digest), tokens.map((t) => t.createdAt)],
      );
      return;
    }
  }
}

