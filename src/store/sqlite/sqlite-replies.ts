/** Stored answers of the admin API's keyed requests on SQLite, and the ledger's key namespace. */
import type Database from 'better-sqlite3';
import type { StoredReply } from '../store.js';

interface ReplyRow {
  request_digest: string;
  status: bigint;
  body: string;
}

export class SqliteReplies {
  private readonly statements;

  constructor(db: Database.Database) {
    const prepare = <Params extends unknown[], Row = unknown>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.statements = {
      find: prepare<[key: string], ReplyRow>('SELECT request_digest, status, body FROM admin_replies WHERE idempotency_key = ?'),
      insert: prepare<[key: string, digest: string, status: number, body: string]>(
        'INSERT INTO admin_replies (idempotency_key, request_digest, status, body) VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING',
      ),
      // A key no entry claimed (a user added without a balance, an import) is claimed with the
      // reply: no other surface may use it afterwards.
      claim: prepare<[key: string]>('INSERT INTO idempotency_keys (key, entry_id) VALUES (?, NULL) ON CONFLICT (key) DO NOTHING'),
      // Every keyed entry claims its key there (migration 5's trigger), whatever its source.
      keyTaken: prepare<[key: string]>('SELECT 1 FROM idempotency_keys WHERE key = ?'),
    };
  }

  find(key: string): StoredReply | undefined {
    const row = this.statements.find.get(key);
    return row === undefined ? undefined : { requestDigest: row.request_digest, status: Number(row.status), body: row.body };
  }

  /** Runs inside the caller's write transaction: the first reply stays. */
  save(key: string, reply: StoredReply): StoredReply {
    this.statements.claim.run(key);
    this.statements.insert.run(key, reply.requestDigest, reply.status, reply.body);
    return this.find(key)!;
  }

  keyTaken(key: string): boolean {
    return this.statements.keyTaken.get(key) !== undefined;
  }
}
