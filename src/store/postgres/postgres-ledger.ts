/**
 * Balance changes on PostgreSQL: a guarded UPDATE (its row lock orders concurrent changes, so
 * none is lost) and the ledger entry, in one transaction; verification; bulk import.
 */
import type pg from 'pg';
import { TallyError } from '../../domain/errors.js';
import type { LedgerEntry, LedgerReport } from '../../domain/ledger.js';
import { MONEY_LIMIT_UNITS } from '../../domain/money.js';
import { importIdTooLarge, MAX_USER_ID } from '../../domain/user-ids.js';
import { normalizeUsername, usernameKey } from '../../domain/usernames.js';
import type { BalanceChange, BalanceChangeResult, ImportOptions, ImportRow } from '../store.js';
import { inTransaction, isUniqueViolation, named, NUL } from './connection.js';
import { money, moneyParameter, toLedgerEntry, type LedgerRow } from './rows.js';

const IMPORT_BATCH = 1000;
// The guard of every balance change: the result stays inside what every store can hold.
const MONEY_LIMIT = MONEY_LIMIT_UNITS.toString();


/**
 * Applies one balance change and writes its entry. The common case is one statement, so one
 * round trip and one implicit transaction: the guarded UPDATE and the INSERT of its entry
 * commit together or not at all. A key used before makes the INSERT, and so the whole
 * statement, fail on the unique index; the first entry is then looked up and replayed.
 */
export async function applyBalanceChange(pool: pg.Pool, change: BalanceChange): Promise<BalanceChangeResult> {
  if ('usernameKey' in change.user && change.user.usernameKey.includes(NUL)) return { kind: 'user_not_found' };
  const [column, value] = 'id' in change.user ? ['id', change.user.id] : ['username_key', change.user.usernameKey];
  const amount = moneyParameter(change.amount);
  let applied: pg.QueryResult<LedgerRow & { username: string }>;
  try {
    applied = await pool.query<LedgerRow & { username: string }>(
      named(
        `apply_change_by_${column}`,
        `WITH changed AS (
           UPDATE users SET balance = balance + $2::numeric
           WHERE ${column} = $1 AND abs(balance + $2::numeric) < $3::numeric
           RETURNING id, username, balance
         ), entry AS (
           INSERT INTO ledger_entries (user_id, amount, balance_after, source, comment, idempotency_key)
           SELECT id, $2::numeric, balance, $4, $5, $6 FROM changed
           RETURNING id, user_id, amount::text, balance_after::text, source, comment, idempotency_key, created_at
         )
         SELECT entry.*, changed.username FROM entry JOIN changed ON changed.id = entry.user_id`,
        [value, amount, MONEY_LIMIT, change.source, change.comment, change.idempotencyKey ?? null],
      ),
    );
  } catch (error) {
    if (change.idempotencyKey !== undefined && isUniqueViolation(error, 'ledger_entries_by_key')) {
      return (await replayOf(pool, change)) ?? { kind: 'duplicate_key' };
    }
    throw error;
  }
  const row = applied.rows[0];
  if (row !== undefined) return { kind: 'applied', entry: toLedgerEntry(row), username: row.username };
  // Nothing changed: no such user (answered first, as the spec orders it), or out of range. A
  // retry of a change that was applied is still a replay, even if the amount would now leave
  // the allowed range.
  const exists = await pool.query(`SELECT 1 FROM users WHERE ${column} = $1`, [value]);
  if (exists.rowCount === 0) return { kind: 'user_not_found' };
  const replay = change.idempotencyKey === undefined ? undefined : await replayOf(pool, change);
  return replay ?? { kind: 'out_of_range' };
}

/** The first answer again for a key seen before with the same change; duplicate_key for another. */
async function replayOf(pool: pg.Pool, change: BalanceChange): Promise<BalanceChangeResult | undefined> {
  const seen = await pool.query<LedgerRow & { username: string; username_key: string }>(
    named(
      'entry_by_key',
      `SELECT e.id, e.user_id, e.amount::text, e.balance_after::text, e.source, e.comment, e.idempotency_key, e.created_at,
              u.username, u.username_key
       FROM ledger_entries e JOIN users u ON u.id = e.user_id WHERE e.source = $1 AND e.idempotency_key = $2`,
      [change.source, change.idempotencyKey],
    ),
  );
  const row = seen.rows[0];
  if (row === undefined) return undefined;
  const sameUser = 'id' in change.user ? Number(row.user_id) === change.user.id : row.username_key === change.user.usernameKey;
  if (!sameUser || money(row.amount) !== change.amount) return { kind: 'duplicate_key' };
  return { kind: 'replayed', entry: toLedgerEntry(row), username: row.username };
}

export async function ledgerEntries(pool: pg.Pool, userId: number, limit: number): Promise<readonly LedgerEntry[]> {
  const result = await pool.query<LedgerRow>(
    `SELECT id, user_id, amount::text, balance_after::text, source, comment, idempotency_key, created_at
     FROM ledger_entries WHERE user_id = $1 ORDER BY id DESC LIMIT $2`,
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
export async function importUsers(pool: pg.Pool, rows: AsyncIterable<ImportRow>, { comment, autoIdsAbove, onRow }: ImportOptions): Promise<number> {
  // Before the transaction: setval is not undone by a rollback, and a sequence raised past the
  // bound would refuse every later user.
  if (autoIdsAbove !== undefined && autoIdsAbove > MAX_USER_ID) throw importIdTooLarge(undefined, autoIdsAbove + 1);
  return inTransaction(pool, async (client) => {
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
      if (row.id !== undefined && row.id > MAX_USER_ID) throw importIdTooLarge(row.username, row.id);
      batch.push(row);
      if (batch.length === IMPORT_BATCH) await flush();
    }
    await flush();
    // Explicit ids must not collide with the ones the sequence hands out next.
    await client.query("SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST((SELECT max(id) FROM users), 1))");
    return count;
  });
}

/** One multi-row INSERT per table for a batch of imported users. */
async function insertImportBatch(client: pg.PoolClient, batch: readonly ImportRow[], comment: string, now: Date): Promise<void> {
  try {
    const inserted = await client.query<{ id: string; username: string; balance: string }>(
      `INSERT INTO users (id, username, username_key, currency, balance, uniquehash, role, created_at)
       SELECT coalesce(id, nextval(pg_get_serial_sequence('users', 'id'))), username, username_key, currency, balance, uniquehash, 'user', $7
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[])
         AS t(id, username, username_key, currency, balance, uniquehash)
       RETURNING id, username, balance::text`,
      [
        batch.map((row) => row.id ?? null),
        batch.map((row) => normalizeUsername(row.username)),
        batch.map((row) => usernameKey(row.username)),
        batch.map((row) => row.currency),
        batch.map((row) => moneyParameter(row.balance)),
        batch.map((row) => row.uniquehash),
        now,
      ],
    );
    // The sequence goes on past any bound; throwing rolls the whole import back.
    const beyond = inserted.rows.find((row) => BigInt(row.id) > BigInt(MAX_USER_ID));
    if (beyond !== undefined) throw importIdTooLarge(beyond.username, BigInt(beyond.id));
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

