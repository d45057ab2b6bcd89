/**
 * Webhook deliveries on PostgreSQL, for many nodes: a claim locks its rows FOR UPDATE SKIP
 * LOCKED and leases them by the database's clock, so no two nodes send one delivery at once and
 * a dead node's lease runs out for another to take.
 */
import type pg from 'pg';
import type { DeliveryAttempt, DueDelivery } from '../store.js';

interface ClaimedRow {
  event_id: string;
  endpoint_id: string;
  attempts: number;
  type: string;
  data: string;
  created_at: Date;
  url: string;
  secret: string;
  previous_secret: string | null;
}

export async function claimDeliveries(pool: pg.Pool, leaseMs: number, limit: number): Promise<DueDelivery[]> {
  const result = await pool.query<ClaimedRow>(
    `WITH due AS (
       SELECT d.endpoint_id, d.event_id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
       WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= now()
         AND (d.lease_until IS NULL OR d.lease_until < now()) AND e.state <> 'disabled'
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                         WHERE p.endpoint_id = d.endpoint_id AND p.user_id = d.user_id AND p.event_id < d.event_id
                           AND p.delivered_at IS NULL AND p.failed_at IS NULL)
       ORDER BY d.event_id LIMIT $2
       FOR UPDATE OF d SKIP LOCKED
     ), leased AS (
       UPDATE webhook_deliveries w SET lease_until = now() + $1 * interval '1 millisecond'
       FROM due WHERE w.endpoint_id = due.endpoint_id AND w.event_id = due.event_id
       RETURNING w.event_id, w.endpoint_id, w.attempts
     )
     SELECT l.event_id, l.endpoint_id, l.attempts, v.type, v.data, v.created_at, e.url, e.secret,
            CASE WHEN e.previous_expires_at > now() THEN e.previous_secret END AS previous_secret
     FROM leased l JOIN events v ON v.id = l.event_id JOIN webhook_endpoints e ON e.id = l.endpoint_id
     ORDER BY l.event_id`,
    [leaseMs, limit],
  );
  return result.rows.map((row) => ({
    eventId: Number(row.event_id),
    endpointId: Number(row.endpoint_id),
    attempts: row.attempts,
    type: row.type,
    data: row.data,
    createdAt: row.created_at.toISOString(),
    url: row.url,
    secrets: row.previous_secret === null ? [row.secret] : [row.secret, row.previous_secret],
  }));
}

export async function recordAttempt(client: pg.PoolClient, attempt: DeliveryAttempt): Promise<void> {
  const done = attempt.outcome === 'gave_up' || attempt.outcome === 'disabled';
  await client.query(
    `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $1, last_duration_ms = $2, last_attempt_at = now(), lease_until = NULL,
       delivered_at = CASE WHEN $3 THEN now() END, failed_at = CASE WHEN $4 THEN now() END, next_attempt_at = coalesce($5, next_attempt_at)
     WHERE event_id = $6 AND endpoint_id = $7`,
    [attempt.status ?? null, Math.round(attempt.durationMs), attempt.outcome === 'delivered', done, attempt.nextAttemptAt ?? null, attempt.eventId, attempt.endpointId],
  );
  const state = { delivered: 'enabled', gave_up: 'failing', disabled: 'disabled', retry: undefined }[attempt.outcome];
  if (state !== undefined) await client.query("UPDATE webhook_endpoints SET state = $1 WHERE id = $2 AND state <> 'disabled'", [state, attempt.endpointId]);
}
