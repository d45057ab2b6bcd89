/** The payments payments_get lists, on PostgreSQL: from the partial indexes of payment entries. */
import type { PaymentListing, PaymentQuery } from '../store.js';
import type { Queryable } from './connection.js';
import { LEDGER_COLUMNS, moneyParameter, toLedgerEntry, type LedgerRow } from './rows.js';

type PaymentRow = LedgerRow & { username: string; first_name: string; last_name: string };

const ENTRY_COLUMNS = LEDGER_COLUMNS.split(', ').map((column) => `e.${column}`).join(', ');

export async function listPayments(db: Queryable, query: PaymentQuery): Promise<PaymentListing[]> {
  const params: unknown[] = [new Date(query.fromMs), new Date(query.toMs)];
  const where = ['e.payment_currency IS NOT NULL', 'e.created_at >= $1', 'e.created_at < $2'];
  const add = (condition: string, value: unknown): void => {
    params.push(value);
    where.push(condition.replace('?', `$${params.length}`));
  };
  if (query.userId !== undefined) add('e.user_id = ?', query.userId);
  if (query.currency !== undefined) add('e.payment_currency = ?', query.currency);
  if (query.minAmount !== undefined) add('e.amount >= ?::numeric', moneyParameter(query.minAmount));
  if (query.maxAmount !== undefined) add('e.amount <= ?::numeric', moneyParameter(query.maxAmount));
  // Within a second, ids keep the order payments were made in (a transaction's time is its start).
  const result = await db.query<PaymentRow>(
    `SELECT ${ENTRY_COLUMNS}, u.username, u.first_name, u.last_name
     FROM ledger_entries e JOIN users u ON u.id = e.user_id
     WHERE ${where.join(' AND ')} ORDER BY date_trunc('second', e.created_at), e.id`,
    params,
  );
  return result.rows.map((row) => {
    const entry = toLedgerEntry(row);
    return { ...entry, payment: entry.payment!, username: row.username, firstName: row.first_name, lastName: row.last_name };
  });
}
