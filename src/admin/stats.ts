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

/**
 * The totals read over every user at most once per `maxAgeMs`, however many asks: each open
 * console polls them, and on SQLite the pass over a million users holds the process (and so the
 * Kolmisoft API) for a tenth of a second. Asks while a read is in flight share it; a failed read
 * is not kept.
 */
export function sharedDatabaseStats(store: Pick<Administration, 'statistics'>, maxAgeMs = 5_000, now: () => number = Date.now): () => Promise<DatabaseStats> {
  let latest: { readonly at: number; readonly answer: Promise<DatabaseStats> } | undefined;
  return () => {
    if (latest !== undefined && now() - latest.at < maxAgeMs) return latest.answer;
    const answer = databaseStats(store);
    const entry = { at: now(), answer };
    latest = entry;
    answer.catch(() => {
      if (latest === entry) latest = undefined;
    });
    return answer;
  };
}
