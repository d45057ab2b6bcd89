/**
 * The PostgreSQL backend, for many stateless API nodes on one database. Every operation is
 * one transaction; a balance change is a guarded UPDATE (the row lock orders concurrent
 * changes, so none is lost) plus its ledger entry.
 */
import type pg from 'pg';
import type { BalanceView } from '../../domain/balance.js';
import type { Currency } from '../../domain/currency.js';
import { applyCurrencyChange, type CurrencyChange } from '../../domain/currency-change.js';
import { TallyError } from '../../domain/errors.js';
import type { LedgerEntry, LedgerReport, LedgerSource, RateChange } from '../../domain/ledger.js';
import { formatRate, MONEY_LIMIT_UNITS, type Decimal } from '../../domain/money.js';
import { usernameKey } from '../../domain/usernames.js';
import type {
  ApiConfigRows,
  CopiedTable,
  DatabaseSummary,
  TableBatch,
  BalanceChange,
  BalanceChangeResult,
  ImportOptions,
  ImportRow,
  InitializeOptions,
  InitializeReport,
  NewUser,
  Store,
  UserChange,
  UserRecord,
  UserRef,
} from '../store.js';
import { exportTables, importTables, summarize } from './postgres-copy.js';
import { createPool, inTransaction, isUniqueViolation, migrate, parsePgLocation, type Queryable } from './connection.js';
import {
  money,
  moneyParameter,
  toBalanceView,
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

export interface PostgresStoreOptions {
  readonly mustExist: boolean;
  readonly poolSize: number;
}

export async function openPostgresStore(location: string, options: PostgresStoreOptions): Promise<Store> {
  const parsed = parsePgLocation(location);
  const pool = createPool(parsed, options.poolSize);
  try {
    if (!(await migrate(pool, parsed, !options.mustExist))) {
      throw new TallyError('not_initialized', `no Tally database at ${parsed.display}: run "tally init" first`);
    }
    return new PostgresStore(pool, parsed.display);
  } catch (error) {
    await pool.end();
    throw error;
  }
}

const INIT_LOCK = 4_242_002;
// PostgreSQL text cannot hold NUL: a value with one names nothing stored, so it is not looked up.
const NUL = '\u0000';
const IMPORT_BATCH = 1000;
const LIST_PAGE = 1000;
// The guard of every balance change: the result stays inside what every store can hold.
const MONEY_LIMIT = MONEY_LIMIT_UNITS.toString();

/** Named statements are prepared once per connection by node-postgres. */
function named(name: string, text: string, values: unknown[]): pg.QueryConfig {
  return { name, text, values };
}

class PostgresStore implements Store {
  constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {}

  async initialize(options: InitializeOptions): Promise<InitializeReport> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [INIT_LOCK]);
      let systemCurrency = await this.systemCurrencyOn(client);
      const created = systemCurrency === undefined;
      if (systemCurrency === undefined) {
        systemCurrency = options.systemCurrency;
        await client.query("INSERT INTO currencies (code, name, rate, active, is_system) VALUES ($1, $1, '1', true, true)", [systemCurrency]);
      }
      const addedSettings: string[] = [];
      for (const [name, value] of options.initialSettings) {
        const result = await client.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, value]);
        if (result.rowCount === 1) addedSettings.push(name);
      }
      let addedAdmin = false;
      const admins = await client.query("SELECT 1 FROM users WHERE role = 'admin' OR username_key = 'admin' LIMIT 1");
      if (admins.rowCount === 0) {
        await this.insertUser(client, { username: 'admin', currency: systemCurrency, balance: 0n, uniquehash: options.adminUniquehash, role: 'admin' }, '');
        addedAdmin = true;
      }
      return { created, systemCurrency, addedSettings, addedAdmin };
    });
  }

  async systemCurrency(): Promise<string | undefined> {
    return this.systemCurrencyOn(this.pool);
  }

  private async systemCurrencyOn(db: Queryable): Promise<string | undefined> {
    const result = await db.query<{ code: string }>('SELECT code FROM currencies WHERE is_system');
    return result.rows[0]?.code;
  }

  async readApiConfig(): Promise<ApiConfigRows> {
    // REPEATABLE READ: the version matches the rows read with it.
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const version = await client.query<{ version: string }>('SELECT version FROM config_version WHERE id = 1');
      const settings = await client.query<{ name: string; value: string }>('SELECT name, value FROM settings');
      const currencies = await client.query<CurrencyRow>('SELECT code, name, rate::text, active, is_system FROM currencies ORDER BY is_system DESC, code');
      await client.query('COMMIT');
      return {
        version: Number(version.rows[0]?.version ?? 0),
        settings: new Map(settings.rows.map((row) => [row.name, row.value])),
        currencies: currencies.rows.map(toCurrency),
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async configVersion(): Promise<number> {
    const result = await this.pool.query<{ version: string }>(named('config_version', 'SELECT version FROM config_version WHERE id = 1', []));
    return Number(result.rows[0]?.version ?? 0);
  }

  async findBalanceView(key: string): Promise<BalanceView | undefined> {
    if (key.includes(NUL)) return undefined;
    const result = await this.pool.query<UserRow>(
      named('balance_view', 'SELECT id, username, currency, balance::text FROM users WHERE username_key = $1', [key]),
    );
    const row = result.rows[0];
    return row && toBalanceView(row);
  }

  async findBalanceViewByUniquehash(uniquehash: string): Promise<BalanceView | undefined> {
    if (uniquehash.includes(NUL)) return undefined;
    const result = await this.pool.query<UserRow>(
      named('balance_view_by_token', 'SELECT id, username, currency, balance::text FROM users WHERE uniquehash = $1', [uniquehash]),
    );
    const row = result.rows[0];
    return row && toBalanceView(row);
  }

  async readSettings(): Promise<ReadonlyMap<string, string>> {
    const result = await this.pool.query<{ name: string; value: string }>('SELECT name, value FROM settings');
    return new Map(result.rows.map((row) => [row.name, row.value]));
  }

  async writeSetting(name: string, stored: string): Promise<void> {
    await this.pool.query('INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, stored]);
  }

  async listCurrencies(): Promise<readonly Currency[]> {
    const result = await this.pool.query<CurrencyRow>('SELECT code, name, rate::text, active, is_system FROM currencies ORDER BY is_system DESC, code');
    return result.rows.map(toCurrency);
  }

  async saveCurrency(change: CurrencyChange, source: LedgerSource): Promise<Currency> {
    return inTransaction(this.pool, async (client) => {
      const found = await client.query<CurrencyRow>('SELECT code, name, rate::text, active, is_system FROM currencies WHERE code = $1 FOR UPDATE', [change.code]);
      const existing = found.rows[0] && toCurrency(found.rows[0]);
      const next = applyCurrencyChange(existing, change);
      const rate = formatRate(next.rate);
      await client.query(
        `INSERT INTO currencies (code, name, rate, active, is_system) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, rate = excluded.rate, active = excluded.active`,
        [next.code, next.name, rate, next.active, next.isSystem],
      );
      const oldRate = existing && formatRate(existing.rate);
      if (rate !== oldRate) {
        await client.query('INSERT INTO rate_changes (currency, old_rate, new_rate, source) VALUES ($1, $2, $3, $4)', [next.code, oldRate ?? null, rate, source]);
      }
      return next;
    });
  }

  async updateRate(code: string, rate: Decimal, source: LedgerSource): Promise<'updated' | 'not_found'> {
    return inTransaction(this.pool, async (client) => {
      const text = formatRate(rate);
      const old = await client.query<{ rate: string }>('SELECT rate::text FROM currencies WHERE code = $1 AND NOT is_system FOR UPDATE', [code]);
      const oldRate = old.rows[0]?.rate;
      if (oldRate === undefined) return 'not_found';
      await client.query('UPDATE currencies SET rate = $2 WHERE code = $1', [code, text]);
      await client.query('INSERT INTO rate_changes (currency, old_rate, new_rate, source) VALUES ($1, $2, $3, $4)', [code, oldRate, text, source]);
      return 'updated';
    });
  }

  async rateHistory(code: string): Promise<readonly RateChange[]> {
    const result = await this.pool.query<RateChangeRow>(
      'SELECT currency, old_rate::text, new_rate::text, source, created_at FROM rate_changes WHERE currency = $1 ORDER BY id',
      [code],
    );
    return result.rows.map(toRateChange);
  }

  async addUser(user: NewUser, comment = 'opening balance'): Promise<UserRecord> {
    try {
      return await inTransaction(this.pool, async (client) => {
        await this.requireCurrency(client, user.currency);
        const id = await this.insertUser(client, user, comment);
        return (await this.findUserOn(client, { id }))!;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_username_key_key')) {
        throw new TallyError('already_exists', `a user named ${user.username} already exists (usernames ignore letter case)`);
      }
      throw error;
    }
  }

  /** Inserts a user and, for a non-zero balance, its opening entry, inside the caller's transaction. */
  private async insertUser(client: pg.PoolClient, user: NewUser, comment: string): Promise<number> {
    const inserted = await client.query<{ id: string }>(
      'INSERT INTO users (username, username_key, currency, balance, uniquehash, role) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [user.username, usernameKey(user.username), user.currency, moneyParameter(user.balance), user.uniquehash, user.role],
    );
    const id = inserted.rows[0]!.id;
    if (user.balance !== 0n) {
      const amount = moneyParameter(user.balance);
      await client.query("INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment) VALUES ($1, $2, $2, 'cli', $3)", [id, amount, comment]);
    }
    return Number(id);
  }

  async updateUser(username: string, change: UserChange): Promise<UserRecord> {
    return inTransaction(this.pool, async (client) => {
      const found = await client.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = $1 FOR UPDATE`, [usernameKey(username)]);
      const row = found.rows[0];
      if (row === undefined) throw new TallyError('not_found', `no user named ${username}`);
      if (change.currency !== undefined) {
        await this.requireCurrency(client, change.currency);
        await client.query('UPDATE users SET currency = $2 WHERE id = $1', [row.id, change.currency]);
      }
      const balance = money(row.balance);
      if (change.balance !== undefined && change.balance !== balance) {
        const after = moneyParameter(change.balance);
        await client.query('UPDATE users SET balance = $2 WHERE id = $1', [row.id, after]);
        await client.query(
          "INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment) VALUES ($1, $2, $3, 'cli', $4)",
          [row.id, moneyParameter(change.balance - balance), after, change.comment ?? 'balance set'],
        );
      }
      return (await this.findUserOn(client, { id: Number(row.id) }))!;
    });
  }

  private async requireCurrency(client: pg.PoolClient, code: string): Promise<void> {
    const found = await client.query('SELECT 1 FROM currencies WHERE code = $1', [code]);
    if (found.rowCount === 0) throw new TallyError('not_found', `no currency ${code}: add it with "tally currency set ${code} --rate R"`);
  }

  async findUser(ref: UserRef): Promise<UserRecord | undefined> {
    return this.findUserOn(this.pool, ref);
  }

  private async findUserOn(db: Queryable, ref: UserRef): Promise<UserRecord | undefined> {
    if ('usernameKey' in ref && ref.usernameKey.includes(NUL)) return undefined;
    const result =
      'id' in ref
        ? await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [ref.id])
        : await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = $1`, [ref.usernameKey]);
    const row = result.rows[0];
    return row && toUser(row);
  }

  async takenUsers(usernameKeys: readonly string[], ids: readonly number[]): Promise<{ keys: Set<string>; ids: Set<number> }> {
    const keys = await this.pool.query<{ username_key: string }>('SELECT username_key FROM users WHERE username_key = ANY($1)', [usernameKeys]);
    const taken = await this.pool.query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::bigint[])', [ids]);
    return { keys: new Set(keys.rows.map((row) => row.username_key)), ids: new Set(taken.rows.map((row) => Number(row.id))) };
  }

  async *listUsers(): AsyncIterable<UserRecord> {
    // Keyset pages: memory stays flat whatever the table's size.
    let after = '0';
    for (;;) {
      const page = await this.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id > $1 ORDER BY id LIMIT ${LIST_PAGE}`, [after]);
      for (const row of page.rows) yield toUser(row);
      if (page.rows.length < LIST_PAGE) return;
      after = page.rows.at(-1)!.id;
    }
  }

  async applyBalanceChange(change: BalanceChange): Promise<BalanceChangeResult> {
    try {
      return await inTransaction(this.pool, (client) => this.applyOn(client, change));
    } catch (error) {
      // Another node committed the same key between our look-up and our insert: our
      // transaction rolled back, and the second attempt finds their entry.
      if (change.idempotencyKey !== undefined && isUniqueViolation(error, 'ledger_entries_by_key')) {
        return inTransaction(this.pool, (client) => this.applyOn(client, change));
      }
      throw error;
    }
  }

  private async applyOn(client: pg.PoolClient, change: BalanceChange): Promise<BalanceChangeResult> {
    if ('usernameKey' in change.user && change.user.usernameKey.includes(NUL)) return { kind: 'user_not_found' };
    if (change.idempotencyKey !== undefined) {
      const seen = await client.query<LedgerRow & { username: string; username_key: string }>(
        named(
          'entry_by_key',
          `SELECT e.id, e.user_id, e.amount::text, e.balance_after::text, e.source, e.comment, e.idempotency_key, e.created_at,
                  u.username, u.username_key
           FROM ledger_entries e JOIN users u ON u.id = e.user_id WHERE e.source = $1 AND e.idempotency_key = $2`,
          [change.source, change.idempotencyKey],
        ),
      );
      const row = seen.rows[0];
      if (row !== undefined) {
        const sameUser = 'id' in change.user ? Number(row.user_id) === change.user.id : row.username_key === change.user.usernameKey;
        if (!sameUser || money(row.amount) !== change.amount) return { kind: 'duplicate_key' };
        return { kind: 'replayed', entry: toLedgerEntry(row), username: row.username };
      }
    }
    const [column, value] = 'id' in change.user ? ['id', change.user.id] : ['username_key', change.user.usernameKey];
    const amount = moneyParameter(change.amount);
    // The guard and the change in one statement: the row lock makes concurrent changes queue.
    const updated = await client.query<{ id: string; username: string; balance: string }>(
      named(
        `change_balance_by_${column}`,
        `UPDATE users SET balance = balance + $2::numeric
         WHERE ${column} = $1 AND abs(balance + $2::numeric) < $3::numeric
         RETURNING id, username, balance::text`,
        [value, amount, MONEY_LIMIT],
      ),
    );
    const user = updated.rows[0];
    if (user === undefined) {
      const exists = await client.query(`SELECT 1 FROM users WHERE ${column} = $1`, [value]);
      return exists.rowCount === 0 ? { kind: 'user_not_found' } : { kind: 'out_of_range' };
    }
    const entry = await client.query<LedgerRow>(
      named(
        'insert_entry',
        `INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, user_id, amount::text, balance_after::text, source, comment, idempotency_key, created_at`,
        [user.id, amount, user.balance, change.source, change.comment, change.idempotencyKey ?? null],
      ),
    );
    return { kind: 'applied', entry: toLedgerEntry(entry.rows[0]!), username: user.username };
  }

  async ledgerEntries(userId: number, limit: number): Promise<readonly LedgerEntry[]> {
    const result = await this.pool.query<LedgerRow>(
      `SELECT id, user_id, amount::text, balance_after::text, source, comment, idempotency_key, created_at
       FROM ledger_entries WHERE user_id = $1 ORDER BY id DESC LIMIT $2`,
      [userId, limit],
    );
    return result.rows.map(toLedgerEntry);
  }

  async verifyLedger(): Promise<LedgerReport> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const counts = await client.query<{ users: string; entries: string }>(
        'SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM ledger_entries) AS entries',
      );
      const mismatches = await client.query<{ id: string; username: string; balance: string; ledger_sum: string; last_after: string | null }>(`
        SELECT u.id, u.username, u.balance::text, coalesce(l.total, 0)::text AS ledger_sum, e.balance_after::text AS last_after
        FROM users u
        LEFT JOIN (SELECT user_id, sum(amount) AS total, max(id) AS last_id FROM ledger_entries GROUP BY user_id) l ON l.user_id = u.id
        LEFT JOIN ledger_entries e ON e.id = l.last_id
        WHERE u.balance <> coalesce(l.total, 0) OR (e.balance_after IS NOT NULL AND e.balance_after <> u.balance)
        ORDER BY u.id`);
      await client.query('COMMIT');
      return {
        users: Number(counts.rows[0]?.users ?? 0),
        entries: Number(counts.rows[0]?.entries ?? 0),
        mismatches: mismatches.rows.map((row) => ({
          id: Number(row.id),
          username: row.username,
          balance: money(row.balance),
          ledgerSum: money(row.ledger_sum),
          lastBalanceAfter: row.last_after === null ? undefined : money(row.last_after),
        })),
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async importUsers(rows: AsyncIterable<ImportRow>, { comment, autoIdsAbove, onRow }: ImportOptions): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const now = new Date();
      if (autoIdsAbove !== undefined) {
        // New rows are numbered above the explicit ids (and every id in use).
        await client.query(
          "SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST($1::bigint, (SELECT coalesce(max(id), 1) FROM users)))",
          [autoIdsAbove],
        );
      }
      let count = 0;
      let batch: ImportRow[] = [];
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        await insertImportBatch(client, batch, comment, now);
        for (let i = 0; i < batch.length; i++) onRow?.();
        count += batch.length;
        batch = [];
      };
      for await (const row of rows) {
        batch.push(row);
        if (batch.length === IMPORT_BATCH) await flush();
      }
      await flush();
      // Explicit ids must not collide with the ones the sequence hands out next.
      await client.query("SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST((SELECT max(id) FROM users), 1))");
      return count;
    });
  }

  async summary(): Promise<DatabaseSummary> {
    return summarize(this.pool);
  }

  exportTables(): AsyncIterable<TableBatch> {
    return exportTables(this.pool);
  }

  async importTables(batches: AsyncIterable<TableBatch>, onRows?: (table: CopiedTable, count: number) => void): Promise<void> {
    return importTables(this.pool, batches, onRows);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** One multi-row INSERT per table for a batch of imported users. */
async function insertImportBatch(client: pg.PoolClient, batch: readonly ImportRow[], comment: string, now: Date): Promise<void> {
  try {
    const inserted = await client.query<{ id: string; balance: string }>(
      `INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, created_at)
       SELECT coalesce(id, nextval(pg_get_serial_sequence('users', 'id'))), username, username_key, currency, balance, uniquehash, 'user', $7
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[])
         AS t(id, username, username_key, currency, balance, uniquehash)
       RETURNING id, balance::text`,
      [
        batch.map((row) => row.id ?? null),
        batch.map((row) => row.username),
        batch.map((row) => usernameKey(row.username)),
        batch.map((row) => row.currency),
        batch.map((row) => moneyParameter(row.balance)),
        batch.map((row) => row.uniquehash),
        now,
      ],
    );
    const funded = inserted.rows.filter((row) => money(row.balance) !== 0n);
    await client.query(
      `INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, created_at)
       SELECT id, balance, balance, 'import', $3, $4 FROM unnest($1::bigint[], $2::numeric[]) AS t(id, balance)`,
      [funded.map((row) => row.id), funded.map((row) => row.balance), comment, now],
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new TallyError('already_exists', 'a user in the file already exists (it was added meanwhile)');
    throw error;
  }
}

