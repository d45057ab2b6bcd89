/** The embedded backend: one SQLite file through better-sqlite3, in WAL mode. */
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Actor } from '../../domain/actor.js';
import type { AuditEntry } from '../../domain/audit.js';
import { databaseInitialized, settingsWritten, userAdded } from '../../domain/audit-events.js';
import type { BalanceView } from '../../domain/balance.js';
import type { Currency } from '../../domain/currency.js';
import type { CurrencyChange } from '../../domain/currency-change.js';
import { TallyError } from '../../domain/errors.js';
import type { LedgerEntry, LedgerReport, RateChange } from '../../domain/ledger.js';
import type { RequestAuthorization } from '../../domain/hash.js';
import type { Decimal } from '../../domain/money.js';
import type { OperatorRole } from '../../domain/operators.js';
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
  PaymentListing,
  PaymentQuery,
  Store,
  TakenUsers,
  ThrottledClient,
  ThrottleRule,
  UserChange,
  UserRecord,
  UserRef,
  UserSearch,
  WriteHealth,
  NewOperator,
  OperatorRecord,
  AuditQuery,
  DatabaseStatistics,
  LedgerListing,
  LedgerQuery,
  LedgerSelection,
  LedgerTotals,
  SessionRecord,
  StoredReply,
  NewWebhookEndpoint,
  DueDelivery,
  DeliveryAttempt,
  WebhookEndpointRecord,
} from '../store.js';
import { NotWritableError } from '../store.js';
import { SqliteBalanceReads } from './balance-reads.js';
import { configureBulkConnection, openConnection, type SqliteStoreOptions } from './connection.js';
import { GroupCommit } from './write-transactions.js';
import { SqliteConfig } from './sqlite-config.js';
import { exportTables, importTables, summarize } from './sqlite-copy.js';
import { SqliteLedger } from './sqlite-ledger.js';
import { SqliteListings } from './sqlite-listings.js';
import { SqlitePayments } from './sqlite-payments.js';
import { SqliteOperators } from './sqlite-operators.js';
import { SqliteWebhooks } from './sqlite-webhooks.js';
import { SqliteDeliveries } from './sqlite-deliveries.js';
import { SqliteReplies } from './sqlite-replies.js';
import { SqliteSessions } from './sqlite-sessions.js';
import { SqliteThrottle } from './sqlite-throttle.js';
import { SqliteUsers } from './sqlite-users.js';
import { planRepairs } from './username-repair.js';
import { WriteWatchdog } from './write-health.js';
import { toUser, USER_COLUMNS, type UserRow } from './rows.js';

export type { SqliteStoreOptions } from './connection.js';

/** Opens (creating if allowed) and migrates the database file at `path`. */
export function openSqliteStore(path: string, options: SqliteStoreOptions): Store {
  const db = openConnection(path, options);
  try {
    return new SqliteStore(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
}

const LIST_PAGE = 1000;
/** How long a write waits for another process's write lock before it fails. */
const WRITE_LOCK_WAIT_MS = 5000;

class SqliteStore implements Store {
  private readonly statements;
  private readonly ledger: SqliteLedger;
  private readonly users: SqliteUsers;
  private readonly writes: GroupCommit;
  private readonly config: SqliteConfig;
  private readonly throttle: SqliteThrottle;
  private readonly operators: SqliteOperators;
  private readonly webhooks: SqliteWebhooks;
  private readonly deliveries: SqliteDeliveries;
  private readonly sessions: SqliteSessions;
  private readonly replies: SqliteReplies;
  private readonly listings: SqliteListings;
  private readonly payments: SqlitePayments;
  private readonly balanceReads: SqliteBalanceReads;
  private readonly watchdog: WriteWatchdog;

  constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    // Integer columns come back as bigint, so a balance never passes through a number.
    const prepare = <Params extends unknown[], Row = unknown>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.statements = {
      userByKey: prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = ?`),
      userById: prepare<[number | bigint], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
      usersPage: prepare<[bigint], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id > ? ORDER BY id LIMIT ${LIST_PAGE}`),
      hasAdmin: prepare<[]>("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1"),
      idTaken: prepare<[number]>('SELECT 1 FROM users WHERE id = ?'),
    };
    this.ledger = new SqliteLedger(db);
    this.users = new SqliteUsers(db, this.ledger);
    this.config = new SqliteConfig(db, this.ledger.audit);
    this.throttle = new SqliteThrottle(db, this.ledger.audit);
    this.operators = new SqliteOperators(db, this.ledger.audit);
    this.webhooks = new SqliteWebhooks(db, this.ledger.audit);
    this.deliveries = new SqliteDeliveries(db);
    this.sessions = new SqliteSessions(db, this.operators);
    this.replies = new SqliteReplies(db);
    this.listings = new SqliteListings(db);
    this.payments = new SqlitePayments(db);
    this.balanceReads = new SqliteBalanceReads(db);
    // The file just opened and migrated: the one every later write must still be going to.
    this.watchdog = new WriteWatchdog(resolve(location), () => this.probeWrite());
    this.writes = new GroupCommit(db, WRITE_LOCK_WAIT_MS, this.balanceReads.end, () => this.watchdog.assertSameFile());
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
        let systemCurrency = this.config.systemCurrency();
        const created = systemCurrency === undefined;
        if (systemCurrency === undefined) {
          systemCurrency = options.systemCurrency;
          this.config.insertSystemCurrency(systemCurrency);
        }
        if (created) this.ledger.audit.write(options.by, databaseInitialized(systemCurrency));
        const added = new Map<string, string>();
        for (const [name, value] of options.initialSettings) {
          if (this.config.insertSettingIfMissing(name, value)) added.set(name, value);
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
    return this.config.systemCurrency();
  }

  async readApiConfig(): Promise<ApiConfigRows> {
    return this.config.readApiConfig();
  }

  async configVersion(): Promise<number> {
    return this.config.configVersion();
  }

  async findBalanceView(usernameKey: string): Promise<BalanceView | undefined> {
    return this.balanceReads.find(usernameKey);
  }

  async findBalanceViewByUniquehash(uniquehash: string): Promise<BalanceView | undefined> {
    return this.balanceReads.findByUniquehash(uniquehash);
  }

  async readSettings(): Promise<ReadonlyMap<string, string>> {
    return this.config.readSettings();
  }

  async writeSettings(values: ReadonlyMap<string, string>, by: Actor, action: 'settings.set' | 'settings.rotate_key' = 'settings.set'): Promise<void> {
    if (values.size === 0) return;
    await this.write(() => {
      this.config.writeSettings(values, by, action);
      this.ledger.events.settingsChanged(values.keys());
    });
  }

  async listCurrencies(): Promise<readonly Currency[]> {
    return this.config.listCurrencies();
  }

  async addOperator(operator: NewOperator, by: Actor): Promise<OperatorRecord> {
    return this.write(() => this.operators.add(operator, by));
  }

  async addWebhookEndpoint(endpoint: NewWebhookEndpoint, by: Actor): Promise<WebhookEndpointRecord> {
    return this.write(() => this.webhooks.add(endpoint, by));
  }

  async listWebhookEndpoints(): Promise<readonly WebhookEndpointRecord[]> {
    return this.webhooks.list();
  }

  async removeWebhookEndpoint(id: number, by: Actor): Promise<'removed' | 'not_found'> {
    return this.write(() => this.webhooks.remove(id, by));
  }

  async rotateWebhookSecret(id: number, secret: string, previousUntil: string, by: Actor): Promise<'rotated' | 'not_found'> {
    return this.write(() => this.webhooks.rotate(id, secret, previousUntil, by));
  }

  async claimWebhookDeliveries(leaseMs: number, limit: number): Promise<readonly DueDelivery[]> {
    if (!this.deliveries.anyDue()) return [];
    return this.write(() => this.deliveries.claim(leaseMs, limit));
  }

  async renewWebhookLease(eventId: number, endpointId: number, leaseMs: number): Promise<void> {
    return this.write(() => this.deliveries.renew(eventId, endpointId, leaseMs));
  }

  async recordWebhookAttempt(attempt: DeliveryAttempt): Promise<void> {
    return this.write(() => this.deliveries.record(attempt));
  }

  async listOperators(): Promise<readonly OperatorRecord[]> {
    return this.operators.list();
  }

  async findOperator(username: string): Promise<OperatorRecord | undefined> {
    return this.operators.find(username);
  }

  async findOperatorByToken(digest: string): Promise<OperatorRecord | undefined> {
    return this.operators.findByToken(digest);
  }

  async removeOperator(username: string, by: Actor): Promise<'removed' | 'not_found' | 'last_owner'> {
    return this.write(() => this.operators.remove(username, by));
  }

  async setOperatorRole(username: string, role: OperatorRole, by: Actor): Promise<OperatorRecord | 'not_found' | 'last_owner'> {
    return this.write(() => this.operators.setRole(username, role, by));
  }

  async setOperatorPassword(username: string, passwordHash: string, by: Actor): Promise<'changed' | 'not_found'> {
    return this.write(() => this.operators.setPassword(username, passwordHash, by));
  }

  async addOperatorToken(username: string, token: { readonly label: string; readonly digest: string }, by: Actor): Promise<'added' | 'not_found' | 'label_taken'> {
    return this.write(() => this.operators.addToken(username, token, by));
  }

  async revokeOperatorToken(username: string, label: string, by: Actor): Promise<'revoked' | 'not_found'> {
    return this.write(() => this.operators.revokeToken(username, label, by));
  }

  async createSession(operatorId: number, digest: string, nowMs: number): Promise<void> {
    await this.write(() => this.sessions.create(operatorId, digest, nowMs));
  }

  async findSession(digest: string): Promise<SessionRecord | undefined> {
    return this.sessions.find(digest);
  }

  async touchSession(digest: string, nowMs: number): Promise<void> {
    await this.write(() => this.sessions.touch(digest, nowMs));
  }

  async deleteSession(digest: string): Promise<void> {
    await this.write(() => this.sessions.remove(digest));
  }

  async purgeSessions(createdBeforeMs: number, seenBeforeMs: number): Promise<void> {
    await this.write(() => this.sessions.purge(createdBeforeMs, seenBeforeMs));
  }

  async findReply(key: string): Promise<StoredReply | undefined> {
    return this.replies.find(key);
  }

  async saveReply(key: string, reply: StoredReply): Promise<StoredReply> {
    return this.write(() => this.replies.save(key, reply));
  }

  async ledgerKeyTaken(key: string): Promise<boolean> {
    return this.replies.keyTaken(key);
  }

  async saveCurrency(change: CurrencyChange, by: Actor): Promise<Currency> {
    return this.write(() => this.config.saveCurrency(change, by));
  }

  async updateRate(code: string, rate: Decimal, by: Actor, authorization?: RequestAuthorization): Promise<'updated' | 'not_found' | 'hash_reused'> {
    return this.write(() => {
      if (authorization !== undefined && !this.ledger.claimHash(authorization)) return 'hash_reused';
      return this.config.updateRate(code, rate, by);
    });
  }

  async rateHistory(code: string): Promise<readonly RateChange[]> {
    return this.config.rateHistory(code);
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

  async listPayments(query: PaymentQuery): Promise<readonly PaymentListing[]> {
    return this.payments.list(query);
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

  async ledgerPage(query: LedgerQuery): Promise<readonly LedgerListing[]> {
    return this.listings.ledgerPage(query);
  }

  ledgerStream(query: LedgerSelection): AsyncIterable<LedgerListing> {
    return this.listings.ledgerStream(query);
  }

  async ledgerSummary(query: LedgerSelection): Promise<LedgerTotals> {
    return this.listings.ledgerSummary(query);
  }

  async auditPage(query: AuditQuery): Promise<readonly AuditEntry[]> {
    return this.listings.auditPage(query);
  }

  async statistics(): Promise<DatabaseStatistics> {
    return this.listings.statistics();
  }

  async verifyLedger(): Promise<LedgerReport> {
    return this.ledger.verify();
  }

  async usernameCollisions(): Promise<readonly UsernameCollision[]> {
    return this.db.transaction(() => planRepairs(this.db).collisions)();
  }

  async importUsers(rows: AsyncIterable<ImportRow>, options: ImportOptions): Promise<number> {
    return this.onOwnConnection((db) => {
      const ledger = new SqliteLedger(db);
      const config = new SqliteConfig(db, ledger.audit);
      const users = new SqliteUsers(db, ledger);
      const importer = { ...options.by, source: 'import' } as const;
      return ledger.importUsers(rows, options, () => {
        for (const change of options.currencies ?? []) config.saveCurrency(change, options.by);
        for (const { ref, change } of options.updates ?? []) users.update(ref, change, importer);
      });
    });
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
      configureBulkConnection(db);
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
    return this.write(() => this.throttle.recordAuthFailure(address, rule, nowMs));
  }

  async blockedClients(nowMs: number): Promise<ReadonlyMap<string, number>> {
    return this.throttle.blockedClients(nowMs);
  }

  async throttledClients(nowMs: number): Promise<readonly ThrottledClient[]> {
    return this.throttle.throttledClients(nowMs);
  }

  async unblockClient(address: string, by: Actor): Promise<boolean> {
    return this.write(() => this.throttle.unblockClient(address, by));
  }

  async claimNonce(nonce: string, expiresAtMs: number): Promise<boolean> {
    return this.write(() => this.throttle.claimNonce(nonce, expiresAtMs));
  }

  async purgeExpired(nowMs: number): Promise<void> {
    await this.write(() => this.throttle.purgeExpired(nowMs));
  }

  async close(): Promise<void> {
    this.watchdog.stop();
    await this.writes.idle();
    this.balanceReads.end();
    if (this.db.open) this.db.close();
  }
}
