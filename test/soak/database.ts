/**
 * The soak test reads the database directly, not through Tally: better-sqlite3 for a SQLite
 * file, pg for PostgreSQL (the tables of src/store/sqlite/migrations.ts and
 * src/store/postgres/migrations.ts). Money is read as bigint millionths or as NUMERIC text.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { parseMicros } from './money.js';

export function isPostgres(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export interface EntryRow {
  readonly id: bigint;
  readonly userId: number;
  readonly amount: bigint;
  readonly balanceAfter: bigint;
  readonly source: string;
  readonly key: string | null;
}

export interface RateChangeRow {
  readonly currency: string;
  readonly oldRate: string | null;
  readonly newRate: string;
  readonly source: string;
}

export interface Snapshot {
  readonly entries: readonly EntryRow[];
  readonly balances: ReadonlyMap<number, bigint>;
  readonly rates: ReadonlyMap<string, string>;
  readonly rateChanges: readonly RateChangeRow[];
}

export async function readSnapshot(location: string): Promise<Snapshot> {
  return isPostgres(location) ? withPostgres(location, readPostgres) : withSqlite(location, readSqlite);
}

function readSqlite(db: Database.Database): Snapshot {
  db.defaultSafeIntegers(true); // integers as bigint: money never passes through a number
  type Row = { id: bigint; user_id: bigint; amount: bigint; balance_after: bigint; source: string; idempotency_key: string | null };
  const entries = (db.prepare('SELECT id, user_id, amount, balance_after, source, idempotency_key FROM ledger_entries ORDER BY id').all() as Row[]).map(
    (row): EntryRow => ({ id: row.id, userId: Number(row.user_id), amount: row.amount, balanceAfter: row.balance_after, source: row.source, key: row.idempotency_key }),
  );
  const users = db.prepare('SELECT id, balance FROM users').all() as { id: bigint; balance: bigint }[];
  const currencies = db.prepare('SELECT code, rate FROM currencies WHERE is_system = 0').all() as { code: string; rate: string }[];
  const changes = db.prepare('SELECT currency, old_rate, new_rate, source FROM rate_changes ORDER BY id').all() as { currency: string; old_rate: string | null; new_rate: string; source: string }[];
  return {
    entries,
    balances: new Map(users.map((user) => [Number(user.id), user.balance])),
    rates: new Map(currencies.map((currency) => [currency.code, currency.rate])),
    rateChanges: changes.map((row) => ({ currency: row.currency, oldRate: row.old_rate, newRate: row.new_rate, source: row.source })),
  };
}

async function readPostgres(client: pg.Client): Promise<Snapshot> {
  // NUMERIC as text, then exact millionths.
  const entries = await client.query<{ id: string; user_id: string; amount: string; balance_after: string; source: string; idempotency_key: string | null }>(
    // Ordered by the bigint column: `ORDER BY id` would sort the text of the output column.
    'SELECT e.id::text, e.user_id::text, e.amount::text, e.balance_after::text, e.source, e.idempotency_key FROM ledger_entries e ORDER BY e.id',
  );
  const users = await client.query<{ id: string; balance: string }>('SELECT id::text, balance::text FROM users');
  const currencies = await client.query<{ code: string; rate: string }>('SELECT code, rate::text FROM currencies WHERE NOT is_system');
  const changes = await client.query<{ currency: string; old_rate: string | null; new_rate: string; source: string }>(
    'SELECT currency, old_rate::text, new_rate::text, source FROM rate_changes ORDER BY id',
  );
  return {
    entries: entries.rows.map((row) => ({
      id: BigInt(row.id),
      userId: Number(row.user_id),
      amount: exactMicros(row.amount),
      balanceAfter: exactMicros(row.balance_after),
      source: row.source,
      key: row.idempotency_key,
    })),
    balances: new Map(users.rows.map((row) => [Number(row.id), exactMicros(row.balance)])),
    rates: new Map(currencies.rows.map((row) => [row.code, row.rate])),
    rateChanges: changes.rows.map((row) => ({ currency: row.currency, oldRate: row.old_rate, newRate: row.new_rate, source: row.source })),
  };
}

function exactMicros(text: string): bigint {
  const micros = parseMicros(text);
  if (micros === undefined) throw new Error(`the database holds an amount that is not exact millionths: ${text}`);
  return micros;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Every user's id, username and uniquehash token (for user_simple_balance_get). */
export async function readUserTokens(location: string): Promise<Map<number, { readonly username: string; readonly uniquehash: string }>> {
  type Row = { id: number | string; username: string; uniquehash: string };
  const rows = isPostgres(location)
    ? await withPostgres(location, async (client) => (await client.query<Row>('SELECT id::text, username, uniquehash FROM users')).rows)
    : withSqlite(location, (db) => db.prepare('SELECT id, username, uniquehash FROM users').all() as Row[]);
  return new Map(rows.map((row) => [Number(row.id), { username: row.username, uniquehash: row.uniquehash }]));
}

export async function dropSchema(location: string): Promise<void> {
  const schema = new URL(location).searchParams.get('schema');
  if (schema === null) throw new Error('no schema to drop in the location');
  await withPostgres(location, (client) => client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`));
}

function withSqlite<T>(path: string, work: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** A client on the location's database with the location's schema as search path. */
async function withPostgres<T>(location: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(location);
  const schema = url.searchParams.get('schema') ?? 'public';
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${quoteIdentifier(schema)}`);
    return await work(client);
  } finally {
    await client.end();
  }
}
