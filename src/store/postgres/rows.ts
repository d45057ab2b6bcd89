/**
 * Row shapes of the PostgreSQL schema. node-postgres returns NUMERIC and BIGINT as text, so
 * money goes from the database's exact decimal text to exact millionths without a number.
 */
import type { BalanceView } from '../../domain/balance.js';
import type { Currency } from '../../domain/currency.js';
import type { LedgerEntry, LedgerSource, RateChange } from '../../domain/ledger.js';
import { formatMoney, parseStoredMoney } from '../../domain/money.js';
import { storedRate } from '../stored-values.js';
import type { AuditEntry } from '../../domain/audit.js';
import type { UserRecord, UserRole, UserStatus } from '../store.js';

export interface CurrencyRow {
  code: string;
  name: string;
  rate: string;
  active: boolean;
  is_system: boolean;
}

export interface UserRow {
  id: string;
  username: string;
  currency: string;
  balance: string;
  uniquehash: string;
  role: UserRole;
  status: UserStatus;
  created_at: Date;
  first_name: string;
  last_name: string;
  warning_balance: string | null;
}

export interface LedgerRow {
  id: string;
  user_id: string;
  amount: string;
  balance_after: string;
  source: LedgerSource;
  comment: string;
  idempotency_key: string | null;
  created_at: Date;
  actor: string;
  request_id: string | null;
  /** NULL, all three, for an entry that is not a payment. */
  payment_currency: string | null;
  payment_amount: string | null;
  payment_rate: string | null;
}

export interface RateChangeRow {
  currency: string;
  old_rate: string | null;
  new_rate: string;
  source: LedgerSource;
  created_at: Date;
  actor: string;
  request_id: string | null;
}

export interface AuditRow {
  id: string;
  created_at: Date;
  source: LedgerSource;
  actor: string;
  action: AuditEntry['action'];
  target: string;
  detail: string | null;
  client: string | null;
  request_id: string | null;
}

export const USER_COLUMNS = 'id, username, currency, balance, uniquehash, role, status, created_at, first_name, last_name, warning_balance';
/** A ledger entry's columns, money and rates as exact text. */
export const LEDGER_COLUMNS =
  'id, user_id, amount::text, balance_after::text, source, comment, idempotency_key, created_at, actor, request_id, payment_currency, payment_amount::text, payment_rate::text';
export const RATE_CHANGE_COLUMNS = 'currency, old_rate::text, new_rate::text, source, created_at, actor, request_id';
export const AUDIT_COLUMNS = 'id, created_at, source, actor, action, target, detail, client, request_id';

/** NUMERIC text (`12.500000`) to millionths. */
export function money(text: string): bigint {
  const micros = parseStoredMoney(text);
  if (micros === undefined) throw new Error(`a damaged amount in the database: ${text}`);
  return micros;
}

/** Millionths to the decimal text PostgreSQL reads into NUMERIC exactly. */
export function moneyParameter(micros: bigint): string {
  return formatMoney(micros);
}

export function toCurrency(row: CurrencyRow): Currency {
  return { code: row.code, name: row.name, rate: storedRate(row.rate, `currency ${row.code}`), active: row.active, isSystem: row.is_system };
}

export function toBalanceView(row: Pick<UserRow, 'id' | 'username' | 'currency' | 'balance'>): BalanceView {
  return { id: Number(row.id), username: row.username, currency: row.currency, balance: money(row.balance) };
}

export function toUser(row: UserRow): UserRecord {
  return {
    ...toBalanceView(row),
    firstName: row.first_name,
    lastName: row.last_name,
    uniquehash: row.uniquehash,
    role: row.role,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    ...(row.warning_balance === null ? {} : { warningBalance: money(row.warning_balance) }),
  };
}

export function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    amount: money(row.amount),
    balanceAfter: money(row.balance_after),
    source: row.source,
    comment: row.comment,
    idempotencyKey: row.idempotency_key ?? undefined,
    actor: row.actor,
    requestId: row.request_id ?? undefined,
    createdAt: row.created_at.toISOString(),
    ...(row.payment_currency !== null && {
      payment: {
        currency: row.payment_currency,
        amount: money(row.payment_amount!),
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
    createdAt: row.created_at.toISOString(),
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
    createdAt: row.created_at.toISOString(),
  };
}
