/** The embedded backend: one SQLite file through better-sqlite3, in WAL mode. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { BalanceView } from '../../domain/balance.js';
import type { Currency } from '../../domain/currency.js';
import { applyCurrencyChange, type CurrencyChange } from '../../domain/currency-change.js';
import { TallyError } from '../../domain/errors.js';
import { formatRate, parseRate } from '../../domain/money.js';
import { usernameKey } from '../../domain/usernames.js';
import type {
  ApiConfigRows,
  InitializeOptions,
  InitializeReport,
  NewUser,
  Store,
  UserChange,
  UserRecord,
  UserRole,
} from '../store.js';
import { MIGRATIONS } from './migrations.js';

export interface SqliteStoreOptions {
  /** Refuse to create a missing file: every command but init and serve expects one. */
  readonly mustExist: boolean;
}

/** Opens (creating if allowed) and migrates the database file at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions): Store {
  if (options.mustExist && !existsSync(path)) {
    throw new TallyError('not_initialized', `no database at ${path}: run "tally init" first`);
  }
  if (!options.mustExist) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a committed balance change survives a power cut, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new SqliteStore(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  ) STRICT`);
  // IMMEDIATE takes the write lock first, so two processes starting at once migrate in turn.
  db.transaction(() => {
    const current = (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new TallyError('schema_too_new', `the database has schema version ${current}, newer than this Tally knows (${latest}): upgrade Tally`);
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name);
    }
  }).immediate();
}

interface CurrencyRow {
  code: string;
  name: string;
  rate: string;
  active: number;
  is_system: number;
}

interface UserRow {
  id: bigint;
  username: string;
  currency: string;
  balance: bigint;
  uniquehash: string;
  role: UserRole;
}

const USER_COLUMNS = 'id, username, currency, balance, uniquehash, role';

class SqliteStore implements Store {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    const prepare = (sql: string) => db.prepare(sql);
    // Integer columns come back as bigint, so a balance never passes through a number.
    const prepareExact = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.statements = {
      balanceView: prepareExact('SELECT id, username, currency, balance FROM users WHERE username_key = ?'),
      userByKey: prepareExact(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = ?`),
      userById: prepareExact(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
      allUsers: prepareExact(`SELECT ${USER_COLUMNS} FROM users ORDER BY id`),
      insertUser: prepareExact(
        'INSERT INTO users (username, username_key, currency, balance, uniquehash, role) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      setUserCurrency: prepare('UPDATE users SET currency = ? WHERE id = ?'),
      setUserBalance: prepareExact('UPDATE users SET balance = ? WHERE id = ?'),
      hasAdmin: prepare("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1"),
      configVersion: prepare('SELECT version FROM config_version WHERE id = 1').pluck(),
      settings: prepare('SELECT name, value FROM settings'),
      insertSettingIfMissing: prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
      upsertSetting: prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      currencies: prepare('SELECT code, name, rate, active, is_system FROM currencies ORDER BY is_system DESC, code'),
      currencyByCode: prepare('SELECT code, name, rate, active, is_system FROM currencies WHERE code = ?'),
      systemCurrency: prepare('SELECT code FROM currencies WHERE is_system = 1').pluck(),
      upsertCurrency: prepare(
        `INSERT INTO currencies (code, name, rate, active, is_system) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, rate = excluded.rate, active = excluded.active`,
      ),
    };
  }

  async initialize(options: InitializeOptions): Promise<InitializeReport> {
    const s = this.statements;
    return this.db
      .transaction((): InitializeReport => {
        let systemCurrency = s.systemCurrency.get() as string | undefined;
        const created = systemCurrency === undefined;
        if (systemCurrency === undefined) {
          systemCurrency = options.systemCurrency;
          s.upsertCurrency.run(systemCurrency, systemCurrency, '1', 1, 1);
        }
        const addedSettings: string[] = [];
        for (const [name, value] of options.initialSettings) {
          if (s.insertSettingIfMissing.run(name, value).changes > 0) addedSettings.push(name);
        }
        const addedAdmin = s.hasAdmin.get() === undefined && this.insertAdmin(systemCurrency, options.adminUniquehash);
        return { created, systemCurrency, addedSettings, addedAdmin };
      })
      .immediate();
  }

  /** Adds the `admin` account unless a plain user already holds that name. */
  private insertAdmin(currency: string, uniquehash: string): boolean {
    if (this.statements.userByKey.get('admin') !== undefined) return false;
    this.statements.insertUser.run('admin', 'admin', currency, 0n, uniquehash, 'admin');
    return true;
  }

  async systemCurrency(): Promise<string | undefined> {
    return this.statements.systemCurrency.get() as string | undefined;
  }

  async readApiConfig(): Promise<ApiConfigRows> {
    // One read transaction, so the version matches the rows read with it.
    return this.db.transaction(() => ({
      version: this.statements.configVersion.get() as number,
      settings: this.readSettingsNow(),
      currencies: this.listCurrenciesNow(),
    }))();
  }

  async configVersion(): Promise<number> {
    return this.statements.configVersion.get() as number;
  }

  async findBalanceView(usernameKey: string): Promise<BalanceView | undefined> {
    const row = this.statements.balanceView.get(usernameKey) as Omit<UserRow, 'uniquehash' | 'role'> | undefined;
    if (row === undefined) return undefined;
    return { id: Number(row.id), username: row.username, currency: row.currency, balance: row.balance };
  }

  async readSettings(): Promise<ReadonlyMap<string, string>> {
    return this.readSettingsNow();
  }

  private readSettingsNow(): Map<string, string> {
    const rows = this.statements.settings.all() as { name: string; value: string }[];
    return new Map(rows.map((row) => [row.name, row.value]));
  }

  async writeSetting(name: string, stored: string): Promise<void> {
    this.statements.upsertSetting.run(name, stored);
  }

  async listCurrencies(): Promise<readonly Currency[]> {
    return this.listCurrenciesNow();
  }

  private listCurrenciesNow(): Currency[] {
    return (this.statements.currencies.all() as CurrencyRow[]).map(toCurrency);
  }

  async saveCurrency(change: CurrencyChange): Promise<Currency> {
    const s = this.statements;
    return this.db
      .transaction(() => {
        const row = s.currencyByCode.get(change.code) as CurrencyRow | undefined;
        const next = applyCurrencyChange(row && toCurrency(row), change);
        s.upsertCurrency.run(next.code, next.name, formatRate(next.rate), next.active ? 1 : 0, next.isSystem ? 1 : 0);
        return next;
      })
      .immediate();
  }

  async addUser(user: NewUser): Promise<UserRecord> {
    const s = this.statements;
    return this.db
      .transaction(() => {
        this.requireCurrency(user.currency);
        const key = usernameKey(user.username);
        if (s.userByKey.get(key) !== undefined) {
          throw new TallyError('already_exists', `a user named ${user.username} already exists (usernames ignore letter case)`);
        }
        const { lastInsertRowid } = s.insertUser.run(user.username, key, user.currency, user.balance, user.uniquehash, user.role);
        return toUser(s.userById.get(lastInsertRowid) as UserRow);
      })
      .immediate();
  }

  async updateUser(usernameKey: string, change: UserChange): Promise<UserRecord> {
    const s = this.statements;
    return this.db
      .transaction(() => {
        const row = s.userByKey.get(usernameKey) as UserRow | undefined;
        if (row === undefined) throw new TallyError('not_found', `no user named ${usernameKey}`);
        if (change.currency !== undefined) {
          this.requireCurrency(change.currency);
          s.setUserCurrency.run(change.currency, row.id);
        }
        if (change.balance !== undefined) s.setUserBalance.run(change.balance, row.id);
        return toUser(s.userById.get(row.id) as UserRow);
      })
      .immediate();
  }

  private requireCurrency(code: string): void {
    if (this.statements.currencyByCode.get(code) === undefined) {
      throw new TallyError('not_found', `no currency ${code}: add it with "tally currency set ${code} --rate R"`);
    }
  }

  async findUser(usernameKey: string): Promise<UserRecord | undefined> {
    const row = this.statements.userByKey.get(usernameKey) as UserRow | undefined;
    return row && toUser(row);
  }

  async *listUsers(): AsyncIterable<UserRecord> {
    for (const row of this.statements.allUsers.iterate() as IterableIterator<UserRow>) yield toUser(row);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toCurrency(row: CurrencyRow): Currency {
  const rate = parseRate(row.rate);
  if (!rate.ok) throw new Error(`currency ${row.code} has a damaged rate in the database: ${row.rate}`);
  return { code: row.code, name: row.name, rate: rate.value, active: row.active === 1, isSystem: row.is_system === 1 };
}

function toUser(row: UserRow): UserRecord {
  return {
    id: Number(row.id),
    username: row.username,
    currency: row.currency,
    balance: row.balance,
    uniquehash: row.uniquehash,
    role: row.role,
  };
}
