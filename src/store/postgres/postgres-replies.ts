/** Stored answers of the admin API's keyed requests on PostgreSQL, and the ledger's key namespace. */
import type { StoredReply } from '../store.js';
import type { Queryable } from './connection.js';

interface ReplyRow {
  request_digest: string;
  status: number;
  body: string;
}

export async function findReply(db: Queryable, key: string): Promise<StoredReply | undefined> {
  const { rows } = await db.query<ReplyRow>('SELECT request_digest, status, body FROM admin_replies WHERE idempotency_key = $1', [key]);
  const row = rows[0];
  return row === undefined ? undefined : { requestDigest: row.request_digest, status: row.status, body: row.body };
}

/**
 * Keeps the first reply for a key, and claims the key in the ledger's namespace when no entry
 * did (a user added without a balance, an import): another surface can no longer use it. One
 * statement, so both or neither; the insert waits for a concurrent one of the same key, then
 * does nothing, and a second read returns whichever reply was stored first.
 */
export async function saveReply(db: Queryable, key: string, reply: StoredReply): Promise<StoredReply> {
  const inserted = await db.query<ReplyRow>(
    `WITH claim AS (INSERT INTO idempotency_keys (key, entry_id) VALUES ($1, NULL) ON CONFLICT (key) DO NOTHING)
     INSERT INTO admin_replies (idempotency_key, request_digest, status, body) VALUES ($1, $2, $3, $4)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING request_digest, status, body`,
    [key, reply.requestDigest, reply.status, reply.body],
  );
  if (inserted.rows[0] !== undefined) return reply;
  return (await findReply(db, key))!;
}

/** Every keyed entry claims its key in idempotency_keys (migration 5's trigger), whatever its source. */
export async function ledgerKeyTaken(db: Queryable, key: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]);
  return rowCount !== 0;
}
