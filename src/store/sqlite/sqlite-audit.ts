/** The audit log on SQLite: records written inside the transaction of the change they describe. */
import type Database from 'better-sqlite3';
import type { Actor } from '../../domain/actor.js';
import type { AuditEntry, AuditEvent } from '../../domain/audit.js';
import type { LedgerSource } from '../../domain/ledger.js';
import { auditRecord } from '../../domain/audit-events.js';
import { AUDIT_COLUMNS, toAuditEntry, type AuditRow } from './rows.js';

export class SqliteAudit {
  private readonly statements;

  constructor(db: Database.Database) {
    const prepare = <Params extends unknown[] | object, Row = unknown>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.statements = {
      insert: prepare<{
        source: LedgerSource;
        actor: string;
        action: AuditEntry['action'];
        target: string;
        detail: string | null;
        client: string | null;
        requestId: string | null;
      }>(
        `INSERT INTO audit_log (source, actor, action, target, detail, client, request_id)
         VALUES (:source, :actor, :action, :target, :detail, :client, :requestId)`,
      ),
      newest: prepare<[limit: number], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?`),
      before: prepare<[beforeId: number, limit: number], AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`),
    };
  }

  /** Writes the records of one change; runs inside the caller's transaction. */
  write(by: Actor, ...events: AuditEvent[]): void {
    for (const event of events) {
      const record = auditRecord(event, by);
      this.statements.insert.run({
        source: record.source,
        actor: record.actor,
        action: record.action,
        target: record.target,
        detail: record.detail ?? null,
        client: record.client ?? null,
        requestId: record.requestId ?? null,
      });
    }
  }

  entries(limit: number, beforeId?: number): AuditEntry[] {
    const rows = beforeId === undefined ? this.statements.newest.all(limit) : this.statements.before.all(beforeId, limit);
    return rows.map(toAuditEntry);
  }
}
