/**
 * Turns a database of this Tally back to before migration 7 ("who did it") and the later ones
 * (8, the admin API's operators), for tests that make
 * a database of an older Tally from a new one: the migration then runs again when it is opened.
 * The ledger's actor columns stay on SQLite, whose migration 7 rebuilds the table from the older columns.
 */
import { execSql, isPostgresUrl } from './fixtures.js';

export async function undoMigration7(db: string): Promise<void> {
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
