/** The guard's state on PostgreSQL: failed logins counted per address, and signature nonces. */
import type pg from 'pg';
import type { Actor } from '../../domain/actor.js';
import { clientUnblocked } from '../../domain/audit-events.js';
import type { AuthFailureCount, ThrottledClient, ThrottleRule } from '../store.js';
import { AUTH_FAILURE_MEMORY_MS } from '../store.js';
import { named, type Queryable } from './connection.js';
import { writeAudit } from './postgres-audit.js';

export async function recordAuthFailure(db: Queryable, address: string, rule: ThrottleRule, nowMs: number): Promise<AuthFailureCount> {
  // One statement: concurrent failures on several nodes each add one, none is lost.
  // A window that has run out starts again at 1. Every SET expression reads the old row.
  const result = await db.query<{ failures: number; window_start: string; blocked_until: string }>(
    named(
      'count_auth_failure',
      `INSERT INTO auth_failures AS f (address, window_start, failures, blocked_until)
         VALUES ($1, $2::bigint, 1, CASE WHEN 1 >= $3::integer THEN $2::bigint + $5::bigint ELSE 0 END)
       ON CONFLICT (address) DO UPDATE SET
         window_start = CASE WHEN f.window_start <= $2::bigint - $4::bigint THEN $2::bigint ELSE f.window_start END,
         failures = CASE WHEN f.window_start <= $2::bigint - $4::bigint THEN 1 ELSE f.failures + 1 END,
         blocked_until = CASE WHEN (CASE WHEN f.window_start <= $2::bigint - $4::bigint THEN 1 ELSE f.failures + 1 END) >= $3::integer
                              THEN greatest(f.blocked_until, $2::bigint + $5::bigint) ELSE f.blocked_until END
       RETURNING failures, window_start, blocked_until`,
      [address, nowMs, rule.limit, rule.windowMs, rule.cooldownMs],
    ),
  );
  const row = result.rows[0]!;
  const blockedUntil = Number(row.blocked_until);
  return { failures: row.failures, windowStartMs: Number(row.window_start), blockedUntilMs: blockedUntil > nowMs ? blockedUntil : undefined };
}

export async function blockedClients(db: Queryable, nowMs: number): Promise<Map<string, number>> {
  const result = await db.query<{ address: string; blocked_until: string }>(
    named('blocked_clients', 'SELECT address, blocked_until FROM auth_failures WHERE blocked_until > $1', [nowMs]),
  );
  return new Map(result.rows.map((row) => [row.address, Number(row.blocked_until)]));
}

export async function throttledClients(db: Queryable, nowMs: number): Promise<ThrottledClient[]> {
  // What purgeExpired has not forgotten yet: a count within the memory, or a block in force.
  const result = await db.query<{ address: string; window_start: string; failures: number; blocked_until: string }>(
    `SELECT address, window_start, failures, blocked_until FROM auth_failures
     WHERE window_start >= $1 OR blocked_until > $2 ORDER BY window_start DESC, address`,
    [nowMs - AUTH_FAILURE_MEMORY_MS, nowMs],
  );
  return result.rows.map((row) => {
    const blockedUntil = Number(row.blocked_until);
    return { address: row.address, failures: row.failures, windowStartMs: Number(row.window_start), blockedUntilMs: blockedUntil > nowMs ? blockedUntil : undefined };
  });
}

/** Inside the caller's transaction. */
export async function unblockClient(client: pg.PoolClient, address: string, by: Actor): Promise<boolean> {
  const forgotten = await client.query<{ failures: number }>('DELETE FROM auth_failures WHERE address = $1 RETURNING failures', [address]);
  const row = forgotten.rows[0];
  if (row === undefined) return false;
  await writeAudit(client, by, clientUnblocked(address, row.failures));
  return true;
}

export async function claimNonce(db: Queryable, nonce: string, expiresAtMs: number): Promise<boolean> {
  const result = await db.query(
    named('claim_nonce', 'INSERT INTO signature_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING', [
      nonce,
      expiresAtMs,
    ]),
  );
  return result.rowCount === 1;
}

export async function purgeExpired(db: Queryable, nowMs: number): Promise<void> {
  await db.query('DELETE FROM signature_nonces WHERE expires_at < $1', [nowMs]);
  // A count older than any window, of an address no longer blocked, is forgotten.
  await db.query('DELETE FROM auth_failures WHERE window_start < $1 AND blocked_until < $2', [nowMs - AUTH_FAILURE_MEMORY_MS, nowMs]);
}
