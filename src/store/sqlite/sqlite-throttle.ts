/** The guard's state on SQLite: failed logins counted per address, and signature nonces. */
import type Database from 'better-sqlite3';
import type { Actor } from '../../domain/actor.js';
import { clientUnblocked } from '../../domain/audit-events.js';
import type { AuthFailureCount, ThrottledClient, ThrottleRule } from '../store.js';
import { AUTH_FAILURE_MEMORY_MS } from '../store.js';
import type { AuthFailureRow } from './rows.js';
import type { SqliteAudit } from './sqlite-audit.js';

export class SqliteThrottle {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAudit,
  ) {
    const prepare = <Params extends unknown[] | object, Row = unknown>(sql: string) => db.prepare<Params, Row>(sql);
    this.statements = {
      // A window that has run out starts again at 1. Every SET expression reads the old row.
      countAuthFailure: prepare<
        { address: string; now: number; limit: number; window: number; cooldown: number },
        Omit<AuthFailureRow, 'address'>
      >(`
        INSERT INTO auth_failures (address, window_start, failures, blocked_until)
          VALUES (:address, :now, 1, CASE WHEN 1 >= :limit THEN :now + :cooldown ELSE 0 END)
        ON CONFLICT (address) DO UPDATE SET
          window_start = CASE WHEN window_start <= :now - :window THEN :now ELSE window_start END,
          failures = CASE WHEN window_start <= :now - :window THEN 1 ELSE failures + 1 END,
          blocked_until = CASE WHEN (CASE WHEN window_start <= :now - :window THEN 1 ELSE failures + 1 END) >= :limit
                               THEN max(blocked_until, :now + :cooldown) ELSE blocked_until END
        RETURNING failures, window_start, blocked_until`),
      blockedClients: prepare<[now: number], Pick<AuthFailureRow, 'address' | 'blocked_until'>>(
        'SELECT address, blocked_until FROM auth_failures WHERE blocked_until > ?',
      ),
      // What purgeExpired has not forgotten yet: a count within the memory, or a block in force.
      throttledClients: prepare<[rememberedSince: number, now: number], AuthFailureRow>(
        'SELECT address, window_start, failures, blocked_until FROM auth_failures WHERE window_start >= ? OR blocked_until > ? ORDER BY window_start DESC, address',
      ),
      unblockClient: prepare<[address: string], Pick<AuthFailureRow, 'failures'>>('DELETE FROM auth_failures WHERE address = ? RETURNING failures'),
      claimNonce: prepare<[nonce: string, expiresAt: number]>(
        'INSERT INTO signature_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING',
      ),
      purgeNonces: prepare<[now: number]>('DELETE FROM signature_nonces WHERE expires_at < ?'),
      purgeAuthFailures: prepare<[windowStartBefore: number, blockedUntilBefore: number]>(
        'DELETE FROM auth_failures WHERE window_start < ? AND blocked_until < ?',
      ),
    };
  }

  /** Inside the caller's transaction. */
  recordAuthFailure(address: string, rule: ThrottleRule, nowMs: number): AuthFailureCount {
    // An upsert's RETURNING gives its row whether it inserted or updated.
    const row = this.statements.countAuthFailure.get({
      address,
      now: nowMs,
      limit: rule.limit,
      window: rule.windowMs,
      cooldown: rule.cooldownMs,
    })!;
    return {
      failures: row.failures,
      windowStartMs: row.window_start,
      blockedUntilMs: row.blocked_until > nowMs ? row.blocked_until : undefined,
    };
  }

  blockedClients(nowMs: number): Map<string, number> {
    const rows = this.statements.blockedClients.all(nowMs);
    return new Map(rows.map((row) => [row.address, row.blocked_until]));
  }

  throttledClients(nowMs: number): ThrottledClient[] {
    const rows = this.statements.throttledClients.all(nowMs - AUTH_FAILURE_MEMORY_MS, nowMs);
    return rows.map((row) => ({
      address: row.address,
      failures: row.failures,
      windowStartMs: row.window_start,
      blockedUntilMs: row.blocked_until > nowMs ? row.blocked_until : undefined,
    }));
  }

  /** Inside the caller's transaction. */
  unblockClient(address: string, by: Actor): boolean {
    const forgotten = this.statements.unblockClient.get(address);
    if (forgotten === undefined) return false;
    this.audit.write(by, clientUnblocked(address, forgotten.failures));
    return true;
  }

  /** Inside the caller's transaction. */
  claimNonce(nonce: string, expiresAtMs: number): boolean {
    return this.statements.claimNonce.run(nonce, expiresAtMs).changes === 1;
  }

  /** Inside the caller's transaction. */
  purgeExpired(nowMs: number): void {
    this.statements.purgeNonces.run(nowMs);
    // A count older than any window, of an address no longer blocked, is forgotten.
    this.statements.purgeAuthFailures.run(nowMs - AUTH_FAILURE_MEMORY_MS, nowMs);
  }
}
