/** When a change under a key seen before is that same change (a replay), for every backend. */
import type { LedgerEntry } from '../domain/ledger.js';
import type { BalanceChange } from './store.js';

/**
 * The first entry is this change again (its user compared by the caller): a payment by its
 * currency and its amount as entered, since the rate may have moved since; any other change by
 * its amount. A payment's key never replays a plain change, nor the other way round.
 */
export function isSameChange(first: LedgerEntry, change: BalanceChange): boolean {
  if (change.payment === undefined) return first.payment === undefined && first.amount === change.amount;
  return first.payment !== undefined && first.payment.currency === change.payment.currency && first.payment.amount === change.payment.amount;
}
