/** Finding, changing and searching users on PostgreSQL. */
import type pg from 'pg';
import { storedActorName, type Actor } from '../../domain/actor.js';
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
import type { UserChange, UserRecord, UserRef, UserSearch } from '../store.js';
import { isUniqueViolation, NUL, type Queryable } from './connection.js';
import { writeAudit } from './postgres-audit.js';
import { afterBalanceChange } from './postgres-events.js';
import { moneyParameter, toUser, USER_COLUMNS, type UserRow } from './rows.js';

export async function findUserOn(db: Queryable, ref: UserRef, lock = ''): Promise<UserRecord | undefined> {
  if ('usernameKey' in ref && ref.usernameKey.includes(NUL)) return undefined;
  const result =
    'id' in ref
      ? await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1 ${lock}`, [ref.id])
      : await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username_key = $1 ${lock}`, [ref.usernameKey]);
  const row = result.rows[0];
  return row && toUser(row);
}

export async function requireCurrency(db: Queryable, code: string): Promise<void> {
  const found = await db.query('SELECT 1 FROM currencies WHERE code = $1', [code]);
  if (found.rowCount === 0) throw new TallyError('not_found', `no currency ${code}`);
}

/** Applies every field that changes something, each with its audit record, inside the caller's transaction. */
export async function updateUser(client: pg.PoolClient, ref: UserRef, change: UserChange, by: Actor): Promise<UserRecord> {
  const user = await findUserOn(client, ref, 'FOR UPDATE');
  if (user === undefined) throw new TallyError('not_found', 'id' in ref ? `no user with id ${ref.id}` : 'no such user');
  const events: AuditEvent[] = [];
  if (change.username !== undefined && normalizeUsername(change.username) !== user.username) {
    const name = normalizeUsername(change.username);
    try {
      await client.query('UPDATE users SET username = $2, username_key = $3 WHERE id = $1', [user.id, name, usernameKey(change.username)]);
    } catch (error) {
      if (isUniqueViolation(error, 'users_username_key_key')) {
        throw new TallyError('already_exists', `a user named ${name} already exists (usernames ignore letter case)`);
      }
      throw error;
    }
    events.push(userRenamed(user.id, user.username, name));
  }
  if (change.firstName !== undefined && change.firstName !== user.firstName) {
    await client.query('UPDATE users SET first_name = $2 WHERE id = $1', [user.id, change.firstName]);
    events.push(userNameChanged(user.id, 'first_name', user.firstName, change.firstName));
  }
  if (change.lastName !== undefined && change.lastName !== user.lastName) {
    await client.query('UPDATE users SET last_name = $2 WHERE id = $1', [user.id, change.lastName]);
    events.push(userNameChanged(user.id, 'last_name', user.lastName, change.lastName));
  }
  if (change.currency !== undefined && change.currency !== user.currency) {
    await requireCurrency(client, change.currency);
    await client.query('UPDATE users SET currency = $2 WHERE id = $1', [user.id, change.currency]);
    events.push(userCurrencyChanged(user.id, user.currency, change.currency));
  }
  if (change.warningBalance !== undefined && (change.warningBalance ?? undefined) !== user.warningBalance) {
    const stored = change.warningBalance === null ? null : moneyParameter(change.warningBalance);
    await client.query('UPDATE users SET warning_balance = $2 WHERE id = $1', [user.id, stored]);
    events.push(userWarningBalanceChanged(user.id, user.warningBalance, change.warningBalance ?? undefined));
  }
  if (change.balance !== undefined && change.balance !== user.balance) {
    const amount = change.balance - user.balance;
    const after = moneyParameter(change.balance);
    await client.query('UPDATE users SET balance = $2 WHERE id = $1', [user.id, after]);
    const entry = await client.query<{ id: string }>(
      `INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, actor, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [user.id, moneyParameter(amount), after, by.source, change.comment ?? 'balance set', storedActorName(by), by.requestId ?? null],
    );
    await afterBalanceChange(client, user.id, user.balance, change.balance);
    events.push(balanceAdjusted(user.id, amount, change.balance, Number(entry.rows[0]!.id)));
  }
  if (change.status !== undefined && change.status !== user.status) {
    await client.query('UPDATE users SET status = $2 WHERE id = $1', [user.id, change.status]);
    events.push(userStatusChanged(user.id, change.status));
  }
  if (change.role !== undefined && change.role !== user.role) {
    await client.query('UPDATE users SET role = $2 WHERE id = $1', [user.id, change.role]);
    events.push(userRoleChanged(user.id, user.role, change.role));
  }
  if (change.uniquehash !== undefined && change.uniquehash !== user.uniquehash) {
    try {
      await client.query('UPDATE users SET uniquehash = $2 WHERE id = $1', [user.id, change.uniquehash]);
    } catch (error) {
      if (isUniqueViolation(error, 'users_uniquehash_key')) throw new TallyError('already_exists', 'that uniquehash is already in use');
      throw error;
    }
    events.push(userTokenRotated(user.id));
  }
  await writeAudit(client, by, ...events);
  return (await findUserOn(client, { id: user.id }))!;
}

/** Up to this many users sharing a prefix, their ids are read from the prefix index and sorted. */
const NARROW_PREFIX_ROWS = 5000;

/** One page: the prefix range, the exact id and the exact token, merged in id order. */
export async function searchUsers(db: Queryable, { query, status, afterId, limit }: UserSearch): Promise<UserRecord[]> {
  // A status the planner can see picks the partial index of closed users.
  const where = status === undefined ? '' : ` AND status = '${status === 'closed' ? 'closed' : 'active'}'`;
  const after = afterId ?? -1;
  if (query === undefined || query === '') {
    const page = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id > $1${where} ORDER BY id LIMIT $2`, [after, limit]);
    return page.rows.map(toUser);
  }
  if (query.includes(NUL)) return [];
  const range = usernamePrefixRange(query);
  const found = new Map<number, UserRecord>();
  if (range.to !== undefined) {
    // PostgreSQL's planner guesses a prefix's share of the users and often walks the id order
    // for a narrow one, reading a whole range of ids to find a few names. A cheap count on the
    // prefix index (it holds id and status) tells the two apart, as SQLite's plan does: a narrow
    // prefix's ids are read from that index and sorted, a broad one walks the id order and
    // stops at the page.
    const probe = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM users WHERE username_key COLLATE "C" >= $1 AND username_key COLLATE "C" < $2 LIMIT ${NARROW_PREFIX_ROWS + 1}) AS hits`,
      [range.from, range.to],
    );
    const narrow = (probe.rows[0]?.n ?? 0) <= NARROW_PREFIX_ROWS;
    const page = await db.query<UserRow>(
      narrow
        ? `WITH hits AS MATERIALIZED (
             SELECT id FROM users WHERE username_key COLLATE "C" >= $1 AND username_key COLLATE "C" < $2 AND id > $3${where})
           SELECT ${USER_COLUMNS} FROM users WHERE id IN (SELECT id FROM hits ORDER BY id LIMIT $4) ORDER BY id`
        : `SELECT ${USER_COLUMNS} FROM users WHERE id IN (
             SELECT id FROM users
             WHERE username_key COLLATE "C" >= $1 AND username_key COLLATE "C" < $2 AND id > $3${where} ORDER BY id LIMIT $4)
           ORDER BY id`,
      [range.from, range.to, after, limit],
    );
    for (const row of page.rows) found.set(Number(row.id), toUser(row));
  }
  const id = userIdOfQuery(query);
  const exact = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE (id = $1 OR uniquehash = $2) AND id > $3${where}`, [id ?? null, query, after]);
  for (const row of exact.rows) found.set(Number(row.id), toUser(row));
  return [...found.values()].sort((a, b) => a.id - b.id).slice(0, limit);
}
