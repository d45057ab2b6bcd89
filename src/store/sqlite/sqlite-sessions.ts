/** The admin console's sessions on SQLite, each named by its token's digest; times as ISO text. */
import type Database from 'better-sqlite3';
import type { SessionRecord } from '../store.js';
import type { SqliteOperators } from './sqlite-operators.js';

interface SessionRow {
  operator_id: bigint;
  created_at: string;
  last_seen_at: string;
}

/** The stored form of a time: the same ISO text strftime writes, so text order is time order. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export class SqliteSessions {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly operators: SqliteOperators,
  ) {
    const prepare = <Params extends unknown[], Row = unknown>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.statements = {
      insert: prepare<[digest: string, operatorId: number, createdAt: string, lastSeenAt: string]>(
        'INSERT INTO operator_sessions (digest, operator_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)',
      ),
      find: prepare<[digest: string], SessionRow>('SELECT operator_id, created_at, last_seen_at FROM operator_sessions WHERE digest = ?'),
      touch: prepare<[at: string, digest: string]>('UPDATE operator_sessions SET last_seen_at = ? WHERE digest = ?'),
      remove: prepare<[digest: string]>('DELETE FROM operator_sessions WHERE digest = ?'),
      purge: prepare<[createdBefore: string, seenBefore: string]>('DELETE FROM operator_sessions WHERE created_at < ? OR last_seen_at < ?'),
    };
  }

  create(operatorId: number, digest: string, nowMs: number): void {
    const at = isoTime(nowMs);
    this.statements.insert.run(digest, operatorId, at, at);
  }

  /** Two reads, on one connection that nothing writes meanwhile (better-sqlite3 is synchronous). */
  find(digest: string): SessionRecord | undefined {
    const row = this.statements.find.get(digest);
    if (row === undefined) return undefined;
    const operator = this.operators.findById(row.operator_id);
    return operator === undefined ? undefined : { operator, createdAt: row.created_at, lastSeenAt: row.last_seen_at };
  }

  touch(digest: string, nowMs: number): void {
    this.statements.touch.run(isoTime(nowMs), digest);
  }

  remove(digest: string): void {
    this.statements.remove.run(digest);
  }

  purge(createdBeforeMs: number, seenBeforeMs: number): void {
    this.statements.purge.run(isoTime(createdBeforeMs), isoTime(seenBeforeMs));
  }
}
