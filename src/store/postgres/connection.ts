/** PostgreSQL connections: the pool, the optional schema and the migration lock. */
import pg from 'pg';
import { TallyError } from '../../domain/errors.js';
import { PG_MIGRATIONS } from './migrations.js';
import type { PgLocation } from './pg-location.js';

export type Queryable = pg.Pool | pg.PoolClient;

/** Named statements are prepared once per connection by node-postgres. */
export function named(name: string, text: string, values: unknown[]): pg.QueryConfig {
  return { name, text, values };
}

/** PostgreSQL text cannot hold NUL: a value with one names nothing stored, so it is not looked up. */
export const NUL = '\u0000';

export { parsePgLocation, type PgLocation } from './pg-location.js';

export function createPool(location: PgLocation, size: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: size,
    ...(location.schema !== undefined && { options: `-c search_path=${location.schema}` }),
  });
  // An idle connection that breaks (a database restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

// Any constant works, as long as every Tally uses the same one.
const MIGRATION_LOCK = 4_242_001;

/**
 * Brings the schema up to date. Nodes starting together queue on an advisory lock, so each
 * migration runs once. Returns false when the database has no Tally tables and `create` is off.
 */
export async function migrate(pool: pg.Pool, location: PgLocation, create: boolean): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const existing = await client.query<{ found: boolean }>(
        "SELECT to_regclass('schema_migrations') IS NOT NULL AS found",
      );
      if (!existing.rows[0]?.found) {
        if (!create) return false;
        if (location.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${location.schema}`);
        await client.query(`CREATE TABLE schema_migrations (
          version    INTEGER PRIMARY KEY,
          name       TEXT NOT NULL,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      }
      const current = Number((await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')).rows[0]?.v ?? 0);
      const latest = PG_MIGRATIONS.at(-1)?.version ?? 0;
      if (current > latest) {
        throw new TallyError('schema_too_new', `the database has schema version ${current}, newer than this Tally knows (${latest}): upgrade Tally`);
      }
      for (const migration of PG_MIGRATIONS) {
        if (migration.version <= current) continue;
        await client.query('BEGIN');
        try {
          if (migration.sql !== '') await client.query(migration.sql);
          await migration.run?.(client);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
      return true;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** True for PostgreSQL's unique_violation on the named index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = error as { code?: string; constraint?: string };
  return pgError.code === '23505' && (constraint === undefined || pgError.constraint === constraint);
}
