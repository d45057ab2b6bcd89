/**
 * The events outbox on SQLite, beside the triggers of migration 11: balance.low (whose rule is
 * the domain's) and settings.changed, always inside the caller's write transaction.
 */
import type Database from 'better-sqlite3';
import { crossThreshold, effectiveThreshold } from '../../domain/balance-alerts.js';
import { balanceLowData, settingsChangedData, type EventType } from '../../domain/events.js';
import { storedWarningBalance } from '../../domain/settings.js';

interface AlertRow {
  username: string;
  warning_balance: bigint | null;
  balance_low_armed: bigint;
  global: string | null;
}

export class SqliteEvents {
  private readonly statements;

  constructor(db: Database.Database) {
    const prepare = <Params extends unknown[], Row = unknown>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.statements = {
      alertState: prepare<[userId: bigint], AlertRow>(
        `SELECT username, warning_balance, balance_low_armed, (SELECT value FROM settings WHERE name = 'warning_balance') AS global
         FROM users WHERE id = ?`,
      ),
      setArmed: prepare<[armed: number, userId: bigint]>('UPDATE users SET balance_low_armed = ? WHERE id = ?'),
      insert: prepare<[type: EventType, userId: bigint | null, data: string]>('INSERT INTO events (type, user_id, data) VALUES (?, ?, ?)'),
    };
  }

  /** Fires balance.low on a downward crossing and keeps the armed state; inside the caller's transaction. */
  afterBalanceChange(userId: bigint, before: bigint, after: bigint): void {
    const row = this.statements.alertState.get(userId);
    if (row === undefined) return;
    const threshold = effectiveThreshold(row.warning_balance, storedWarningBalance(row.global ?? undefined));
    const armed = row.balance_low_armed === 1n;
    const next = crossThreshold({ before, after, threshold, armed });
    if (next.armed !== armed) this.statements.setArmed.run(next.armed ? 1 : 0, userId);
    if (next.fires) this.statements.insert.run('balance.low', userId, balanceLowData({ id: userId, username: row.username }, after, threshold!));
  }

  settingsChanged(names: Iterable<string>): void {
    this.statements.insert.run('settings.changed', null, settingsChangedData(names));
  }
}
