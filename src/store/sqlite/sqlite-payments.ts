/** The payments payments_get lists, on SQLite: from the partial indexes of payment entries. */
import type Database from 'better-sqlite3';
import type { PaymentListing, PaymentQuery } from '../store.js';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './rows.js';

type PaymentRow = LedgerRow & { username: string; first_name: string; last_name: string };

const ENTRY_COLUMNS = LEDGER_COLUMNS.split(', ').map((column) => `e.${column}`).join(', ');

export class SqlitePayments {
  constructor(private readonly db: Database.Database) {}

  list(query: PaymentQuery): PaymentListing[] {
    const where = ['e.payment_currency IS NOT NULL', 'e.created_at >= ?', 'e.created_at < ?'];
    const params: (string | number | bigint)[] = [new Date(query.fromMs).toISOString(), new Date(query.toMs).toISOString()];
    if (query.userId !== undefined) {
      where.push('e.user_id = ?');
      params.push(query.userId);
    }
    if (query.currency !== undefined) {
      where.push('e.payment_currency = ?');
      params.push(query.currency);
    }
    if (query.minAmount !== undefined) {
      where.push('e.amount >= ?');
      params.push(query.minAmount);
    }
    if (query.maxAmount !== undefined) {
      where.push('e.amount <= ?');
      params.push(query.maxAmount);
    }
    // Times are ISO text: the first 19 characters are the second, within which ids keep the order payments were made in.
    const rows = this.db
      .prepare<unknown[], PaymentRow>(
        `SELECT ${ENTRY_COLUMNS}, u.username, u.first_name, u.last_name
         FROM ledger_entries e JOIN users u ON u.id = e.user_id
         WHERE ${where.join(' AND ')} ORDER BY substr(e.created_at, 1, 19), e.id`,
      )
      .safeIntegers(true)
      .all(...params);
    return rows.map((row) => {
      const entry = toLedgerEntry(row);
      return { ...entry, payment: entry.payment!, username: row.username, firstName: row.first_name, lastName: row.last_name };
    });
  }
}
