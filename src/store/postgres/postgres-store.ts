/**
 * The PostgreSQL backend, for many stateless API nodes on one database. Every operation is
 * one transaction; a balance change is a guarded UPDATE (the row lock orders concurrent
 * changes, so none is lost) plus its ledger entry.
 */
import type pg from 'pg';
import { storedActorName, type Actor } from '../../domain/actor.js';
import type { AuditEntry } from '../../domain/audit.js';
import { databaseInitialized, settingsWritten, userAdded } from '../../domain/audit-events.js';
import type { BalanceView } from '../../domain/balance.js';
import type { Currency } from '../../domain/currency.js';
import type { CurrencyChange } from '../../domain/currency-change.js';
import { IdempotencyKeyTaken, TallyError } from '../../domain/errors.js';
import type { LedgerEntry, LedgerReport, RateChange } from '../../domain/ledger.js';
import type { RequestAuthorization } from '../../domain/hash.js';
import type { Decimal } from '../../domain/money.js';
import type { OperatorRole } from '../../domain/operators.js';
import { MAX_USER_ID, noUserIdLeft } from '../../domain/user-ids.js';
import { normalizeUsername, usernameKey, type UsernameCollision } from '../../domain/usernames.js';
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
import { BatchedLookup } from './balance-reads.js';
import {
  configVersion,
  insertSettingIfMissing,
  insertSystemCurrency,
  listCurrencies,
  rateHistory,
  readApiConfig,
  readSettings,
  saveCurrency,
  systemCurrency as systemCurrencyOf,
  updateRate,
  writeSettings,
} from './postgres-config.js';
import {
  addOperator,
  addOperatorToken,
  findOperator,
  findOperatorByToken,
  listOperators,
  removeOperator,
  revokeOperatorToken,
  setOperatorPassword,
  setOperatorRole,
} from './postgres-operators.js';
import { auditPage, ledgerPage, ledgerStream, ledgerSummary, statistics } from './postgres-listings.js';
import { findReply, ledgerKeyTaken, saveReply } from './postgres-replies.js';
import { createSession, deleteSession, findSession, purgeSessions, touchSession } from './postgres-sessions.js';
import { blockedClients, claimNonce, purgeExpired, recordAuthFailure, throttledClients, unblockClient } from './postgres-throttle.js';
import { exportTables, importTables, summarize } from './postgres-copy.js';
import { auditEntries, writeAudit } from './postgres-audit.js';
import { afterBalanceChange, settingsChanged } from './postgres-events.js';
import { claimDeliveries, recordAttempt } from './postgres-deliveries.js';
import { addWebhookEndpoint, listWebhookEndpoints, removeWebhookEndpoint, rotateWebhookSecret } from './postgres-webhooks.js';
import { applyBalanceChange, claimHash, importUsers, ledgerEntries, verifyLedger } from './postgres-ledger.js';
import { findUserOn, requireCurrency, searchUsers, updateUser } from './postgres-users.js';
import { planRepairs } from './username-repair.js';
import { createPool, isUniqueViolation, migrate, NUL, parsePgLocation } from './connection.js';
import { inTransaction } from './write-transactions.js';
import { moneyParameter, toUser, USER_COLUMNS, type UserRow } from './rows.js';
import { listPayments } from './postgres-payments.js';
import { PgWriteHealth } from './write-health.js';

export interface PostgresStoreOptions {
  readonly mustExist: boolean;
  readonly poolSize: number;
}

export async function openPostgresStore(location: string, options: PostgresStoreOptions): Promise<Store> {
  const parsed = parsePgLocation(location);
  const pool = createPool(parsed, options.poolSize);
  try {
    if (!(await migrate(pool, parsed, !options.mustExist))) {
      throw new TallyError('not_initialized', `no Tally database at ${parsed.display}`);
    }
    return new PostgresStore(pool, parsed.display);
  } catch (error) {
    await pool.end();
    throw error;
  }
}

const INIT_LOCK = 4_242_002;
const LIST_PAGE = 1000;


class PostgresStore implements Store {
  /** The hot path: look-ups of one turn of the event loop share a query. */
  private readonly balanceViews: BatchedLookup;
  private readonly balanceViewsByToken: BatchedLookup;
  private readonly health: PgWriteHealth;

  constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {
    this.balanceViews = new BatchedLookup(pool, 'username_key');
    this.balanceViewsByToken = new BatchedLookup(pool, 'uniquehash');
    // The smallest real write: a new version of the one config_version row, its value unchanged.
    this.health = new PgWriteHealth(location, () => pool.query('UPDATE config_version SET version = version WHERE id = 1'));
  }

  async initialize(options: InitializeOptions): Promise<InitializeReport> {
    return this.write(() => inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [INIT_LOCK]);
      let systemCurrency = await systemCurrencyOf(client);
      const created = systemCurrency === undefined;
      if (systemCurrency === undefined) {
        systemCurrency = options.systemCurrency;
        await insertSystemCurrency(client, systemCurrency);
      }
      if (created) await writeAudit(client, options.by, databaseInitialized(systemCurrency));
      const added = new Map<string, string>();
      for (const [name, value] of options.initialSettings) {
        if (await insertSettingIfMissing(client, name, value)) added.set(name, value);
      }
      // A new database's settings are part of its creation; on an older one they are news.
      if (!created && added.size > 0) await writeAudit(client, options.by, settingsWritten(added, 'settings.set'));
      let addedAdmin = false;
      const admins = await client.query("SELECT 1 FROM users WHERE role = 'admin' OR username_key = 'admin' LIMIT 1");
      if (admins.rowCount === 0) {
        // Id 0, as Kolmisoft's admin, when it is free: an explicit id leaves the sequence where it is, so the next user is 1.
        const zeroTaken = (await client.query('SELECT 1 FROM users WHERE id = 0')).rowCount !== 0;
        const admin = { username: 'admin', currency: systemCurrency, balance: 0n, uniquehash: options.adminUniquehash, role: 'admin' } as const;
        const id = await this.insertUser(client, admin, options.by, '', zeroTaken ? undefined : 0);
        await writeAudit(client, options.by, userAdded({ ...admin, id }));
        addedAdmin = true;
      }
      return { created, systemCurrency, addedSettings: [...added.keys()], addedAdmin };
    }));
  }

  async systemCurrency(): Promise<string | undefined> {
    return systemCurrencyOf(this.pool);
  }

  async readApiConfig(): Promise<ApiConfigRows> {
    return readApiConfig(this.pool);
  }

  async configVersion(): Promise<number> {
    return configVersion(this.pool);
  }

  async findBalanceView(key: string): Promise<BalanceView | undefined> {
    if (key.includes(NUL)) return undefined;
    return this.balanceViews.find(key);
  }

  async findBalanceViewByUniquehash(uniquehash: string): Promise<BalanceView | undefined> {
    if (uniquehash.includes(NUL)) return undefined;
    return this.balanceViewsByToken.find(uniquehash);
  }

  async readSettings(): Promise<ReadonlyMap<string, string>> {
    return readSettings(this.pool);
  }

  async writeSettings(values: ReadonlyMap<string, string>, by: Actor, action: 'settings.set' | 'settings.rotate_key' = 'settings.set'): Promise<void> {
    if (values.size === 0) return;
    await this.write(() =>
      inTransaction(this.pool, async (client) => {
        await writeSettings(client, values, by, action);
        await settingsChanged(client, values.keys());
      }),
    );
  }

  async listCurrencies(): Promise<readonly Currency[]> {
    return listCurrencies(this.pool);
  }

  async saveCurrency(change: CurrencyChange, by: Actor): Promise<Currency> {
    return this.write(() => inTransaction(this.pool, (client) => saveCurrency(client, change, by)));
  }

  async updateRate(code: string, rate: Decimal, by: Actor, authorization?: RequestAuthorization): Promise<'updated' | 'not_found' | 'hash_reused'> {
    return this.write(() => inTransaction(this.pool, (client) => updateRate(client, code, rate, by, authorization)));
  }

  async rateHistory(code: string): Promise<readonly RateChange[]> {
    return rateHistory(this.pool, code);
  }

  async addUser(user: NewUser, by: Actor, comment = 'opening balance'): Promise<UserRecord> {
    try {
      return await this.write(() => inTransaction(this.pool, async (client) => {
        await requireCurrency(client, user.currency);
        const id = await this.insertUser(client, user, by, comment);
        const added = (await findUserOn(client, { id }))!;
        await writeAudit(client, by, userAdded(added));
        return added;
      }));
    } catch (error) {
      if (isUniqueViolation(error, 'users_username_key_key')) {
        throw new TallyError('already_exists', `a user named ${user.username} already exists (usernames ignore letter case)`);
      }
      // A concurrent entry claimed the opening entry's key first (its trigger met the primary key).
      if (user.idempotencyKey !== undefined && isUniqueViolation(error, 'idempotency_keys_pkey')) throw new IdempotencyKeyTaken(user.idempotencyKey);
      throw error;
    }
  }

  /**
   * Inserts a user (numbered by the sequence unless `explicitId` is given) and, for a non-zero
   * balance, its opening entry, inside the caller's transaction; the caller writes the audit record.
   */
  private async insertUser(client: pg.PoolClient, user: NewUser, by: Actor, comment: string, explicitId?: number): Promise<number> {
    const values = [
      normalizeUsername(user.username),
      usernameKey(user.username),
      user.currency,
      moneyParameter(user.balance),
      user.uniquehash,
      user.role,
      user.firstName ?? '',
      user.lastName ?? '',
    ];
    const inserted =
      explicitId === undefined
        ? await client.query<{ id: string }>(
            `INSERT INTO users (username, username_key, currency, balance, uniquehash, role, first_name, last_name)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
            values,
          )
        : await client.query<{ id: string }>(
            `INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, first_name, last_name)
             VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
            [...values, explicitId],
          );
    const id = inserted.rows[0]!.id;
    // Checked after the insert, inside the transaction: the sequence alone cannot know of ids
    // that older imports placed above the bound. Throwing rolls the insert back.
    if (BigInt(id) > BigInt(MAX_USER_ID)) throw noUserIdLeft();
    if (user.balance !== 0n) {
      const amount = moneyParameter(user.balance);
      const key = user.idempotencyKey ?? null;
      // Checked to say why; a concurrent claim of the key meets the trigger's primary key instead.
      if (key !== null && (await client.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key])).rowCount !== 0) throw new IdempotencyKeyTaken(key);
      // The entry's key, if any, is claimed in idempotency_keys by the table's trigger (migration 5).
      await client.query(
        'INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, idempotency_key, actor, request_id) VALUES ($1, $2, $2, $3, $4, $5, $6, $7)',
        [id, amount, by.source, comment, key, storedActorName(by), by.requestId ?? null],
      );
      await afterBalanceChange(client, id, 0n, user.balance);
    }
    return Number(id);
  }

  async updateUser(ref: UserRef, change: UserChange, by: Actor): Promise<UserRecord> {
    return this.write(() => inTransaction(this.pool, (client) => updateUser(client, ref, change, by)));
  }

  async listPayments(query: PaymentQuery): Promise<readonly PaymentListing[]> {
    return listPayments(this.pool, query);
  }

  async findUser(ref: UserRef): Promise<UserRecord | undefined> {
    return findUserOn(this.pool, ref);
  }

  async searchUsers(search: UserSearch): Promise<readonly UserRecord[]> {
    return searchUsers(this.pool, search);
  }

  async takenUsers(usernameKeys: readonly string[], ids: readonly number[], uniquehashes: readonly string[] = []): Promise<TakenUsers> {
    const keys = await this.pool.query<{ username_key: string }>('SELECT username_key FROM users WHERE username_key = ANY($1)', [usernameKeys]);
    const taken = await this.pool.query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::bigint[])', [ids]);
    const tokens =
      uniquehashes.length === 0
        ? { rows: [] }
        : await this.pool.query<{ uniquehash: string }>('SELECT uniquehash FROM users WHERE uniquehash = ANY($1)', [uniquehashes]);
    return {
      keys: new Set(keys.rows.map((row) => row.username_key)),
      ids: new Set(taken.rows.map((row) => Number(row.id))),
      uniquehashes: new Set(tokens.rows.map((row) => row.uniquehash)),
    };
  }

  async *listUsers(): AsyncIterable<UserRecord> {
    // Keyset pages: memory stays flat whatever the table's size. From -1: the admin of a database made by this Tally has id 0.
    let after = '-1';
    for (;;) {
      const page = await this.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id > $1 ORDER BY id LIMIT ${LIST_PAGE}`, [after]);
      for (const row of page.rows) yield toUser(row);
      if (page.rows.length < LIST_PAGE) return;
      after = page.rows.at(-1)!.id;
    }
  }

  async claimRequestHash(authorization: RequestAuthorization): Promise<boolean> {
    return this.write(() => inTransaction(this.pool, (client) => claimHash(client, authorization)));
  }

  async applyBalanceChange(change: BalanceChange): Promise<BalanceChangeResult> {
    return this.write(() => applyBalanceChange(this.pool, change));
  }

  async ledgerEntries(userId: number, limit: number): Promise<readonly LedgerEntry[]> {
    return ledgerEntries(this.pool, userId, limit);
  }

  async auditEntries(limit: number, beforeId?: number): Promise<readonly AuditEntry[]> {
    return auditEntries(this.pool, limit, beforeId);
  }

  async ledgerPage(query: LedgerQuery): Promise<readonly LedgerListing[]> {
    return ledgerPage(this.pool, query);
  }

  ledgerStream(query: LedgerSelection): AsyncIterable<LedgerListing> {
    return ledgerStream(this.pool, query);
  }

  async ledgerSummary(query: LedgerSelection): Promise<LedgerTotals> {
    return ledgerSummary(this.pool, query);
  }

  async auditPage(query: AuditQuery): Promise<readonly AuditEntry[]> {
    return auditPage(this.pool, query);
  }

  async statistics(): Promise<DatabaseStatistics> {
    return statistics(this.pool);
  }

  async verifyLedger(): Promise<LedgerReport> {
    return verifyLedger(this.pool);
  }

  async usernameCollisions(): Promise<readonly UsernameCollision[]> {
    return (await planRepairs(this.pool)).collisions;
  }

  async importUsers(rows: AsyncIterable<ImportRow>, options: ImportOptions): Promise<number> {
    const importer = { ...options.by, source: 'import' } as const;
    return this.write(() =>
      importUsers(this.pool, rows, options, async (client) => {
        for (const change of options.currencies ?? []) await saveCurrency(client, change, options.by);
        for (const { ref, change } of options.updates ?? []) await updateUser(client, ref, change, importer);
      }),
    );
  }

  async summary(): Promise<DatabaseSummary> {
    return summarize(this.pool);
  }

  exportTables(): AsyncIterable<TableBatch> {
    return exportTables(this.pool);
  }

  async importTables(batches: AsyncIterable<TableBatch>, onRows?: (table: CopiedTable, count: number) => void): Promise<void> {
    return this.write(() => importTables(this.pool, batches, onRows));
  }

  async recordAuthFailure(address: string, rule: ThrottleRule, nowMs: number): Promise<AuthFailureCount> {
    return this.write(() => recordAuthFailure(this.pool, address, rule, nowMs));
  }

  async blockedClients(nowMs: number): Promise<ReadonlyMap<string, number>> {
    return blockedClients(this.pool, nowMs);
  }

  async throttledClients(nowMs: number): Promise<readonly ThrottledClient[]> {
    return throttledClients(this.pool, nowMs);
  }

  async addOperator(operator: NewOperator, by: Actor): Promise<OperatorRecord> {
    return this.write(() => inTransaction(this.pool, (client) => addOperator(client, operator, by)));
  }

  async addWebhookEndpoint(endpoint: NewWebhookEndpoint, by: Actor): Promise<WebhookEndpointRecord> {
    return this.write(() => inTransaction(this.pool, (client) => addWebhookEndpoint(client, endpoint, by)));
  }

  async listWebhookEndpoints(): Promise<readonly WebhookEndpointRecord[]> {
    return listWebhookEndpoints(this.pool);
  }

  async removeWebhookEndpoint(id: number, by: Actor): Promise<'removed' | 'not_found'> {
    return this.write(() => inTransaction(this.pool, (client) => removeWebhookEndpoint(client, id, by)));
  }

  async rotateWebhookSecret(id: number, secret: string, previousUntil: string, by: Actor): Promise<'rotated' | 'not_found'> {
    return this.write(() => inTransaction(this.pool, (client) => rotateWebhookSecret(client, id, secret, previousUntil, by)));
  }

  async claimWebhookDeliveries(leaseMs: number, limit: number): Promise<readonly DueDelivery[]> {
    // A read first: a server with nothing to deliver writes nothing for it.
    const due = await this.pool.query('SELECT 1 FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now() LIMIT 1');
    if (due.rowCount === 0) return [];
    return this.write(() => claimDeliveries(this.pool, leaseMs, limit));
  }

  async renewWebhookLease(eventId: number, endpointId: number, leaseMs: number): Promise<void> {
    await this.write(() =>
      this.pool.query(
        "UPDATE webhook_deliveries SET lease_until = now() + $3 * interval '1 millisecond' WHERE event_id = $1 AND endpoint_id = $2 AND lease_until IS NOT NULL",
        [eventId, endpointId, leaseMs],
      ),
    );
  }

  async recordWebhookAttempt(attempt: DeliveryAttempt): Promise<void> {
    return this.write(() => inTransaction(this.pool, (client) => recordAttempt(client, attempt)));
  }

  async listOperators(): Promise<readonly OperatorRecord[]> {
    return listOperators(this.pool);
  }

  async findOperator(username: string): Promise<OperatorRecord | undefined> {
    return findOperator(this.pool, username);
  }

  async findOperatorByToken(digest: string): Promise<OperatorRecord | undefined> {
    return findOperatorByToken(this.pool, digest);
  }

  async removeOperator(username: string, by: Actor): Promise<'removed' | 'not_found' | 'last_owner'> {
    return this.write(() => inTransaction(this.pool, (client) => removeOperator(client, username, by)));
  }

  async setOperatorRole(username: string, role: OperatorRole, by: Actor): Promise<OperatorRecord | 'not_found' | 'last_owner'> {
    return this.write(() => inTransaction(this.pool, (client) => setOperatorRole(client, username, role, by)));
  }

  async setOperatorPassword(username: string, passwordHash: string, by: Actor): Promise<'changed' | 'not_found'> {
    return this.write(() => inTransaction(this.pool, (client) => setOperatorPassword(client, username, passwordHash, by)));
  }

  async addOperatorToken(username: string, token: { readonly label: string; readonly digest: string }, by: Actor): Promise<'added' | 'not_found' | 'label_taken'> {
    return this.write(() => inTransaction(this.pool, (client) => addOperatorToken(client, username, token, by)));
  }

  async revokeOperatorToken(username: string, label: string, by: Actor): Promise<'revoked' | 'not_found'> {
    return this.write(() => inTransaction(this.pool, (client) => revokeOperatorToken(client, username, label, by)));
  }

  async createSession(operatorId: number, digest: string, nowMs: number): Promise<void> {
    await this.write(() => createSession(this.pool, operatorId, digest, nowMs));
  }

  async findSession(digest: string): Promise<SessionRecord | undefined> {
    if (digest.includes(NUL)) return undefined;
    return findSession(this.pool, digest);
  }

  async touchSession(digest: string, nowMs: number): Promise<void> {
    if (digest.includes(NUL)) return;
    await this.write(() => touchSession(this.pool, digest, nowMs));
  }

  async deleteSession(digest: string): Promise<void> {
    if (digest.includes(NUL)) return;
    await this.write(() => deleteSession(this.pool, digest));
  }

  async purgeSessions(createdBeforeMs: number, seenBeforeMs: number): Promise<void> {
    await this.write(() => purgeSessions(this.pool, createdBeforeMs, seenBeforeMs));
  }

  async findReply(key: string): Promise<StoredReply | undefined> {
    if (key.includes(NUL)) return undefined;
    return findReply(this.pool, key);
  }

  async saveReply(key: string, reply: StoredReply): Promise<StoredReply> {
    return this.write(() => saveReply(this.pool, key, reply));
  }

  async ledgerKeyTaken(key: string): Promise<boolean> {
    if (key.includes(NUL)) return false;
    return ledgerKeyTaken(this.pool, key);
  }

  async unblockClient(address: string, by: Actor): Promise<boolean> {
    if (address.includes(NUL)) return false;
    return this.write(() => inTransaction(this.pool, (client) => unblockClient(client, address, by)));
  }

  async claimNonce(nonce: string, expiresAtMs: number): Promise<boolean> {
    if (nonce.includes(NUL)) return false;
    return this.write(() => claimNonce(this.pool, nonce, expiresAtMs));
  }

  async purgeExpired(nowMs: number): Promise<void> {
    await this.write(() => purgeExpired(this.pool, nowMs));
  }

  writeHealth(): WriteHealth {
    return this.health.health();
  }

  watchWriteHealth(onChange: (health: WriteHealth) => void): void {
    this.health.watch(onChange);
  }

  /** Runs one write operation, refused at once while writes fail; notes why one failed. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    const reason = this.health.health();
    if (reason !== undefined) throw new NotWritableError(reason);
    try {
      return await work();
    } catch (error) {
      this.health.noteWriteError(error);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.health.stop();
    await this.pool.end();
  }
}
