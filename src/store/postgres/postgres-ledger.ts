/**
 * Balance changes on PostgreSQL: a guarded UPDATE (its row lock orders concurrent changes, so
 * none is lost) and the ledger entry, in one transaction; verification; bulk import.
 */
import type pg from 'pg';
import { storedActorName } from '../../domain/actor.js';
import { balanceAdjusted, usersImported } from '../../domain/audit-events.js';
import { TallyError } from '../../domain/errors.js';
import type { LedgerEntry, LedgerReport } from '../../domain/ledger.js';
import type { RequestAuthorization } from '../../domain/hash.js';
import { formatRate, isMoneyInRange, MONEY_LIMIT_UNITS } from '../../domain/money.js';
import { isSameChange } from '../replays.js';
import { importIdTooLarge, MAX_USER_ID } from '../../domain/user-ids.js';
import { normalizeUsername, usernameKey } from '../../domain/usernames.js';
import type { BalanceChange, BalanceChangeResult, ImportOptions, ImportRow } from '../store.js';
import { isUniqueViolation, named, NUL } from './connection.js';
import { inTransaction } from './write-transactions.js';
import { writeAudit } from './postgres-audit.js';
import { afterBalanceChange, noAlertChange } from './postgres-events.js';
import { LEDGER_COLUMNS, money, moneyParameter, toLedgerEntry, type LedgerRow } from './rows.js';

const IMPORT_BATCH = 1000;
// The guard of every balance change: the result stays inside what every store can hold.
const MONEY_LIMIT = MONEY_LIMIT_UNITS.toString();


/**
 * Applies one balance change and writes its entry. The common case is one statement, so one
 * round trip and one implicit transaction: the guarded UPDATE, the INSERT of its entry (whose
 * trigger claims its idempotency key) and the INSERT of the hash that authorised it commit
 * together or not at all. Anything else (a key or hash seen before, no such user, a balance out
 * of range, a closed user, a deadlock with a concurrent change) falls to `applyCarefully`, which
 * decides step by step. So does an operator's change, rare, which writes an audit record naming
 * the entry it made.
 */
export async function applyBalanceChange(pool: pg.Pool, change: BalanceChange): Promise<BalanceChangeResult> {
  if ('usernameKey' in change.user && change.user.usernameKey.includes(NUL)) return { kind: 'user_not_found' };
  if (change.by.source !== 'api') return applyCarefully(pool, change);
  const [column, value] = userColumn(change);
  const authorization = change.authorization;
  let applied: pg.QueryResult<LedgerRow & { username: string }>;
  try {
    applied = await pool.query<LedgerRow & { username: string }>(
      named(
        `apply_change_by_${column}`,
        `WITH changed AS (
           UPDATE users SET balance = balance + $2::numeric
           WHERE ${column} = $1 AND status = 'active' AND abs(balance + $2::numeric) < $3::numeric
             AND ${NO_ALERT_CHANGE}
           RETURNING id, username, balance
         ), entry AS (
           INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, idempotency_key, actor, request_id,
                                       payment_currency, payment_amount, payment_rate)
           SELECT id, $2::numeric, balance, $4, $5, $6, $9, $10, $11::text, $12::numeric, $13::numeric FROM changed
           RETURNING ${LEDGER_COLUMNS}
         ), hashed AS (
           INSERT INTO request_hashes (hash, request) SELECT $7::text, $8::text FROM entry WHERE $7::text IS NOT NULL
         )
         SELECT entry.*, changed.username FROM entry JOIN changed ON changed.id = entry.user_id`,
        [
          value,
          moneyParameter(change.amount),
          MONEY_LIMIT,
          change.by.source,
          change.comment,
          change.idempotencyKey ?? null,
          authorization?.hash ?? null,
          authorization?.request ?? null,
          storedActorName(change.by),
          change.by.requestId ?? null,
          ...paymentParameters(change),
        ],
      ),
    );
  } catch (error) {
    if (isUniqueViolation(error) || isDeadlock(error)) return applyCarefully(pool, change);
    throw error;
  }
  const row = applied.rows[0];
  if (row !== undefined) return { kind: 'applied', entry: toLedgerEntry(row), username: row.username };
  return applyCarefully(pool, change);
}

// A change that would fire balance.low or re-arm it is not applied by the fast statement.
const NO_ALERT_CHANGE = noAlertChange('balance', '(balance + $2::numeric)');

// How often the careful path starts again after losing a race for a key or a deadlock.
const CAREFUL_ATTEMPTS = 3;

function userColumn(change: BalanceChange): ['id' | 'username_key', number | string] {
  return 'id' in change.user ? ['id', change.user.id] : ['username_key', change.user.usernameKey];
}

/**
 * The same change, one decision at a time in one transaction, in the order the answers rank:
 * a reused hash, no such user, a key seen before (a replay or a refusal), a balance out of range.
 * Locks are taken in the fast statement's order (the user's row first), so the two paths cannot
 * deadlock each other on the key or the hash.
 */
async function applyCarefully(pool: pg.Pool, change: BalanceChange): Promise<BalanceChangeResult> {
  const client = await pool.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      await client.query('BEGIN');
      try {
        const result = await decide(client, change);
        // Every answer keeps the hash it claimed; only a change wrote anything else.
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (attempt < CAREFUL_ATTEMPTS && (isUniqueViolation(error) || isDeadlock(error))) continue;
        throw error;
      }
    }
  } finally {
    client.release();
  }
}

async function decide(client: pg.PoolClient, change: BalanceChange): Promise<BalanceChangeResult> {
  const [column, value] = userColumn(change);
  const authorization = change.authorization;
  const found = await client.query<{ id: string; username: string; balance: string }>(
    `SELECT id, username, balance::text FROM users WHERE ${column} = $1 AND status = 'active' FOR UPDATE`,
    [value],
  );
  const user = found.rows[0];
  // Claimed after the user's row lock, whatever the answer; waits for a concurrent claim of the same hash.
  if (authorization !== undefined && !(await claimHash(client, authorization))) return { kind: 'hash_reused' };
  if (user === undefined) return { kind: 'user_not_found' };
  if (change.idempotencyKey !== undefined) {
    const seen = await client.query<LedgerRow & { entry_id: string | null }>(
      `SELECT k.entry_id, ${LEDGER_COLUMNS.split(', ').map((column) => `e.${column}`).join(', ')}
       FROM idempotency_keys k LEFT JOIN ledger_entries e ON e.id = k.entry_id WHERE k.key = $1`,
      [change.idempotencyKey],
    );
    const row = seen.rows[0];
    if (row !== undefined) {
      const sameChange = row.entry_id !== null && row.user_id === user.id && isSameChange(toLedgerEntry(row), change);
      if (!sameChange) return { kind: 'duplicate_key' };
      // The first entry's user is this one, so its name is the one just read.
      return { kind: 'replayed', entry: toLedgerEntry(row), username: user.username };
    }
  }
  const balanceAfter = money(user.balance) + change.amount;
  if (!isMoneyInRange(balanceAfter)) return { kind: 'out_of_range' };
  await client.query('UPDATE users SET balance = $2 WHERE id = $1', [user.id, moneyParameter(balanceAfter)]);
  const inserted = await client.query<LedgerRow>(
    `INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, idempotency_key, actor, request_id,
                                 payment_currency, payment_amount, payment_rate)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${LEDGER_COLUMNS}`,
    [
      user.id,
      moneyParameter(change.amount),
      moneyParameter(balanceAfter),
      change.by.source,
      change.comment,
      change.idempotencyKey ?? null,
      storedActorName(change.by),
      change.by.requestId ?? null,
      ...paymentParameters(change),
    ],
  );
  // The entry's key, if any, is claimed in idempotency_keys by the table's trigger (migration 5).
  const entry = toLedgerEntry(inserted.rows[0]!);
  // The entry's balance.changed is written by the table's trigger (migration 11); balance.low here.
  await afterBalanceChange(client, user.id, money(user.balance), balanceAfter);
  if (change.by.source !== 'api') await writeAudit(client, change.by, balanceAdjusted(entry.userId, change.amount, balanceAfter, entry.id));
  return { kind: 'applied', entry, username: user.username };
}

/**
 * Records the hash for this request inside the caller's transaction, whatever the write then
 * answers (a refused request's hash re-split could otherwise still pass); false when it is
 * recorded for another request.
 */
export async function claimHash(client: pg.PoolClient, authorization: RequestAuthorization): Promise<boolean> {
  await client.query('INSERT INTO request_hashes (hash, request) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING', [authorization.hash, authorization.request]);
  const recorded = await client.query<{ request: string }>(named('hashed_request', 'SELECT request FROM request_hashes WHERE hash = $1', [authorization.hash]));
  return recorded.rows[0]?.request === authorization.request;
}

/** A payment's currency, amount as entered and rate, or three NULLs for any other change. */
function paymentParameters({ payment }: BalanceChange): [string | null, string | null, string | null] {
  return payment === undefined ? [null, null, null] : [payment.currency, moneyParameter(payment.amount), formatRate(payment.rate)];
}

function isDeadlock(error: unknown): boolean {
  return (error as { code?: string }).code === '40P01';
}

export async function ledgerEntries(pool: pg.Pool, userId: number, limit: number): Promise<readonly LedgerEntry[]> {
  const result = await pool.query<LedgerRow>(
    `SELECT ${LEDGER_COLUMNS} FROM ledger_entries WHERE user_id = $1 ORDER BY id DESC LIMIT $2`,
    [userId, limit],
  );
  return result.rows.map(toLedgerEntry);
}

export async function verifyLedger(pool: pg.Pool): Promise<LedgerReport> {
  const client = await pool.connect();
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

/** Adds every row as a user with an import entry, in one transaction of multi-row inserts. */
export async function importUsers(
  pool: pg.Pool,
  rows: AsyncIterable<ImportRow>,
  { comment, by, autoIdsAbove, onRow }: ImportOptions,
  first?: (client: pg.PoolClient) => Promise<void>,
): Promise<number> {
  // Before the transaction: setval is not undone by a rollback, and a sequence raised past the
  // bound would refuse every later user.
  if (autoIdsAbove !== undefined && autoIdsAbove > MAX_USER_ID) throw importIdTooLarge(undefined, autoIdsAbove + 1);
  return inTransaction(pool, async (client) => {
    const now = new Date();
    await first?.(client);
    if (autoIdsAbove !== undefined) {
      // New rows are numbered above the explicit ids (and every id in use).
      await client.query(
        "SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST($1::bigint, (SELECT coalesce(max(id), 0) FROM users)) + 1, false)",
        [autoIdsAbove],
      );
    }
    let count = 0;
    let batch: ImportRow[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await insertImportBatch(client, batch, comment, storedActorName(by), by.requestId ?? null, now);
      for (let i = 0; i < batch.length; i++) onRow?.();
      count += batch.length;
      batch = [];
    };
    for await (const row of rows) {
      if (row.id !== undefined && row.id > MAX_USER_ID) throw importIdTooLarge(row.username, row.id);
      batch.push(row);
      if (batch.length === IMPORT_BATCH) await flush();
    }
    await flush();
    // Explicit ids must not collide with the ones the sequence hands out next (from 1 when only the admin's 0 is taken).
    await client.query("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT coalesce(max(id), 0) FROM users) + 1, false)");
    if (count > 0) await writeAudit(client, by, usersImported(count));
    return count;
  });
}

/** One multi-row INSERT per table for a batch of imported users. */
async function insertImportBatch(
  client: pg.PoolClient,
  batch: readonly ImportRow[],
  comment: string,
  actor: string,
  requestId: string | null,
  now: Date,
): Promise<void> {
  try {
    const inserted = await client.query<{ id: string; username: string; balance: string }>(
      `INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, created_at, first_name, last_name)
       SELECT coalesce(id, nextval(pg_get_serial_sequence('users', 'id'))), username, username_key, currency, balance, uniquehash, role, $7, first_name, last_name
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[], $8::text[], $9::text[], $10::text[])
         AS t(id, username, username_key, currency, balance, uniquehash, role, first_name, last_name)
       RETURNING id, username, balance::text`,
      [
        batch.map((row) => row.id ?? null),
        batch.map((row) => normalizeUsername(row.username)),
        batch.map((row) => usernameKey(row.username)),
        batch.map((row) => row.currency),
        batch.map((row) => moneyParameter(row.balance)),
        batch.map((row) => row.uniquehash),
        now,
        batch.map((row) => row.role ?? 'user'),
        batch.map((row) => row.firstName ?? ''),
        batch.map((row) => row.lastName ?? ''),
      ],
    );
    // The sequence goes on past any bound; throwing rolls the whole import back.
    const beyond = inserted.rows.find((row) => BigInt(row.id) > BigInt(MAX_USER_ID));
    if (beyond !== undefined) throw importIdTooLarge(beyond.username, BigInt(beyond.id));
    const funded = inserted.rows.filter((row) => money(row.balance) !== 0n);
    await client.query(
      `INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, created_at, actor, request_id)
       SELECT id, balance, balance, 'import', $3, $4, $5, $6 FROM unnest($1::bigint[], $2::numeric[]) AS t(id, balance)`,
      [funded.map((row) => row.id), funded.map((row) => row.balance), comment, now, actor, requestId],
    );
  } catch (error) {
    if (isUniqueViolation(error, 'users_uniquehash_key')) throw new TallyError('already_exists', 'a uniquehash in the file is already in use');
    if (isUniqueViolation(error)) throw new TallyError('already_exists', 'a user in the file already exists (it was added meanwhile)');
    throw error;
  }
}

