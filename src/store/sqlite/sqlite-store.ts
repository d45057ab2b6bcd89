/** The embedded backend: one SQLite file through better-sqlite3, in WAL mode. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { storedActorName, type Actor } from '../../domain/actor.js';
import type { AuditEntry } from '../../domain/audit.js';
import { clientUnblocked, currencySaved, databaseInitialized, rateUpdated, settingsWritten, userAdded } from '../../domain/audit-events.js';
import type { BalanceView } from '../../domain/balance.js';
import type { Currency } from '../../domain/currency.js';
import { applyCurrencyChange, type CurrencyChange } from '../../domain/currency-change.js';
import { TallyError } from '../../domain/errors.js';
import type { LedgerEntry, LedgerReport, LedgerSource, RateChange } from '../../domain/ledger.js';
import type { RequestAuthorization } from '../../domain/hash.js';
import { formatRate, type Decimal } from '../../domain/money.js';
import { usernameKey, type UsernameCollision } from '../../domain/usernames.js';
import type {
  ApiConfigRows,
  AuthFailureCount,
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
  TakenUsers,
  ThrottledClient,
  ThrottleRule,
  UserChange,
  UserRecord,
  UserRef,
  UserSearch,
  WriteHealth,
} from '../store.js';
import { AUTH_FAILURE_MEMORY_MS, NotWritableError } from '../store.js';
import { GroupCommit } from './group-commit.js';
import { ReadSnapshot } from './read-snapshot.js';
import { exportTables, importTables, summarize } from './sqlite-copy.js';
import { SqliteLedger } from './sqlite-ledger.js';
import { MIGRATIONS } from './migrations.js';
import { planRepairs } from './username-repair.js';
import { WriteWatchdog } from './write-watchdog.js';
import { SqliteUsers } from './sqlite-users.js';
import {
  RATE_CHANGE_COLUMNS,
  toCurrency,
  toRateChange,
  toUser,
  USER_COLUMNS,
  type AuthFailureRow,
  type BalanceViewRow,
  type CurrencyRow,
  type RateChangeRow,
  type SettingRow,
  type UserRow,
} from './rows.js';

export interface SqliteStoreOptions {
  /** Refuse to create a missing file: every command but init, serve and copy's target expects one. */
  readonly mustExist: boolean;
  /** Create the file's missing directories (init and serve); otherwise a new file needs its directory. */
  readonly createDirectories?: boolean;
}

/** Opens (creating if allowed) and migrates the database file at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions): Store {
  if (options.mustExist && !existsSync(path)) {
    throw new TallyError('not_initialized', `no database at ${path}`);
  }
  if (!options.mustExist) {
    if (options.createDirectories === true) mkdirSync(dirname(path), { recursive: true });
    else if (statSync(dirname(path), { throwIfNoEntry: false })?.isDirectory() !== true) {
      throw new TallyError('not_found', `cannot create the database ${resolve(path)}: no directory ${resolve(dirname(path))}`);
    }
  }
  const db = new Database(path);
  try {
    // Checked before anything is written: a read command never turns a stray file into a database.
    if (options.mustExist && !hasTallySchema(db)) {
      throw new TallyError('not_initialized', `the database at ${path} is not initialised`);
    }
    db.pragma('journal_mode = WAL');
    // FULL: a committed balance change survives a power cut, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Room for the balance lookup index of about a million users (43 MB at 1M), so the hot path
    // reads from memory instead of copying a page from the OS per request. Filled only as read.
    db.pragma(`cache_size = ${READ_CACHE_SIZE}`);
    migrate(db);
    // From here on a busy lock is waited for asynchronously (see SqliteStore.write).
    db.pragma('busy_timeout = 0');
    return new SqliteStore(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
}

function hasTallySchema(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
}

function migrate(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  ) STRICT`);
  // IMMEDIATE takes the write lock first, so two processes starting at once migrate in turn.
  db.transaction(() => {
    const current = db.prepare<[], number | null>('SELECT max(version) FROM schema_migrations').pluck().get() ?? 0;
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new TallyError('schema_too_new', `the database has schema version ${current}, newer than this Tally knows (${latest}): upgrade Tally`);
    }
    const record = db.prepare<[number, string]>('INSERT INTO schema_migrations (version, name) VALUES (?, ?)');
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      migration.run?.(db);
      record.run(migration.version, migration.name);
    }
  }).immediate();
}

/** Negative: KiB. 48 MB at most, for the connection that serves requests. */
const READ_CACHE_SIZE = -49152;
/** Negative: KiB. 512 MB at most, for bulk writes only: a million users' index pages stay in memory. */
const BULK_CACHE_SIZE = -524288;
const LIST_PAGE = 1000;
/** How long a write waits for another process's write lock before it fails. */
const WRITE_LOCK_WAIT_MS = 5000;

class SqliteStore implements Store {
  private readonly statements;
  private readonly ledger: SqliteLedger;
  private readonly users: SqliteUsers;
  private readonly writes: GroupCommit;
  private readonly snapshot: ReadSnapshot;
  private readonly watchdog: WriteWatchdog;

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    const prepare = <Params extends unknown[] | object, Row = unknown>(sql: string) => db.prepare<Params, Row>(sql);
    // Integer columns come back as bigint, so a balance never passes through a number.
    const prepareExact = <Params extends unknown[], Row>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.statements = {
      // Closed users are no one to the balance reads; the status is read from the same index.
      balanceView: prepareExact<[string], BalanceViewRow>(
        "SELECT id, username, currency, balance FROM users INDEXED BY users_balance_lookup WHERE username_key = ? AND status = 'active'",
      ),
      balanceViewByUniquehash: prepareExact<[string], BalanceViewRow>("SELECT id, username, currency, balance FROM users WHERE uniquehash = ? AND status = 'active'"),
      userByKey: prepareExact<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = ?`),
      userById: prepareExact<[number | bigint], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
      usersPage: prepareExact<[bigint], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id > ? ORDER BY id LIMIT ${LIST_PAGE}`),
      hasAdmin: prepare<[]>("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1"),
      idTaken: prepare<[number]>('SELECT 1 FROM users WHERE id = ?'),
      configVersion: prepare<[], number>('SELECT version FROM config_version WHERE id = 1').pluck(),
      settings: prepare<[], SettingRow>('SELECT name, value FROM settings'),
      insertSettingIfMissing: prepare<[string, string]>('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
      upsertSetting: prepare<[string, string]>('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      currencies: prepare<[], CurrencyRow>('SELECT code, name, rate, active, is_system FROM currencies ORDER BY is_system DESC, code'),
      currencyByCode: prepare<[string], CurrencyRow>('SELECT code, name, rate, active, is_system FROM currencies WHERE code = ?'),
      systemCurrency: prepare<[], string>('SELECT code FROM currencies WHERE is_system = 1').pluck(),
      upsertCurrency: prepare<[code: string, name: string, rate: string, active: number, isSystem: number]>(
        `INSERT INTO currencies (code, name, rate, active, is_system) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, rate = excluded.rate, active = excluded.active`,
      ),
      setRate: prepare<[rate: string, code: string]>('UPDATE currencies SET rate = ? WHERE code = ?'),
      insertRateChange: prepare<[currency: string, oldRate: string | null, newRate: string, source: LedgerSource, actor: string, requestId: string | null]>('INSERT INTO rate_changes (currency, old_rate, new_rate, source, actor, request_id) VALUES (?, ?, ?, ?, ?, ?)'),
      rateHistory: prepare<[string], RateChangeRow>(`SELECT ${RATE_CHANGE_COLUMNS} FROM rate_changes WHERE currency = ? ORDER BY id`),
      // A window that has run out starts again at 1. Every SET expression reads the old row.
      countAuthFailure: prepare<{ address: string; now: number; limit: number; window: number; cooldown: number }, Omit<AuthFailureRow, 'address'>>(`
        INSERT INTO auth_failures (address, window_start, failures, blocked_until)
          VALUES (:address, :now, 1, CASE WHEN 1 >= :limit THEN :now + :cooldown ELSE 0 END)
        ON CONFLICT (address) DO UPDATE SET
          window_start = CASE WHEN window_start <= :now - :window THEN :now ELSE window_start END,
          failures = CASE WHEN window_start <= :now - :window THEN 1 ELSE failures + 1 END,
          blocked_until = CASE WHEN (CASE WHEN window_start <= :now - :window THEN 1 ELSE failures + 1 END) >= :limit
                               THEN max(blocked_until, :now + :cooldown) ELSE blocked_until END
        RETURNING failures, window_start, blocked_until`),
      blockedClients: prepare<[now: number], Pick<AuthFailureRow, 'address' | 'blocked_until'>>('SELECT address, blocked_until FROM auth_failures WHERE blocked_until > ?'),
      // What purgeExpired has not forgotten yet: a count within the memory, or a block in force.
      throttledClients: prepare<[rememberedSince: number, now: number], AuthFailureRow>(
        'SELECT address, window_start, failures, blocked_until FROM auth_failures WHERE window_start >= ? OR blocked_until > ? ORDER BY window_start DESC, address',
      ),
      unblockClient: prepare<[string], Pick<AuthFailureRow, 'failures'>>('DELETE FROM auth_failures WHERE address = ? RETURNING failures'),
      claimNonce: prepare<[nonce: string, expiresAt: number]>('INSERT INTO signature_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING'),
      purgeNonces: prepare<[now: number]>('DELETE FROM signature_nonces WHERE expires_at < ?'),
      purgeAuthFailures: prepare<[windowStartBefore: number, blockedUntilBefore: number]>('DELETE FROM auth_failures WHERE window_start < ? AND blocked_until < ?'),
    };
    this.ledger = new SqliteLedger(db);
    this.users = new SqliteUsers(db, this.ledger);
    this.snapshot = new ReadSnapshot(db);
    // The file just opened and migrated: the one every later write must still be going to.
    this.watchdog = new WriteWatchdog(resolve(location), () => this.probeWrite());
    this.writes = new GroupCommit(db, WRITE_LOCK_WAIT_MS, this.snapshot.end, () => this.watchdog.assertSameFile());
  }

  writeHealth(): WriteHealth {
    return this.watchdog.health();
  }

  watchWriteHealth(onChange: (health: WriteHealth) => void): void {
    this.watchdog.watch(onChange);
  }

  /**
   * The smallest real write: re-setting user_version rewrites the header page into the WAL (an
   * empty transaction writes nothing), through the group commit like any write.
   */
  private async probeWrite(): Promise<void> {
    await this.writes.run(() => {
      const version = this.db.pragma('user_version', { simple: true }) as number;
      this.db.pragma(`user_version = ${version}`);
    });
  }

  async initialize(options: InitializeOptions): Promise<InitializeReport> {
    const s = this.statements;
    return this.write((): InitializeReport => {
        let systemCurrency = s.systemCurrency.get();
        const created = systemCurrency === undefined;
        if (systemCurrency === undefined) {
          systemCurrency = options.systemCurrency;
          s.upsertCurrency.run(systemCurrency, systemCurrency, '1', 1, 1);
        }
        if (created) this.ledger.audit.write(options.by, databaseInitialized(systemCurrency));
        const added = new Map<string, string>();
        for (const [name, value] of options.initialSettings) {
          if (s.insertSettingIfMissing.run(name, value).changes > 0) added.set(name, value);
        }
        // A new database's settings are part of its creation; on an older one they are news.
        if (!created && added.size > 0) this.ledger.audit.write(options.by, settingsWritten(added, 'settings.set'));
        const addedAdmin = s.hasAdmin.get() === undefined && this.insertAdmin(systemCurrency, options.adminUniquehash, options.by);
        return { created, systemCurrency, addedSettings: [...added.keys()], addedAdmin };
      });
  }

  /** Adds the `admin` account unless a plain user already holds that name: id 0, as Kolmisoft's, when it is free. */
  private insertAdmin(currency: string, uniquehash: string, by: Actor): boolean {
    if (this.statements.userByKey.get('admin') !== undefined) return false;
    const id = this.statements.idTaken.get(0) === undefined ? 0 : undefined;
    const admin = { username: 'admin', currency, balance: 0n, uniquehash, role: 'admin' } as const;
    const inserted = this.ledger.insertUser(admin, by, '', id);
    this.ledger.audit.write(by, userAdded({ ...admin, id: Number(inserted) }));
    return true;
  }

  async systemCurrency(): Promise<string | undefined> {
    return this.statements.systemCurrency.get();
  }

  async readApiConfig(): Promise<ApiConfigRows> {
    // One read transaction, so the version matches the rows read with it.
    return this.db.transaction(() => ({
      version: this.configVersionNow(),
      settings: this.readSettingsNow(),
      currencies: this.listCurrenciesNow(),
    }))();
  }

  async configVersion(): Promise<number> {
    return this.configVersionNow();
  }

  private configVersionNow(): number {
    // Migration 1 inserts the one row, and nothing deletes it.
    return this.statements.configVersion.get()!;
  }

  async findBalanceView(usernameKey: string): Promise<BalanceView | undefined> {
    return toBalanceView(this.snapshot.read(() => this.statements.balanceView.get(usernameKey)));
  }

  async findBalanceViewByUniquehash(uniquehash: string): Promise<BalanceView | undefined> {
    return toBalanceView(this.snapshot.read(() => this.statements.balanceViewByUniquehash.get(uniquehash)));
  }

  async readSettings(): Promise<ReadonlyMap<string, string>> {
    return this.readSettingsNow();
  }

  private readSettingsNow(): Map<string, string> {
    const rows = this.statements.settings.all();
    return new Map(rows.map((row) => [row.name, row.value]));
  }

  async writeSettings(values: ReadonlyMap<string, string>, by: Actor, action: 'settings.set' | 'settings.rotate_key' = 'settings.set'): Promise<void> {
    if (values.size === 0) return;
    await this.write(() => {
      for (const [name, stored] of values) this.statements.upsertSetting.run(name, stored);
      this.ledger.audit.write(by, settingsWritten(values, action));
    });
  }

  async listCurrencies(): Promise<readonly Currency[]> {
    return this.listCurrenciesNow();
  }

  private listCurrenciesNow(): Currency[] {
    return this.statements.currencies.all().map(toCurrency);
  }

  async saveCurrency(change: CurrencyChange, by: Actor): Promise<Currency> {
    const s = this.statements;
    return this.write(() => {
        const row = s.currencyByCode.get(change.code);
        const next = applyCurrencyChange(row && toCurrency(row), change);
        const rate = formatRate(next.rate);
        s.upsertCurrency.run(next.code, next.name, rate, next.active ? 1 : 0, next.isSystem ? 1 : 0);
        if (rate !== row?.rate) s.insertRateChange.run(next.code, row?.rate ?? null, rate, by.source, storedActorName(by), by.requestId ?? null);
        this.ledger.audit.write(by, currencySaved(next, row?.rate));
        return next;
      });
  }

  async updateRate(code: string, rate: Decimal, by: Actor, authorization?: RequestAuthorization): Promise<'updated' | 'not_found' | 'hash_reused'> {
    const s = this.statements;
    return this.write(() => {
        if (authorization !== undefined && !this.ledger.claimHash(authorization)) return 'hash_reused';
        const row = s.currencyByCode.get(code);
        if (row === undefined || row.is_system === 1) return 'not_found';
        const text = formatRate(rate);
        s.setRate.run(text, code);
        s.insertRateChange.run(code, row.rate, text, by.source, storedActorName(by), by.requestId ?? null);
        this.ledger.audit.write(by, rateUpdated(code, row.rate, rate));
        return 'updated';
      });
  }

  async rateHistory(code: string): Promise<readonly RateChange[]> {
    return this.statements.rateHistory.all(code).map(toRateChange);
  }

  async addUser(user: NewUser, by: Actor, comment = 'opening balance'): Promise<UserRecord> {
    return this.write(() => {
        this.users.requireCurrency(user.currency);
        if (this.statements.userByKey.get(usernameKey(user.username)) !== undefined) {
          throw new TallyError('already_exists', `a user named ${user.username} already exists (usernames ignore letter case)`);
        }
        // The row was just inserted in this transaction.
        const added = toUser(this.statements.userById.get(this.ledger.insertUser(user, by, comment))!);
        this.ledger.audit.write(by, userAdded(added));
        return added;
      });
  }

  async updateUser(ref: UserRef, change: UserChange, by: Actor): Promise<UserRecord> {
    return this.write(() => this.users.update(ref, change, by));
  }

  async findUser(ref: UserRef): Promise<UserRecord | undefined> {
    return this.users.find(ref);
  }

  async searchUsers(search: UserSearch): Promise<readonly UserRecord[]> {
    return this.users.search(search);
  }

  async takenUsers(usernameKeys: readonly string[], ids: readonly number[], uniquehashes: readonly string[] = []): Promise<TakenUsers> {
    return this.ledger.takenUsers(usernameKeys, ids, uniquehashes);
  }

  async *listUsers(): AsyncIterable<UserRecord> {
    // Keyset pages rather than one open cursor: the connection stays free for other calls.
    // From -1: the admin of a database made by this Tally has id 0.
    for (let after = -1n; ; ) {
      const rows = this.statements.usersPage.all(after);
      for (const row of rows) yield toUser(row);
      if (rows.length < LIST_PAGE) return;
      after = rows.at(-1)!.id;
    }
  }

  async claimRequestHash(authorization: RequestAuthorization): Promise<boolean> {
    return this.write(() => this.ledger.claimHash(authorization));
  }

  async applyBalanceChange(change: BalanceChange): Promise<BalanceChangeResult> {
    return this.write(() => this.ledger.applyChange(change));
  }

  /** Runs `work` as one write transaction, committed together with the writes beside it. */
  private write<T>(work: () => T): Promise<T> {
    const reason = this.watchdog.health();
    if (reason !== undefined) return Promise.reject(new NotWritableError(reason));
    return this.writes.run(work).catch((error: unknown) => {
      this.watchdog.noteWriteError(error);
      throw error;
    });
  }

  /** A write that could not last is refused before it touches the database. */
  private refuseUnlessWritable(): void {
    const reason = this.watchdog.health();
    if (reason !== undefined) throw new NotWritableError(reason);
  }

  async ledgerEntries(userId: number, limit: number): Promise<readonly LedgerEntry[]> {
    return this.ledger.entries(userId, limit);
  }

  async auditEntries(limit: number, beforeId?: number): Promise<readonly AuditEntry[]> {
    return this.ledger.audit.entries(limit, beforeId);
  }

  async verifyLedger(): Promise<LedgerReport> {
    return this.ledger.verify();
  }

  async usernameCollisions(): Promise<readonly UsernameCollision[]> {
    return this.db.transaction(() => planRepairs(this.db).collisions)();
  }

  async importUsers(rows: AsyncIterable<ImportRow>, options: ImportOptions): Promise<number> {
    return this.onOwnConnection((db) => new SqliteLedger(db).importUsers(rows, options));
  }

  /**
   * Bulk writes await their input between rows, so they hold their transaction on a connection
   * of their own: a call made meanwhile on this store never joins (or is rolled back with) it.
   */
  private async onOwnConnection<T>(work: (db: Database.Database) => Promise<T>): Promise<T> {
    this.refuseUnlessWritable();
    // Opened by path: a new file there would be another database, not this one.
    this.watchdog.assertSameFile();
    const db = new Database(this.location, { fileMustExist: true });
    try {
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = FULL');
      db.pragma(`cache_size = ${BULK_CACHE_SIZE}`);
      return await work(db);
    } catch (error) {
      this.watchdog.noteWriteError(error);
      throw error;
    } finally {
      db.close();
    }
  }

  async summary(): Promise<DatabaseSummary> {
    return summarize(this.db);
  }

  exportTables(): AsyncIterable<TableBatch> {
    return exportTables(this.db);
  }

  async importTables(batches: AsyncIterable<TableBatch>, onRows?: (table: CopiedTable, count: number) => void): Promise<void> {
    return this.onOwnConnection((db) => importTables(db, batches, onRows));
  }

  async recordAuthFailure(address: string, rule: ThrottleRule, nowMs: number): Promise<AuthFailureCount> {
    const row = await this.write(
      () =>
        // An upsert's RETURNING gives its row whether it inserted or updated.
        this.statements.countAuthFailure.get({
          address,
          now: nowMs,
          limit: rule.limit,
          window: rule.windowMs,
          cooldown: rule.cooldownMs,
        })!,
    );
    return {
      failures: row.failures,
      windowStartMs: row.window_start,
      blockedUntilMs: row.blocked_until > nowMs ? row.blocked_until : undefined,
    };
  }

  async blockedClients(nowMs: number): Promise<ReadonlyMap<string, number>> {
    const rows = this.statements.blockedClients.all(nowMs);
    return new Map(rows.map((row) => [row.address, row.blocked_until]));
  }

  async throttledClients(nowMs: number): Promise<readonly ThrottledClient[]> {
    const rows = this.statements.throttledClients.all(nowMs - AUTH_FAILURE_MEMORY_MS, nowMs);
    return rows.map((row) => ({
      address: row.address,
      failures: row.failures,
      windowStartMs: row.window_start,
      blockedUntilMs: row.blocked_until > nowMs ? row.blocked_until : undefined,
    }));
  }

  async unblockClient(address: string, by: Actor): Promise<boolean> {
    return this.write(() => {
      const forgotten = this.statements.unblockClient.get(address);
      if (forgotten === undefined) return false;
      this.ledger.audit.write(by, clientUnblocked(address, forgotten.failures));
      return true;
    });
  }

  async claimNonce(nonce: string, expiresAtMs: number): Promise<boolean> {
    return this.write(() => this.statements.claimNonce.run(nonce, expiresAtMs).changes === 1);
  }

  async purgeExpired(nowMs: number): Promise<void> {
    await this.write(() => {
      this.statements.purgeNonces.run(nowMs);
      // A count older than any window, of an address no longer blocked, is forgotten.
      this.statements.purgeAuthFailures.run(nowMs - AUTH_FAILURE_MEMORY_MS, nowMs);
    });
  }

  async close(): Promise<void> {
    this.watchdog.stop();
    await this.writes.idle();
    this.snapshot.end();
    if (this.db.open) this.db.close();
  }
}

function toBalanceView(row: BalanceViewRow | undefined): BalanceView | undefined {
  if (row === undefined) return undefined;
  const { id, username, currency, balance } = row;
  return { id: Number(id), username, currency, balance };
}
