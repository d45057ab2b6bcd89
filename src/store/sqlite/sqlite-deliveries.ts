/**
 * Webhook deliveries on SQLite: a claim is one conditional UPDATE inside the write lock, so two
 * processes on one file never lease the same delivery; times are ISO text, compared as text.
 */
import type Database from 'better-sqlite3';
import type { DeliveryAttempt, DueDelivery } from '../store.js';

interface ClaimedRow {
  event_id: number;
  endpoint_id: number;
  attempts: number;
  type: string;
  data: string;
  created_at: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_expires_at: string | null;
}

export class SqliteDeliveries {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      // Due, not leased, its endpoint not disabled, and no earlier event of the same user still on its way there.
      claim: db.prepare<[leaseUntil: string, now: string, now2: string, limit: number], { event_id: number; endpoint_id: number; attempts: number }>(
        `UPDATE webhook_deliveries SET lease_until = ?
         WHERE (endpoint_id, event_id) IN (
           SELECT d.endpoint_id, d.event_id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
           WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= ?
             AND (d.lease_until IS NULL OR d.lease_until < ?) AND e.state <> 'disabled'
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                             WHERE p.endpoint_id = d.endpoint_id AND p.user_id = d.user_id AND p.event_id < d.event_id
                               AND p.delivered_at IS NULL AND p.failed_at IS NULL)
           ORDER BY d.event_id LIMIT ?)
         RETURNING event_id, endpoint_id, attempts`,
      ),
      details: db.prepare<[eventId: number, endpointId: number], Omit<ClaimedRow, 'event_id' | 'endpoint_id' | 'attempts'>>(
        `SELECT v.type, v.data, v.created_at, e.url, e.secret, e.previous_secret, e.previous_expires_at
         FROM events v, webhook_endpoints e WHERE v.id = ? AND e.id = ?`,
      ),
      attempted: db.prepare<[status: number | null, durationMs: number, now: string, deliveredAt: string | null, failedAt: string | null, next: string | null, eventId: number, endpointId: number]>(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?, last_duration_ms = ?, last_attempt_at = ?, lease_until = NULL,
           delivered_at = ?, failed_at = ?, next_attempt_at = coalesce(?, next_attempt_at)
         WHERE event_id = ? AND endpoint_id = ?`,
      ),
      anyDue: db.prepare<[now: string]>(
        'SELECT 1 FROM webhook_deliveries WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? LIMIT 1',
      ).pluck(),
      renew: db.prepare<[leaseUntil: string, eventId: number, endpointId: number]>(
        'UPDATE webhook_deliveries SET lease_until = ? WHERE event_id = ? AND endpoint_id = ? AND lease_until IS NOT NULL',
      ),
      setState: db.prepare<[state: string, endpointId: number]>("UPDATE webhook_endpoints SET state = ? WHERE id = ? AND state <> 'disabled'"),
    };
  }

  /** A read, outside any write: a server with nothing to deliver never takes the write lock for it. */
  anyDue(now = new Date()): boolean {
    return this.statements.anyDue.get(now.toISOString()) !== undefined;
  }

  /** Inside the caller's write transaction. */
  claim(leaseMs: number, limit: number, now = new Date()): DueDelivery[] {
    const at = now.toISOString();
    const claimed = this.statements.claim.all(new Date(now.getTime() + leaseMs).toISOString(), at, at, limit);
    return claimed
      .sort((a, b) => a.event_id - b.event_id)
      .map((row) => {
        const d = this.statements.details.get(row.event_id, row.endpoint_id)!;
        const previous = d.previous_secret !== null && d.previous_expires_at !== null && d.previous_expires_at > at ? [d.previous_secret] : [];
        return { eventId: row.event_id, endpointId: row.endpoint_id, attempts: row.attempts, type: d.type, data: d.data, createdAt: d.created_at, url: d.url, secrets: [d.secret, ...previous] };
      });
  }

  /** Inside the caller's write transaction. */
  renew(eventId: number, endpointId: number, leaseMs: number, now = new Date()): void {
    this.statements.renew.run(new Date(now.getTime() + leaseMs).toISOString(), eventId, endpointId);
  }

  /** Inside the caller's write transaction. */
  record(attempt: DeliveryAttempt, now = new Date()): void {
    const at = now.toISOString();
    const s = this.statements;
    const done = attempt.outcome === 'gave_up' || attempt.outcome === 'disabled' ? at : null;
    s.attempted.run(
      attempt.status ?? null,
      Math.round(attempt.durationMs),
      at,
      attempt.outcome === 'delivered' ? at : null,
      done,
      attempt.nextAttemptAt?.toISOString() ?? null,
      attempt.eventId,
      attempt.endpointId,
    );
    if (attempt.outcome === 'delivered') s.setState.run('enabled', attempt.endpointId);
    if (attempt.outcome === 'gave_up') s.setState.run('failing', attempt.endpointId);
    if (attempt.outcome === 'disabled') s.setState.run('disabled', attempt.endpointId);
  }
}
