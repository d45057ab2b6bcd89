import { execSql, isPostgresUrl } from './fixtures.js';

/**
 * Turns a database of this Tally back to before migration 11 (balance alerts, the events outbox,
 * webhooks): it is then a database of version 10.
 */
export async function undoMigration11(db: string): Promise<void> {
  const pg = isPostgresUrl(db);
  const statements = [
    'DELETE FROM schema_migrations WHERE version >= 11',
    'DROP TABLE webhook_deliveries',
    'DROP TABLE webhook_endpoints',
    ...(pg
      ? ['DROP TRIGGER ledger_entries_emit ON ledger_entries', 'DROP TRIGGER users_emit_created ON users', 'DROP TRIGGER users_emit_closed ON users']
      : ['DROP TRIGGER ledger_entries_emit', 'DROP TRIGGER users_emit_created', 'DROP TRIGGER users_emit_closed']),
    'DROP TABLE events',
    ...(pg ? ['DROP FUNCTION emit_ledger_events()', 'DROP FUNCTION emit_user_events()', 'DROP FUNCTION fan_out_event()'] : []),
    'ALTER TABLE users DROP COLUMN warning_balance',
    'ALTER TABLE users DROP COLUMN balance_low_armed',
  ];
  for (const sql of statements) await execSql(db, sql);
}

/**
 * Turns a database of this Tally back to before migration 10 (users' names, payments in the
 * ledger): it is then a database of version 9. Payment details go with their columns.
 */
export async function undoMigration10(db: string): Promise<void> {
  await undoMigration11(db);
  const statements = [
    'DELETE FROM schema_migrations WHERE version >= 10',
    'DROP INDEX ledger_payments_by_time',
    'DROP INDEX ledger_payments_by_user',
    'ALTER TABLE users DROP COLUMN first_name',
    'ALTER TABLE users DROP COLUMN last_name',
    // The rate's own CHECK names the other two: it goes first.
    ...(isPostgresUrl(db) ? ['ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_payment_whole'] : []),
    'ALTER TABLE ledger_entries DROP COLUMN payment_rate',
    'ALTER TABLE ledger_entries DROP COLUMN payment_currency',
    'ALTER TABLE ledger_entries DROP COLUMN payment_amount',
  ];
  for (const sql of statements) await execSql(db, sql);
}

/**
 * Turns a database of this Tally back to before migration 9 (the admin API's sessions, stored
 * replies, the ledger's time index): it is then a database of version 8.
 */
export async function undoMigration9(db: string): Promise<void> {
  await undoMigration10(db);
  const statements = [
    'DELETE FROM schema_migrations WHERE version >= 9',
    'DROP TABLE operator_sessions',
    'DROP TABLE admin_replies',
    'DROP INDEX ledger_entries_by_time',
    'DROP INDEX audit_log_by_actor',
  ];
  for (const sql of statements) await execSql(db, sql);
}

/**
 * Turns a database of this Tally back to before migration 7 ("who did it") and the later ones
 * (8, the admin API's operators; 9, its sessions; 10, names and payments), for tests that make
 * a database of an older Tally from a new one: the migration then runs again when it is opened.
 * The ledger's actor columns stay on SQLite, whose migration 7 rebuilds the table from the older columns.
 */

export async function undoMigration7(db: string): Promise<void> {
  await undoMigration9(db);
  const pg = isPostgresUrl(db);
  const statements = [
    'DELETE FROM schema_migrations WHERE version >= 7',
    'DROP TABLE operator_tokens',
    'DROP TABLE operators',
    'DROP TABLE audit_log',
    ...(pg ? ['DROP FUNCTION refuse_audit_change()', 'DROP INDEX users_by_key_prefix'] : []),
    'DROP INDEX users_closed',
    ...(pg ? [] : ['DROP INDEX users_balance_lookup', 'CREATE INDEX users_balance_lookup ON users (username_key, id, username, currency, balance)']),
    'ALTER TABLE users DROP COLUMN status',
    ...(pg ? ['ALTER TABLE ledger_entries DROP COLUMN actor, DROP COLUMN request_id', 'ALTER TABLE rate_changes DROP COLUMN actor, DROP COLUMN request_id'] : []),
  ];
  for (const sql of statements) await execSql(db, sql);
}
