/**
 * The events outbox on PostgreSQL, beside the triggers of migration 11: balance.low (whose rule
 * is the domain's) and settings.changed, always inside the caller's transaction.
 */
import type pg from 'pg';
import { crossThreshold, effectiveThreshold } from '../../domain/balance-alerts.js';
import { balanceLowData, settingsChangedData } from '../../domain/events.js';
import { storedWarningBalance } from '../../domain/settings.js';
import { money } from './rows.js';

/**
 * The balance fast path's guard: true when the change can neither fire balance.low nor change
 * the armed state, the negation of the domain's crossThreshold for `before`/`after` given as SQL;
 * any other change takes the careful path, which applies the domain rule itself.
 */
export function noAlertChange(before: string, after: string): string {
  const threshold = `coalesce(warning_balance, (SELECT CASE WHEN value ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN value::numeric END FROM settings WHERE name = 'warning_balance'))`;
  return `(${threshold} IS NULL OR ((balance_low_armed OR ${after} <= ${threshold})
           AND NOT (balance_low_armed AND ${before} >= ${threshold} AND ${after} < ${threshold})))`;
}

/** Fires balance.low on a downward crossing and keeps the armed state; the user's row is locked by the change. */
export async function afterBalanceChange(client: pg.PoolClient, userId: string | number, before: bigint, after: bigint): Promise<void> {
  const found = await client.query<{ username: string; warning_balance: string | null; balance_low_armed: boolean; global: string | null }>(
    `SELECT username, warning_balance, balance_low_armed, (SELECT value FROM settings WHERE name = 'warning_balance') AS global
     FROM users WHERE id = $1`,
    [userId],
  );
  const row = found.rows[0];
  if (row === undefined) return;
  const own = row.warning_balance === null ? undefined : money(row.warning_balance);
  const threshold = effectiveThreshold(own, storedWarningBalance(row.global ?? undefined));
  const next = crossThreshold({ before, after, threshold, armed: row.balance_low_armed });
  if (next.armed !== row.balance_low_armed) await client.query('UPDATE users SET balance_low_armed = $2 WHERE id = $1', [userId, next.armed]);
  if (next.fires) {
    await client.query("INSERT INTO events (type, user_id, data) VALUES ('balance.low', $1, $2)", [
      userId,
      balanceLowData({ id: BigInt(userId), username: row.username }, after, threshold!),
    ]);
  }
}

export async function settingsChanged(client: pg.PoolClient, names: Iterable<string>): Promise<void> {
  await client.query("INSERT INTO events (type, user_id, data) VALUES ('settings.changed', NULL, $1)", [settingsChangedData(names)]);
}
