/** The audit log on PostgreSQL: records written inside the transaction of the change they describe. */
import type { Actor } from '../../domain/actor.js';
import type { AuditEntry, AuditEvent } from '../../domain/audit.js';
import { auditRecord } from '../../domain/audit-events.js';
import type { Queryable } from './connection.js';
import { AUDIT_COLUMNS, toAuditEntry, type AuditRow } from './rows.js';

/** Writes the records of one change, in one statement, on the caller's transaction. */
export async function writeAudit(client: Queryable, by: Actor, ...events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const records = events.map((event) => auditRecord(event, by));
  await client.query(
    `INSERT INTO audit_log (source, actor, action, target, detail, client, request_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
    [
      records.map((r) => r.source),
      records.map((r) => r.actor),
      records.map((r) => r.action),
      records.map((r) => r.target),
      records.map((r) => r.detail ?? null),
      records.map((r) => r.client ?? null),
      records.map((r) => r.requestId ?? null),
    ],
  );
}

export async function auditEntries(db: Queryable, limit: number, beforeId?: number): Promise<AuditEntry[]> {
  const result =
    beforeId === undefined
      ? await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT $1`, [limit])
      : await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2`, [beforeId, limit]);
  return result.rows.map(toAuditEntry);
}
