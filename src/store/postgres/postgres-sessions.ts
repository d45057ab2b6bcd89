/** The admin console's sessions on PostgreSQL, each named by its token's digest. */
import type { SessionRecord } from '../store.js';
import type { Queryable } from './connection.js';
import { findOperatorById } from './postgres-operators.js';

interface SessionRow {
  operator_id: string;
  created_at: Date;
  last_seen_at: Date;
}

/** A time given in ms as timestamptz text: exact, where a float of seconds would not be. */
export function timeParameter(ms: number): string {
  return new Date(ms).toISOString();
}

export async function createSession(db: Queryable, operatorId: number, digest: string, nowMs: number): Promise<void> {
  await db.query('INSERT INTO operator_sessions (digest, operator_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)', [
    digest,
    operatorId,
    timeParameter(nowMs),
  ]);
}

/** Two reads; a session whose operator went in between is none (removal deletes its sessions). */
export async function findSession(db: Queryable, digest: string): Promise<SessionRecord | undefined> {
  const { rows } = await db.query<SessionRow>('SELECT operator_id, created_at, last_seen_at FROM operator_sessions WHERE digest = $1', [digest]);
  const row = rows[0];
  if (row === undefined) return undefined;
  const operator = await findOperatorById(db, row.operator_id);
  return operator === undefined ? undefined : { operator, createdAt: row.created_at.toISOString(), lastSeenAt: row.last_seen_at.toISOString() };
}

export async function touchSession(db: Queryable, digest: string, nowMs: number): Promise<void> {
  await db.query('UPDATE operator_sessions SET last_seen_at = $2 WHERE digest = $1', [digest, timeParameter(nowMs)]);
}

export async function deleteSession(db: Queryable, digest: string): Promise<void> {
  await db.query('DELETE FROM operator_sessions WHERE digest = $1', [digest]);
}

export async function purgeSessions(db: Queryable, createdBeforeMs: number, seenBeforeMs: number): Promise<void> {
  await db.query('DELETE FROM operator_sessions WHERE created_at < $1 OR last_seen_at < $2', [timeParameter(createdBeforeMs), timeParameter(seenBeforeMs)]);
}
