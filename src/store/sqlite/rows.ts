/** Row shapes of the SQLite schema and their conversion to domain values. */
import type { Currency } from '../../domain/currency.js';
import type { LedgerEntry, LedgerSource, RateChange } from '../../domain/ledger.js';
import { parseRate, type Decimal } from '../../domain/money.js';
import type { UserRecord, UserRole } from '../store.js';

export interface CurrencyRow {
  code: string;
  name: string;
  rate: string;
  active: number;
  is_system: number;
}

// Integer columns are read as bigint (safeIntegers), so balances never pass through a number.
export interface UserRow {
  id: bigint;
  username: string;
  currency: string;
  balance: bigint;
  uniquehash: string;
  role: UserRole;
}

export interface LedgerRow {
  id: bigint;
  user_id: bigint;
  amount: bigint;
  balance_after: bigint;
  source: LedgerSource;
  comment: string;
  idempotency_key: string | null;
  created_at: string;
}

export interface RateChangeRow {
  currency: string;
  old_rate: string | null;
  new_rate: string;
  source: LedgerSource;
  created_at: string;
}

export const USER_COLUMNS = 'id, username, currency, balance, uniquehash, role';
export const LEDGER_COLUMNS = 'id, user_id, amount, balance_after, source, comment, idempotency_key, created_at';

export function storedRate(text: string, what: string): Decimal {
  const rate = parseRate(text);
  if (!rate.ok) throw new Error(`${what} has a damaged rate in the database: ${text}`);
  return rate.value;
}

export function toCurrency(row: CurrencyRow): Currency {
  return {
    code: row.code,
    name: row.name,
    rate: storedRate(row.rate, `currency ${row.code}`),
    active: row.active === 1,
    isSystem: row.is_system === 1,
  };
}

export function toUser(row: UserRow): UserRecord {
  return {
    id: Number(row.id),
    username: row.username,
    currency: row.currency,
    balance: row.balance,
    uniquehash: row.uniquehash,
    role: row.role,
  };
}

export function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    amount: row.amount,
    balanceAfter: row.balance_after,
    source: row.source,
    comment: row.comment,
    idempotencyKey: row.idempotency_key ?? undefined,
    createdAt: row.created_at,
  };
}

export function toRateChange(row: RateChangeRow): RateChange {
  return {
    currency: row.currency,
    oldRate: row.old_rate === null ? undefined : storedRate(row.old_rate, `a rate change of ${row.currency}`),
    newRate: storedRate(row.new_rate, `a rate change of ${row.currency}`),
    source: row.source,
    createdAt: row.created_at,
  };
}
