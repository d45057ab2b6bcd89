/** Whole-database export and import on SQLite, for `tally copy`. */
import type Database from 'better-sqlite3';
import { TallyError } from '../../domain/errors.js';
import { formatRate } from '../../domain/money.js';
import { operatorKey, type OperatorRole } from '../../domain/operators.js';
import type { CopiedTable, DatabaseSummary, TableBatch } from '../store.js';
import { CLAIM_KEY_TRIGGER, REBUILD_IDEMPOTENCY_KEYS } from './migrations.js';
import { storedOperators } from './sqlite-operators.js';
import {
  AUDIT_COLUMNS,
  LEDGER_COLUMNS,
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
  type SettingRow,
  type UserRow,
} from './rows.js';
import type { LedgerSource } from '../../domain/ledger.js';
import type { UserRole, UserStatus } from '../store.js';

const BATCH = 2000;

type SummaryColumn =
  | 'currencies'
  | 'settings'
  | 'users'
  | 'ledger_entries'
  | 'rate_changes'
  | 'request_hashes'
  | 'audit_entries'
  | 'operators'
  | 'operator_tokens'
  | 'balance_units'
  | 'balance_micros'
  | 'ledger_units'
  | 'ledger_micros';

export function summarize(db: Database.Database): DatabaseSummary {
  const row = db
    .prepare<[], Record<SummaryColumn, bigint>>(
      `SELECT (SELECT count(*) FROM currencies) AS currencies, (SELECT count(*) FROM settings) AS settings,
              (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM ledger_entries) AS ledger_entries,
              (SELECT count(*) FROM rate_changes) AS rate_changes, (SELECT count(*) FROM request_hashes) AS request_hashes,
              (SELECT count(*) FROM audit_log) AS audit_entries,
              (SELECT count(*) FROM operators) AS operators, (SELECT count(*) FROM operator_tokens) AS operator_tokens,
              (SELECT coalesce(sum(balance / 1000000), 0) FROM users) AS balance_units,
              (SELECT coalesce(sum(balance % 1000000), 0) FROM users) AS balance_micros,
              (SELECT coalesce(sum(amount / 1000000), 0) FROM ledger_entries) AS ledger_units,
              (SELECT coalesce(sum(amount % 1000000), 0) FROM ledger_entries) AS ledger_micros`,
    )
    .safeIntegers(true)
    .get()!;
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
    // Summed as whole units and millionths apart: a million large balances overflow int64 in one sum.
    balanceSum: (row.balance_units ?? 0n) * 1_000_000n + (row.balance_micros ?? 0n),
    ledgerSum: (row.ledger_units ?? 0n) * 1_000_000n + (row.ledger_micros ?? 0n),
  };
}

/**
 * Reads in keyset pages, so the export never holds a table in memory, inside one read
 * transaction, so it is one consistent snapshot even while servers keep writing.
 */
export async function* exportTables(db: Database.Database): AsyncIterable<TableBatch> {
  db.exec('BEGIN');
  try {
    yield* readTables(db);
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
  }
}

async function* readTables(db: Database.Database): AsyncIterable<TableBatch> {
  yield { table: 'currencies', rows: db.prepare<[], CurrencyRow>('SELECT code, name, rate, active, is_system FROM currencies ORDER BY code').all().map(toCurrency) };
  const settings = db.prepare<[], SettingRow>('SELECT name, value FROM settings ORDER BY name').all();
  yield { table: 'settings', rows: settings.map((row) => [row.name, row.value] as const) };

  // From -1: the admin of a database made by this Tally has id 0.
  const users = db.prepare<[after: bigint], UserRow & { username_key: string }>(`SELECT ${USER_COLUMNS}, username_key FROM users WHERE id > ? ORDER BY id LIMIT ${BATCH}`).safeIntegers(true);
  for (let after = -1n; ; ) {
    const rows = users.all(after);
    if (rows.length === 0) break;
    yield { table: 'users', rows: rows.map((row) => ({ ...toUser(row), usernameKey: row.username_key })) };
    after = rows.at(-1)!.id;
  }
  const entries = db.prepare<[after: bigint], LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ledger_entries WHERE id > ? ORDER BY id LIMIT ${BATCH}`).safeIntegers(true);
  for (let after = 0n; ; ) {
    const rows = entries.all(after);
    if (rows.length === 0) break;
    yield { table: 'ledger_entries', rows: rows.map(toLedgerEntry) };
    after = rows.at(-1)!.id;
  }
  const changes = db.prepare<[], RateChangeRow>(`SELECT ${RATE_CHANGE_COLUMNS} FROM rate_changes ORDER BY id`).all();
  yield { table: 'rate_changes', rows: changes.map(toRateChange) };
  const hashes = db.prepare<[after: string], { hash: string; request: string; created_at: string }>(`SELECT hash, request, created_at FROM request_hashes WHERE hash > ? ORDER BY hash LIMIT ${BATCH}`);
  for (let after = ''; ; ) {
    const rows = hashes.all(after);
    if (rows.length === 0) break;
    yield { table: 'request_hashes', rows: rows.map((row) => ({ hash: row.hash, request: row.request, createdAt: row.created_at })) };
    after = rows.at(-1)!.hash;
  }
  const audit = db.prepare<[after: bigint], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id > ? ORDER BY id LIMIT ${BATCH}`).safeIntegers(true);
  for (let after = 0n; ; ) {
    const rows = audit.all(after);
    if (rows.length === 0) break;
    yield { table: 'audit_log', rows: rows.map(toAuditEntry) };
    after = rows.at(-1)!.id;
  }
  yield { table: 'operators', rows: storedOperators(db) };
  yield { table: 'key_claims', rows: db.prepare<[], string>('SELECT key FROM idempotency_keys WHERE entry_id IS NULL ORDER BY key').pluck().all() };
}

/** Writes batches into an empty database in one transaction, ids kept. */
export async function importTables(
  db: Database.Database,
  batches: AsyncIterable<TableBatch>,
  onRows?: (table: CopiedTable, count: number) => void,
): Promise<void> {
  const insert = {
    currency: db.prepare<[code: string, name: string, rate: string, active: number, isSystem: number]>('INSERT INTO currencies (code, name, rate, active, is_system) VALUES (?, ?, ?, ?, ?)'),
    setting: db.prepare<[name: string, value: string]>('INSERT INTO settings (name, value) VALUES (?, ?)'),
    user: db
      .prepare<
        [
          id: bigint,
          username: string,
          key: string,
          currency: string,
          balance: bigint,
          uniquehash: string,
          role: UserRole,
          status: UserStatus,
          createdAt: string,
          firstName: string,
          lastName: string,
        ]
      >(
        `INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, status, created_at, first_name, last_name)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .safeIntegers(true),
    entry: db
      .prepare<
        [
          id: bigint,
          userId: bigint,
          amount: bigint,
          balanceAfter: bigint,
          source: LedgerSource,
          comment: string,
          key: string | null,
          createdAt: string,
          actor: string,
          requestId: string | null,
          paymentCurrency: string | null,
          paymentAmount: bigint | null,
          paymentRate: string | null,
        ]
      >(
        `INSERT INTO ledger_entries (id, user_id, amount, balance_after, source, comment, idempotency_key, created_at, actor, request_id,
                                     payment_currency, payment_amount, payment_rate)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .safeIntegers(true),
    rateChange: db.prepare<
      [currency: string, oldRate: string | null, newRate: string, source: LedgerSource, createdAt: string, actor: string, requestId: string | null]
    >(
      'INSERT INTO rate_changes (currency, old_rate, new_rate, source, created_at, actor, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    requestHash: db.prepare<[hash: string, request: string, createdAt: string]>('INSERT INTO request_hashes (hash, request, created_at) VALUES (?, ?, ?)'),
    audit: db
      .prepare<
        [
          id: bigint,
          createdAt: string,
          source: LedgerSource,
          actor: string,
          action: string,
          target: string,
          detail: string | null,
          client: string | null,
          requestId: string | null,
        ]
      >(
        `INSERT INTO audit_log (id, created_at, source, actor, action, target, detail, client, request_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .safeIntegers(true),
    operator: db.prepare<[id: number, username: string, key: string, role: OperatorRole, passwordHash: string, passwordChangedAt: string, createdAt: string]>(
      `INSERT INTO operators (id, username, username_key, role, password_hash, password_changed_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    operatorToken: db.prepare<[operatorId: number, label: string, digest: string, createdAt: string]>(
      'INSERT INTO operator_tokens (operator_id, label, digest, created_at) VALUES (?, ?, ?, ?)',
    ),
  };
  db.exec('BEGIN IMMEDIATE');
  try {
    // The copied entries keep their keys as they are, a key two sources used before keys were
    // shared included: the key table is rebuilt from them at the end instead.
    db.exec('DROP TRIGGER ledger_entries_claim_key');
    const summary = summarize(db);
    if (summary.currencies + summary.settings + summary.users + summary.operators > 0) {
      throw new TallyError('conflict', 'the target database is not empty: copy only into a new one');
    }
    const claims: string[] = [];
    for await (const batch of batches) {
      switch (batch.table) {
        case 'key_claims':
          claims.push(...batch.rows);
          continue; // not a table of its own: applied after the rebuild below, not counted
        case 'currencies':
          for (const c of batch.rows) insert.currency.run(c.code, c.name, formatRate(c.rate), c.active ? 1 : 0, c.isSystem ? 1 : 0);
          break;
        case 'settings':
          for (const [name, value] of batch.rows) insert.setting.run(name, value);
          break;
        case 'users':
          for (const u of batch.rows) {
            insert.user.run(
              BigInt(u.id),
              u.username,
              u.usernameKey,
              u.currency,
              u.balance,
              u.uniquehash,
              u.role,
              u.status,
              u.createdAt,
              u.firstName,
              u.lastName,
            );
          }
          break;
        case 'ledger_entries':
          for (const e of batch.rows) {
            insert.entry.run(
              BigInt(e.id),
              BigInt(e.userId),
              e.amount,
              e.balanceAfter,
              e.source,
              e.comment,
              e.idempotencyKey ?? null,
              e.createdAt,
              e.actor,
              e.requestId ?? null,
              e.payment?.currency ?? null,
              e.payment?.amount ?? null,
              e.payment === undefined ? null : formatRate(e.payment.rate),
            );
          }
          break;
        case 'rate_changes':
          for (const r of batch.rows) {
            const oldRate = r.oldRate === undefined ? null : formatRate(r.oldRate);
            insert.rateChange.run(r.currency, oldRate, formatRate(r.newRate), r.source, r.createdAt, r.actor, r.requestId ?? null);
          }
          break;
        case 'request_hashes':
          for (const h of batch.rows) insert.requestHash.run(h.hash, h.request, h.createdAt);
          break;
        case 'audit_log':
          for (const a of batch.rows) {
            insert.audit.run(BigInt(a.id), a.createdAt, a.source, a.actor, a.action, a.target, a.detail ?? null, a.client ?? null, a.requestId ?? null);
          }
          break;
        case 'operators':
          for (const o of batch.rows) {
            insert.operator.run(o.id, o.username, operatorKey(o.username), o.role, o.passwordHash, o.passwordChangedAt, o.createdAt);
            for (const t of o.tokens) insert.operatorToken.run(o.id, t.label, t.digest, t.createdAt);
          }
          break;
      }
      onRows?.(batch.table, batch.rows.length);
    }
    // The key index is the ledger's keys, so it is rebuilt from the entries just copied.
    db.exec(REBUILD_IDEMPOTENCY_KEYS);
    const claim = db.prepare<[key: string]>('INSERT INTO idempotency_keys (key, entry_id) VALUES (?, NULL) ON CONFLICT (key) DO NOTHING');
    for (const key of claims) claim.run(key);
    db.exec(CLAIM_KEY_TRIGGER);
    // A copy is no change: the events its rows' triggers wrote are not news to anyone.
    db.exec('DELETE FROM events');
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
