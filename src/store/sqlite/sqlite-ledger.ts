/**
 * Balance changes on SQLite: the stored balance and the new ledger entry are always written in
 * the same transaction. BEGIN IMMEDIATE takes the write lock before the balance is read, so
 * two processes can never both read the old balance (no lost update).
 */
import type Database from 'better-sqlite3';
import { storedActorName, type Actor } from '../../domain/actor.js';
import { balanceAdjusted, usersImported } from '../../domain/audit-events.js';
import { IdempotencyKeyTaken, TallyError } from '../../domain/errors.js';
import type { RequestAuthorization } from '../../domain/hash.js';
import type { LedgerEntry, LedgerReport, LedgerSource, PaymentDetails } from '../../domain/ledger.js';
import { formatRate, isMoneyInRange } from '../../domain/money.js';
import { importIdTooLarge, MAX_USER_ID, noUserIdLeft } from '../../domain/user-ids.js';
import { normalizeUsername, usernameKey } from '../../domain/usernames.js';
import type { BalanceChange, BalanceChangeResult, ImportOptions, ImportRow, NewUser, TakenUsers, UserRole } from '../store.js';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow, type UserRow } from './rows.js';
import { SqliteAudit } from './sqlite-audit.js';
import { SqliteEvents } from './sqlite-events.js';
import { isSameChange } from '../replays.js';

const TAKEN_BATCH = 500;

/** What a balance change needs of its user. */
type BalanceUserRow = Pick<UserRow, 'id' | 'username' | 'balance'>;
/** A claimed idempotency key and its entry: the entry's columns are NULL when entry_id is. */
type KeyedEntryRow = LedgerRow & { entry_id: bigint | null };

interface MismatchRow {
  id: bigint;
  username: string;
  balance: bigint;
  ledger_sum: bigint;
  last_after: bigint | null;
}

export class SqliteLedger {
  private readonly statements;
  /** The audit log, written in the same transactions as the ledger. */
  readonly audit: SqliteAudit;
  /** The events outbox, written in the same transactions as the ledger. */
  readonly events: SqliteEvents;

  constructor(private readonly db: Database.Database) {
    // Integer columns come back as bigint, so a balance never passes through a number.
    const prepare = <Params extends unknown[], Row = unknown>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.audit = new SqliteAudit(db);
    this.events = new SqliteEvents(db);
    this.statements = {
      // A NULL id is numbered by AUTOINCREMENT; an explicit one (the admin's 0) is kept.
      insertUser: prepare<
        [
          id: number | null,
          username: string,
          key: string,
          currency: string,
          balance: bigint,
          uniquehash: string,
          role: UserRole,
          firstName: string,
          lastName: string,
        ]
      >(
        'INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, first_name, last_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // A closed user takes no balance change: it is answered as no user at all.
      userById: prepare<[number], BalanceUserRow>("SELECT id, username, balance FROM users WHERE id = ? AND status = 'active'"),
      userByKey: prepare<[string], BalanceUserRow>("SELECT id, username, balance FROM users WHERE username_key = ? AND status = 'active'"),
      usernameById: prepare<[bigint], string>('SELECT username FROM users WHERE id = ?').pluck(),
      setBalance: prepare<[balance: bigint, id: bigint]>('UPDATE users SET balance = ? WHERE id = ?'),
      // Imports give every row the import's own time: one clock read, not a strftime per row.
      insertImportedUser: prepare<
        [
          id: number | bigint | null,
          username: string,
          key: string,
          currency: string,
          balance: bigint,
          uniquehash: string,
          role: UserRole,
          createdAt: string,
          firstName: string,
          lastName: string,
        ]
      >(
        `INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, created_at, first_name, last_name)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertImportEntry: prepare<
        [userId: number | bigint, amount: bigint, balanceAfter: bigint, comment: string, createdAt: string, actor: string, requestId: string | null]
      >(
        `INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, created_at, actor, request_id)
         VALUES (?, ?, ?, 'import', ?, ?, ?, ?)`,
      ),
      insertEntry: prepare<
        [
          userId: bigint,
          amount: bigint,
          balanceAfter: bigint,
          source: LedgerSource,
          comment: string,
          key: string | null,
          actor: string,
          requestId: string | null,
          paymentCurrency: string | null,
          paymentAmount: bigint | null,
          paymentRate: string | null,
        ],
        LedgerRow
      >(
        `INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, idempotency_key, actor, request_id,
                                     payment_currency, payment_amount, payment_rate)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${LEDGER_COLUMNS}`,
      ),
      // A key whose entry_id is NULL was used by two sources before keys were shared: refused.
      keyedEntry: prepare<[string], KeyedEntryRow>(
        `SELECT k.entry_id, ${LEDGER_COLUMNS.split(', ').map((column) => `e.${column}`).join(', ')}
         FROM idempotency_keys k LEFT JOIN ledger_entries e ON e.id = k.entry_id WHERE k.key = ?`,
      ),
      keyTaken: prepare<[string]>('SELECT 1 FROM idempotency_keys WHERE key = ?').pluck(),
      hashedRequest: prepare<[string], string>('SELECT request FROM request_hashes WHERE hash = ?').pluck(),
      insertHash: prepare<[hash: string, request: string]>('INSERT INTO request_hashes (hash, request) VALUES (?, ?)'),
      entriesOfUser: prepare<[userId: number, limit: number], LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ledger_entries WHERE user_id = ? ORDER BY id DESC LIMIT ?`),
      counts: prepare<[], { users: bigint; entries: bigint }>('SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM ledger_entries) AS entries'),
      // SQLite's bare-column rule: with max(id), balance_after comes from the newest entry.
      mismatches: prepare<[], MismatchRow>(`
        SELECT u.id, u.username, u.balance, coalesce(l.total, 0) AS ledger_sum, l.last_after
        FROM users u
        LEFT JOIN (SELECT user_id, sum(amount) AS total, max(id) AS last_id, balance_after AS last_after
                   FROM ledger_entries GROUP BY user_id) l ON l.user_id = u.id
        WHERE u.balance <> coalesce(l.total, 0) OR (l.last_after IS NOT NULL AND l.last_after <> u.balance)
        ORDER BY u.id`),
    };
  }

  /**
   * Inserts a user (numbered next unless `id` is given) and, for a non-zero balance, its opening
   * entry. Runs inside the caller's transaction; the caller writes the audit record.
   */
  insertUser(user: NewUser, by: Actor, comment: string, id?: number): bigint {
    const { lastInsertRowid } = this.statements.insertUser.run(
      id ?? null,
      normalizeUsername(user.username),
      usernameKey(user.username),
      user.currency,
      0n,
      user.uniquehash,
      user.role,
      user.firstName ?? '',
      user.lastName ?? '',
    );
    const inserted = BigInt(lastInsertRowid);
    // AUTOINCREMENT goes on past any bound; the caller's transaction undoes the insert.
    if (inserted > BigInt(MAX_USER_ID)) throw noUserIdLeft();
    if (user.balance !== 0n) {
      const key = user.idempotencyKey ?? null;
      // Checked here, not left to the claim trigger's primary key, to say why; the caller's transaction undoes the insert.
      if (key !== null && this.statements.keyTaken.get(key) !== undefined) throw new IdempotencyKeyTaken(key);
      this.append(inserted, user.balance, user.balance, by, comment, key);
    }
    return inserted;
  }

  takenUsers(usernameKeys: readonly string[], ids: readonly number[], uniquehashes: readonly string[]): TakenUsers {
    return {
      keys: this.takenIn('username_key', usernameKeys),
      ids: this.takenIn('id', ids),
      uniquehashes: this.takenIn('uniquehash', uniquehashes),
    };
  }

  /** Prepared once per column and batch size: an import asks some thousand times. */
  private readonly takenStatements = new Map<string, Database.Statement>();

  private takenIn<T extends string | number>(column: 'username_key' | 'id' | 'uniquehash', values: readonly T[]): Set<T> {
    const taken = new Set<T>();
    // Bounded batches keep each statement under SQLite's parameter limit.
    for (let start = 0; start < values.length; start += TAKEN_BATCH) {
      const batch = values.slice(start, start + TAKEN_BATCH);
      const name = `${column}:${batch.length}`;
      let statement = this.takenStatements.get(name);
      if (statement === undefined) {
        statement = this.db.prepare(`SELECT ${column} FROM users WHERE ${column} IN (${batch.map(() => '?').join(',')})`).pluck();
        this.takenStatements.set(name, statement);
      }
      for (const value of statement.all(...batch) as T[]) taken.add(value);
    }
    return taken;
  }

  /** Sets the balance and writes the entry (a payment's with its details), naming its actor. Runs inside the caller's transaction. */
  append(userId: bigint, amount: bigint, balanceAfter: bigint, by: Actor, comment: string, key: string | null, payment?: PaymentDetails): LedgerEntry {
    this.statements.setBalance.run(balanceAfter, userId);
    // A key is claimed in idempotency_keys by the table's trigger (migration 5).
    const row = this.statements.insertEntry.get(
      userId,
      amount,
      balanceAfter,
      by.source,
      comment,
      key,
      storedActorName(by),
      by.requestId ?? null,
      payment?.currency ?? null,
      payment?.amount ?? null,
      payment === undefined ? null : formatRate(payment.rate),
    );
    // The entry's balance.changed is written by the table's trigger (migration 11); balance.low here.
    this.events.afterBalanceChange(userId, balanceAfter - amount, balanceAfter);
    // RETURNING gives the row just inserted.
    return toLedgerEntry(row!);
  }

  /** One balance change; runs inside the caller's write transaction. */
  applyChange(change: BalanceChange): BalanceChangeResult {
    const s = this.statements;
    // A hash recorded for another request is answered before anything else, so it tells nothing.
    if (change.authorization !== undefined && !this.claimHash(change.authorization)) return { kind: 'hash_reused' };
    const user = 'id' in change.user ? s.userById.get(change.user.id) : s.userByKey.get(change.user.usernameKey);
    // No user is answered next, as the spec orders it (users are never deleted, so no replay is lost).
    if (user === undefined) return { kind: 'user_not_found' };
    if (change.idempotencyKey !== undefined) {
      const seen = s.keyedEntry.get(change.idempotencyKey);
      if (seen !== undefined) return this.replay(seen, change);
    }
    const balanceAfter = user.balance + change.amount;
    if (!isMoneyInRange(balanceAfter)) return { kind: 'out_of_range' };
    const entry = this.append(user.id, change.amount, balanceAfter, change.by, change.comment, change.idempotencyKey ?? null, change.payment);
    // The API's own changes are in the ledger, which names the login and the request; an
    // operator's go to the audit log too.
    if (change.by.source !== 'api') this.audit.write(change.by, balanceAdjusted(entry.userId, change.amount, balanceAfter, entry.id));
    return { kind: 'applied', entry, username: user.username };
  }

  /**
   * Records the hash for this request, whatever the write then answers (a refused request's hash
   * re-split could otherwise still pass): false when it is recorded for another request. Runs
   * inside the caller's write transaction.
   */
  claimHash(authorization: RequestAuthorization): boolean {
    const request = this.statements.hashedRequest.get(authorization.hash);
    if (request === undefined) this.statements.insertHash.run(authorization.hash, authorization.request);
    return request === undefined || request === authorization.request;
  }

  /** A key seen before: the first answer again when it is the same change, a refusal otherwise. */
  private replay(seen: KeyedEntryRow, change: BalanceChange): BalanceChangeResult {
    if (seen.entry_id === null) return { kind: 'duplicate_key' };
    const sameUser = 'id' in change.user ? BigInt(change.user.id) === seen.user_id : this.isUser(seen.user_id, change.user.usernameKey);
    const entry = toLedgerEntry(seen);
    if (!sameUser || !isSameChange(entry, change)) return { kind: 'duplicate_key' };
    return { kind: 'replayed', entry, username: this.statements.usernameById.get(seen.user_id)! };
  }

  private isUser(id: bigint, key: string): boolean {
    const row = this.statements.userByKey.get(key);
    return row?.id === id;
  }

  entries(userId: number, limit: number): LedgerEntry[] {
    return this.statements.entriesOfUser.all(userId, limit).map(toLedgerEntry);
  }

  verify(): LedgerReport {
    return this.db.transaction(() => {
      const counts = this.statements.counts.get()!;
      const rows = this.statements.mismatches.all();
      return {
        users: Number(counts.users),
        entries: Number(counts.entries),
        mismatches: rows.map((row) => ({
          id: Number(row.id),
          username: row.username,
          balance: row.balance,
          ledgerSum: row.ledger_sum,
          lastBalanceAfter: row.last_after ?? undefined,
        })),
      };
    })();
  }

  /**
   * One transaction around the whole import; the caller gives this ledger a connection of its
   * own. `first` runs inside it before the rows (the import's currencies and updates).
   */
  async importUsers(rows: AsyncIterable<ImportRow>, { comment, by, autoIdsAbove, onRow }: ImportOptions, first?: () => void): Promise<number> {
    if (autoIdsAbove !== undefined && autoIdsAbove > MAX_USER_ID) throw importIdTooLarge(undefined, autoIdsAbove + 1);
    this.db.exec('BEGIN IMMEDIATE');
    const s = this.statements;
    const now = new Date().toISOString();
    const actor = storedActorName(by);
    const requestId = by.requestId ?? null;
    let count = 0;
    try {
      first?.();
      // AUTOINCREMENT numbers new rows above sqlite_sequence: raise it past the explicit ids.
      if (autoIdsAbove !== undefined) {
        this.db.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'users'").run(autoIdsAbove);
        this.db
          .prepare("INSERT INTO sqlite_sequence (name, seq) SELECT 'users', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users')")
          .run(autoIdsAbove);
      }
      for await (const row of rows) {
        if (row.id !== undefined && row.id > MAX_USER_ID) throw importIdTooLarge(row.username, row.id);
        try {
          const user = s.insertImportedUser.run(
            row.id ?? null,
            normalizeUsername(row.username),
            usernameKey(row.username),
            row.currency,
            row.balance,
            row.uniquehash,
            row.role ?? 'user',
            now,
            row.firstName ?? '',
            row.lastName ?? '',
          );
          if (BigInt(user.lastInsertRowid) > BigInt(MAX_USER_ID)) throw importIdTooLarge(row.username, BigInt(user.lastInsertRowid));
          if (row.balance !== 0n) s.insertImportEntry.run(user.lastInsertRowid, row.balance, row.balance, comment, now, actor, requestId);
        } catch (error) {
          throw describeImportConflict(error, row);
        }
        count++;
        onRow?.();
      }
      if (count > 0) this.audit.write(by, usersImported(count));
      this.db.exec('COMMIT');
      return count;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

function describeImportConflict(error: unknown, row: ImportRow): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' && (error as Error).message.includes('users.uniquehash')) {
    return new TallyError('already_exists', `the uniquehash of user ${row.username} is already in use`);
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new TallyError('already_exists', `user ${row.username}${row.id === undefined ? '' : ` (id ${row.id})`} already exists`);
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new TallyError('not_found', `no currency ${row.currency}`);
  return error;
}
