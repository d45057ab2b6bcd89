/**
 * The JSON documents of `--json`: the admin API's field names (snake_case) for every new one,
 * money and rates as exact decimal strings, times in ISO 8601. `balance history --json` keeps
 * the fields it had before the admin API named its own.
 */
import type { VerifyReport } from '../admin/balances.js';
import type { SettingValue } from '../admin/settings.js';
import { balanceInOwnCurrency } from '../admin/users.js';
import type { AuditEntry } from '../domain/audit.js';
import type { Currency } from '../domain/currency.js';
import type { LedgerEntry, RateChange } from '../domain/ledger.js';
import { displaySettingValue } from '../domain/settings.js';
import type { StoredUsername } from '../domain/usernames.js';
import type { ThrottledClient, UserRecord } from '../store/store.js';
import { decimal, money, rate, time } from './format.js';

export function userJson(user: UserRecord, currencies: readonly Currency[]) {
  return {
    id: user.id,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    currency: user.currency,
    balance: money(user.balance),
    balance_in_currency: decimal(balanceInOwnCurrency(user, currencies)),
    status: user.status,
    role: user.role,
    created_at: user.createdAt,
    uniquehash: user.uniquehash,
    ...(user.warningBalance !== undefined && { warning_balance: money(user.warningBalance) }),
  };
}

/** A ledger entry as `balance history --json` has always written it, with who made it. */
export function historyEntryJson(entry: LedgerEntry) {
  return {
    id: entry.id,
    time: entry.createdAt,
    amount: money(entry.amount),
    balanceAfter: money(entry.balanceAfter),
    source: entry.source,
    key: entry.idempotencyKey ?? null,
    comment: entry.comment,
    actor: entry.actor,
    requestId: entry.requestId ?? null,
  };
}

export function currencyJson(currency: Currency) {
  return { code: currency.code, name: currency.name, rate: rate(currency.rate), active: currency.active, system: currency.isSystem };
}

export function rateChangeJson(change: RateChange) {
  return {
    currency: change.currency,
    old_rate: change.oldRate === undefined ? null : rate(change.oldRate),
    new_rate: rate(change.newRate),
    source: change.source,
    actor: change.actor,
    request_id: change.requestId ?? null,
    created_at: change.createdAt,
  };
}

/** A setting; a key only as whether it is set, as the admin API lists it. */
export function settingJson(setting: SettingValue) {
  const { name, stored } = setting;
  const value = setting.secret ? { set: stored !== undefined && stored !== '' } : { value: stored === undefined ? null : displaySettingValue(name, stored) };
  return { name, ...value, missing: stored === undefined, description: setting.description, kolmisoft_name: setting.kolmisoftName || null };
}

export function auditJson(entry: AuditEntry) {
  return {
    id: entry.id,
    operator: entry.actor,
    source: entry.source,
    action: entry.action,
    target: entry.target,
    detail: entry.detail ?? null,
    client: entry.client ?? null,
    request_id: entry.requestId ?? null,
    created_at: entry.createdAt,
  };
}

export function throttledJson(client: ThrottledClient) {
  return {
    address: client.address,
    failures: client.failures,
    window_start: time(client.windowStartMs),
    blocked_until: client.blockedUntilMs === undefined ? null : time(client.blockedUntilMs),
  };
}

export function verifyJson(report: VerifyReport) {
  const named = (user: StoredUsername) => ({ user_id: user.id, username: user.username });
  return {
    ok: report.ok,
    users_checked: report.users,
    entries_checked: report.entries,
    mismatches: report.mismatches.map((m) => ({
      user_id: m.id,
      username: m.username,
      balance: money(m.balance),
      ledger_sum: money(m.ledgerSum),
      last_balance_after: m.lastBalanceAfter === undefined ? null : money(m.lastBalanceAfter),
    })),
    collisions: report.collisions.map((c) => ({ user: named(c.user), with: named(c.with) })),
  };
}
