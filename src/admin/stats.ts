/** The database's totals for the admin API's stats: what the store counts (the server adds its own). */
import { formatMoney } from '../domain/money.js';
import type { Administration } from '../store/store.js';

export interface DatabaseStats {
  readonly users: number;
  /** The sum of every balance in the system currency, as exact decimal text (`"26.5"`). */
  readonly balanceTotal: string;
  readonly ledgerEntries: number;
}

export async function databaseStats(store: Pick<Administration, 'statistics'>): Promise<DatabaseStats> {
  const stats = await store.statistics();
  return { users: stats.users, balanceTotal: formatMoney(stats.balanceSum), ledgerEntries: stats.ledgerEntries };
}
