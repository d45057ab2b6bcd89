/** The owner's webhook endpoints on SQLite; each change inside the caller's write transaction. */
import type Database from 'better-sqlite3';
import type { Actor } from '../../domain/actor.js';
import { webhookAdded, webhookRemoved, webhookSecretRotated } from '../../domain/audit-events.js';
import { isEventType } from '../../domain/events.js';
import type { WebhookState } from '../../domain/webhooks.js';
import type { NewWebhookEndpoint, WebhookEndpointRecord } from '../store.js';
import type { SqliteAudit } from './sqlite-audit.js';

interface EndpointRow {
  id: number;
  url: string;
  events: string;
  state: WebhookState;
  created_at: string;
}

const ENDPOINT_COLUMNS = 'id, url, events, state, created_at';

export function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return { id: Number(row.id), url: row.url, events: row.events.split(',').filter(isEventType), state: row.state, createdAt: row.created_at };
}

export class SqliteWebhooks {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly audit: SqliteAudit,
  ) {
    this.statements = {
      insert: db.prepare<[url: string, events: string, secret: string], EndpointRow>(
        `INSERT INTO webhook_endpoints (url, events, secret) VALUES (?, ?, ?) RETURNING ${ENDPOINT_COLUMNS}`,
      ),
      list: db.prepare<[], EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY id`),
      remove: db.prepare<[id: number]>('DELETE FROM webhook_endpoints WHERE id = ?'),
      removeDeliveries: db.prepare<[id: number]>('DELETE FROM webhook_deliveries WHERE endpoint_id = ?'),
      rotate: db.prepare<[until: string, secret: string, id: number]>(
        'UPDATE webhook_endpoints SET previous_secret = secret, previous_expires_at = ?, secret = ? WHERE id = ?',
      ),
    };
  }

  add(endpoint: NewWebhookEndpoint, by: Actor): WebhookEndpointRecord {
    const added = toEndpoint(this.statements.insert.get(endpoint.url, endpoint.events.join(','), endpoint.secret)!);
    this.audit.write(by, webhookAdded(added.id, added.url, added.events));
    return added;
  }

  list(): WebhookEndpointRecord[] {
    return this.statements.list.all().map(toEndpoint);
  }

  remove(id: number, by: Actor): 'removed' | 'not_found' {
    // Deleted first, not left to the foreign key: it cascades only where foreign keys are on.
    this.statements.removeDeliveries.run(id);
    if (this.statements.remove.run(id).changes === 0) return 'not_found';
    this.audit.write(by, webhookRemoved(id));
    return 'removed';
  }

  rotate(id: number, secret: string, previousUntil: string, by: Actor): 'rotated' | 'not_found' {
    if (this.statements.rotate.run(previousUntil, secret, id).changes === 0) return 'not_found';
    this.audit.write(by, webhookSecretRotated(id));
    return 'rotated';
  }
}
