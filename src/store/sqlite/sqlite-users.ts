/** Changing and searching users on SQLite. */
import type Database from 'better-sqlite3';
import type { Actor } from '../../domain/actor.js';
import type { AuditEvent } from '../../domain/audit.js';
import {
  balanceAdjusted,
  userCurrencyChanged,
  userNameChanged,
  userRenamed,
  userRoleChanged,
  userStatusChanged,
  userWarningBalanceChanged,
  userTokenRotated,
} from '../../domain/audit-events.js';
import { TallyError } from '../../domain/errors.js';
import { userIdOfQuery, usernamePrefixRange } from '../../domain/user-search.js';
import { normalizeUsername, usernameKey } from '../../domain/usernames.js';
import type { UserChange, UserRecord, UserRef, UserRole, UserSearch, UserStatus } from '../store.js';
import { toUser, USER_COLUMNS, type UserRow } from './rows.js';
import type { SqliteLedger } from './sqlite-ledger.js';

type StatusFilter = UserStatus | 'any';

interface SearchStatements {
  all: Database.Statement<[after: number, limit: number], UserRow>;
  prefix: Database.Statement<[from: string, to: string, after: number, limit: number], UserRow>;
  readBound: Database.Statement<[after: number], bigint>;
  inIdOrder: Database.Statement<[after: number, bound: bigint, from: string, to: string, limit: number], UserRow>;
}

/**
 * A prefix range holding at least this many keys is broad: its page is read in id order, where
 * the first matches come soon, instead of sorting the whole range by id (a million keys for "u").
 */
const BROAD_RANGE = 2000;
/**
 * How many rows a broad range's page reads in id order before it takes the range from the
 * index after all: matches that only begin at high ids cost no more than they did.
 */
const ID_ORDER_READ = 20_000;
/** Above every id SQLite can store: the bound of a read in id order that runs to the end. */
const MAX_STORED_ID = 2n ** 63n - 1n;

export class SqliteUsers {
  private readonly statements;
  /** One statement per status filter: SQLite picks a partial index only for a status it can see. */
  private readonly pages = new Map<StatusFilter, SearchStatements>();

  constructor(
    db: Database.Database,
    private readonly ledger: SqliteLedger,
  ) {
    // Integer columns come back as bigint, so a balance never passes through a number.
    const prepare = <Params extends unknown[], Row = unknown>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.statements = {
      byId: prepare<[number | bigint], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`),
      byKey: prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = ?`),
      byUniquehash: prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE uniquehash = ?`),
      currencyExists: prepare<[string]>('SELECT 1 FROM currencies WHERE code = ?').pluck(),
      otherWithKey: prepare<[key: string, id: bigint]>('SELECT 1 FROM users WHERE username_key = ? AND id <> ?').pluck(),
      otherWithUniquehash: prepare<[uniquehash: string, id: bigint]>('SELECT 1 FROM users WHERE uniquehash = ? AND id <> ?').pluck(),
      rename: prepare<[username: string, key: string, id: bigint]>('UPDATE users SET username = ?, username_key = ? WHERE id = ?'),
      setCurrency: prepare<[currency: string, id: bigint]>('UPDATE users SET currency = ? WHERE id = ?'),
      setFirstName: prepare<[firstName: string, id: bigint]>('UPDATE users SET first_name = ? WHERE id = ?'),
      setLastName: prepare<[lastName: string, id: bigint]>('UPDATE users SET last_name = ? WHERE id = ?'),
      setWarningBalance: prepare<[warningBalance: bigint | null, id: bigint]>('UPDATE users SET warning_balance = ? WHERE id = ?'),
      setStatus: prepare<[status: UserStatus, id: bigint]>('UPDATE users SET status = ? WHERE id = ?'),
      setRole: prepare<[role: UserRole, id: bigint]>('UPDATE users SET role = ? WHERE id = ?'),
      setUniquehash: prepare<[uniquehash: string, id: bigint]>('UPDATE users SET uniquehash = ? WHERE id = ?'),
      // Counts no further than BROAD_RANGE keys: enough to tell a broad range from a narrow one.
      rangeSize: prepare<[from: string, to: string], bigint>(
        `SELECT count(*) FROM (SELECT 1 FROM users INDEXED BY users_balance_lookup
           WHERE username_key >= ? AND username_key < ? LIMIT ${BROAD_RANGE})`,
      ).pluck(),
    };
    for (const status of ['any', 'active', 'closed'] as const) {
      const where = status === 'any' ? '' : ` AND status = '${status}'`;
      // The rows a broad range's page reads in id order: the table's, or the few closed users' index.
      const source = status === 'closed' ? "users INDEXED BY users_closed WHERE status = 'closed' AND" : 'users WHERE';
      this.pages.set(status, {
        // The id of the ID_ORDER_READ-th row after the page's start, if there are that many.
        readBound: prepare<[after: number], bigint>(`SELECT id FROM ${source} id > ? ORDER BY id LIMIT 1 OFFSET ${ID_ORDER_READ - 1}`).pluck(),
        inIdOrder: prepare<[after: number, bound: bigint, from: string, to: string, limit: number], UserRow>(
          `SELECT ${USER_COLUMNS} FROM ${source} id > ? AND id <= ? AND username_key >= ? AND username_key < ?${where} ORDER BY id LIMIT ?`,
        ),
        all: prepare<[after: number, limit: number], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id > ?${where} ORDER BY id LIMIT ?`),
        // The range is read from the covering lookup index (it holds id and status), then only
        // the page's rows from the table.
        prefix: prepare<[from: string, to: string, after: number, limit: number], UserRow>(
          `SELECT ${USER_COLUMNS} FROM users WHERE id IN (
             SELECT id FROM users INDEXED BY users_balance_lookup
             WHERE username_key >= ? AND username_key < ? AND id > ?${where} ORDER BY id LIMIT ?)
           ORDER BY id`,
        ),
      });
    }
  }

  find(ref: UserRef): UserRecord | undefined {
    const row = 'id' in ref ? this.statements.byId.get(ref.id) : this.statements.byKey.get(ref.usernameKey);
    return row && toUser(row);
  }

  requireCurrency(code: string): void {
    if (this.statements.currencyExists.get(code) === undefined) throw new TallyError('not_found', `no currency ${code}`);
  }

  /** Applies every field that changes something, each with its audit record; inside the caller's transaction. */
  update(ref: UserRef, change: UserChange, by: Actor): UserRecord {
    const s = this.statements;
    const user = this.find(ref);
    if (user === undefined) throw new TallyError('not_found', 'id' in ref ? `no user with id ${ref.id}` : 'no such user');
    const id = BigInt(user.id);
    const events: AuditEvent[] = [];
    if (change.username !== undefined && normalizeUsername(change.username) !== user.username) {
      const name = normalizeUsername(change.username);
      const key = usernameKey(change.username);
      if (s.otherWithKey.get(key, id) !== undefined) {
        throw new TallyError('already_exists', `a user named ${name} already exists (usernames ignore letter case)`);
      }
      s.rename.run(name, key, id);
      events.push(userRenamed(user.id, user.username, name));
    }
    if (change.firstName !== undefined && change.firstName !== user.firstName) {
      s.setFirstName.run(change.firstName, id);
      events.push(userNameChanged(user.id, 'first_name', user.firstName, change.firstName));
    }
    if (change.lastName !== undefined && change.lastName !== user.lastName) {
      s.setLastName.run(change.lastName, id);
      events.push(userNameChanged(user.id, 'last_name', user.lastName, change.lastName));
    }
    if (change.currency !== undefined && change.currency !== user.currency) {
      this.requireCurrency(change.currency);
      s.setCurrency.run(change.currency, id);
      events.push(userCurrencyChanged(user.id, user.currency, change.currency));
    }
    if (change.warningBalance !== undefined && (change.warningBalance ?? undefined) !== user.warningBalance) {
      s.setWarningBalance.run(change.warningBalance, id);
      events.push(userWarningBalanceChanged(user.id, user.warningBalance, change.warningBalance ?? undefined));
    }
    if (change.balance !== undefined && change.balance !== user.balance) {
      const amount = change.balance - user.balance;
      const entry = this.ledger.append(id, amount, change.balance, by, change.comment ?? 'balance set', null);
      events.push(balanceAdjusted(user.id, amount, change.balance, entry.id));
    }
    if (change.status !== undefined && change.status !== user.status) {
      s.setStatus.run(change.status, id);
      events.push(userStatusChanged(user.id, change.status));
    }
    if (change.role !== undefined && change.role !== user.role) {
      s.setRole.run(change.role, id);
      events.push(userRoleChanged(user.id, user.role, change.role));
    }
    if (change.uniquehash !== undefined && change.uniquehash !== user.uniquehash) {
      if (s.otherWithUniquehash.get(change.uniquehash, id) !== undefined) throw new TallyError('already_exists', 'that uniquehash is already in use');
      s.setUniquehash.run(change.uniquehash, id);
      events.push(userTokenRotated(user.id));
    }
    this.ledger.audit.write(by, ...events);
    // The user was found above, and users are never deleted.
    return toUser(s.byId.get(id)!);
  }

  /** One page: the prefix range, the exact id and the exact token, merged in id order. */
  search({ query, status, afterId, limit }: UserSearch): UserRecord[] {
    const page = this.pages.get(status ?? 'any')!;
    const after = afterId ?? -1;
    if (query === undefined || query === '') return page.all.all(after, limit).map(toUser);
    const range = usernamePrefixRange(query);
    const found = new Map<number, UserRecord>();
    const rows = range.to === undefined ? [] : this.prefixPage(page, range.from, range.to, after, limit);
    for (const row of rows) found.set(Number(row.id), toUser(row));
    const id = userIdOfQuery(query);
    const exact = [id === undefined ? undefined : this.statements.byId.get(id), this.statements.byUniquehash.get(query)];
    for (const row of exact) {
      if (row === undefined || Number(row.id) <= after || (status !== undefined && row.status !== status)) continue;
      found.set(Number(row.id), toUser(row));
    }
    return [...found.values()].sort((a, b) => a.id - b.id).slice(0, limit);
  }

  /** The first `limit` users after `after` whose key is in [from, to), in id order. */
  private prefixPage(page: SearchStatements, from: string, to: string, after: number, limit: number): UserRow[] {
    if (this.statements.rangeSize.get(from, to)! >= BigInt(BROAD_RANGE)) {
      const bound = page.readBound.get(after);
      const rows = page.inIdOrder.all(after, bound ?? MAX_STORED_ID, from, to, limit);
      // A full page, or every row after `after` read: the same rows the range would give.
      if (rows.length >= limit || bound === undefined) return rows;
    }
    return page.prefix.all(from, to, after, limit);
  }
}
