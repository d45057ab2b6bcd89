/** The owner's webhook endpoints on PostgreSQL; each change inside the caller's transaction. */
import type pg from 'pg';
import type { Actor } from '../../domain/actor.js';
import { webhookAdded, webhookRemoved, webhookSecretRotated } from '../../domain/audit-events.js';
import { isEventType } from '../../domain/events.js';
import type { WebhookState } from '../../domain/webhooks.js';
import type { NewWebhookEndpoint, WebhookEndpointRecord } from '../store.js';
import type { Queryable } from './connection.js';
import { writeAudit } from './postgres-audit.js';

interface EndpointRow {
  id: string;
  url: string;
  events: string;
  state: WebhookState;
  created_at: Date;
}

const ENDPOINT_COLUMNS = 'id, url, events, state, created_at';

function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return { id: Number(row.id), url: row.url, events: row.events.split(',').filter(isEventType), state: row.state, createdAt: row.created_at.toISOString() };
}

export async function addWebhookEndpoint(client: pg.PoolClient, endpoint: NewWebhookEndpoint, by: Actor): Promise<WebhookEndpointRecord> {
  const inserted = await client.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (url, events, secret) VALUES ($1, $2, $3) RETURNING ${ENDPOINT_COLUMNS}`,
    [endpoint.url, endpoint.events.join(','), endpoint.secret],
  );
  const added = toEndpoint(inserted.rows[0]!);
  await writeAudit(client, by, webhookAdded(added.id, added.url, added.events));
  return added;
}

export async function listWebhookEndpoints(db: Queryable): Promise<WebhookEndpointRecord[]> {
  const result = await db.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY id`);
  return result.rows.map(toEndpoint);
}

export async function removeWebhookEndpoint(client: pg.PoolClient, id: number, by: Actor): Promise<'removed' | 'not_found'> {
  const removed = await client.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
  if (removed.rowCount === 0) return 'not_found';
  await writeAudit(client, by, webhookRemoved(id));
  return 'removed';
}

export async function rotateWebhookSecret(client: pg.PoolClient, id: number, secret: string, previousUntil: string, by: Actor): Promise<'rotated' | 'not_found'> {
  const rotated = await client.query(
    'UPDATE webhook_endpoints SET previous_secret = secret, previous_expires_at = $2, secret = $1 WHERE id = $3',
    [secret, previousUntil, id],
  );
  if (rotated.rowCount === 0) return 'not_found';
  await writeAudit(client, by, webhookSecretRotated(id));
  return 'rotated';
}
