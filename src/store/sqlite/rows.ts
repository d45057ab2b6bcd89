/** Row shapes of the SQLite schema and their conversion to domain values. */
import type { Currency } from '../../domain/currency.js';
import type { LedgerEntry, LedgerSource, RateChange } from '../../domain/ledger.js';
import { storedRate } from '../stored-values.js';
import type { AuditEntry } from '../../domain/audit.js';
import type { UserRecord, UserRole, UserStatus } from '../store.js';

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
  status: UserStatus;
  created_at: string;
  first_name: string;
  last_name: string;
  warning_balance: bigint | null;
}

/** What the balance reads need of a user, from the lookup index alone. */
export type BalanceViewRow = Pick<UserRow, 'id' | 'username' | 'currency' | 'balance'>;

export interface SettingRow {
  name: string;
  value: string;
}

export interface AuthFailureRow {
  address: string;
  window_start: number;
  failures: number;
  blocked_until: number;
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
  actor: string;
  request_id: string | null;
  /** NULL, all three, for an entry that is not a payment. */
  payment_currency: string | null;
  payment_amount: bigint | null;
  payment_rate: string | null;
}

export interface RateChangeRow {
  currency: string;
  old_rate: string | null;
  new_rate: string;
  source: LedgerSource;
  created_at: string;
  actor: string;
  request_id: string | null;
}

export interface AuditRow {
  id: bigint;
  created_at: string;
  source: LedgerSource;
  actor: string;
  action: AuditEntry['action'];
  target: string;
  detail: string | null;
  client: string | null;
  request_id: string | null;
}

export const USER_COLUMNS = 'id, username, currency, balance, uniquehash, role, status, created_at, first_name, last_name, warning_balance';
export const LEDGER_COLUMNS =
  'id, user_id, amount, balance_after, source, comment, idempotency_key, created_at, actor, request_id, payment_currency, payment_amount, payment_rate';
export const RATE_CHANGE_COLUMNS = 'currency, old_rate, new_rate, source, created_at, actor, request_id';
export const AUDIT_COLUMNS = 'id, created_at, source, actor, action, target, detail, client, request_id';

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
    // The same key order as PostgreSQL's records: a copy compares them as text.
    firstName: row.first_name,
    lastName: row.last_name,
    uniquehash: row.uniquehash,
    role: row.role,
    status: row.status,
    createdAt: row.created_at,
    ...(row.warning_balance === null ? {} : { warningBalance: row.warning_balance }),
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
    actor: row.actor,
    requestId: row.request_id ?? undefined,
    createdAt: row.created_at,
    ...(row.payment_currency !== null && {
      payment: {
        currency: row.payment_currency,
        amount: row.payment_amount!,
        rate: storedRate(row.payment_rate!, `ledger entry ${row.id}`),
      },
    }),
  };
}

export function toRateChange(row: RateChangeRow): RateChange {
  return {
    currency: row.currency,
    oldRate: row.old_rate === null ? undefined : storedRate(row.old_rate, `a rate change of ${row.currency}`),
    newRate: storedRate(row.new_rate, `a rate change of ${row.currency}`),
    source: row.source,
    actor: row.actor,
    requestId: row.request_id ?? undefined,
    createdAt: row.created_at,
  };
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    action: row.action,
    target: row.target,
    ...(row.detail !== null && { detail: row.detail }),
    source: row.source,
    actor: row.actor,
    client: row.client ?? undefined,
    requestId: row.request_id ?? undefined,
    createdAt: row.created_at,
  };
}
