/**
 * What each change of administration writes to the audit log: its action, target and detail,
 * worded once here for every backend (a store only inserts the records). Pure: no I/O.
 */
import { storedActorName, type Actor } from './actor.js';
import type { AuditAction, AuditEvent } from './audit.js';
import type { Currency } from './currency.js';
import type { LedgerSource } from './ledger.js';
import { formatMoney, formatRate, type Decimal } from './money.js';
import { isSecretSetting, isSettingName } from './settings.js';

/** One row of the audit log as a store inserts it: the event and who made it. */
export interface AuditRecord extends AuditEvent {
  readonly source: LedgerSource;
  readonly actor: string;
  readonly client: string | undefined;
  readonly requestId: string | undefined;
}

/** The record of `event` made by `by`. */
export function auditRecord(event: AuditEvent, by: Actor): AuditRecord {
  return { ...event, source: by.source, actor: storedActorName(by), client: by.client, requestId: by.requestId };
}

// Names are quoted as JSON strings: a name holding a comma, a quote or a line break still reads as one.
const quoted = (text: string): string => JSON.stringify(text);

const userTarget = (id: number): string => `user:${id}`;

export function databaseInitialized(systemCurrency: string): AuditEvent {
  return { action: 'database.init', target: 'database', detail: `system currency ${systemCurrency}` };
}

/** A new user; never its token. Its names only when it has them, so older records read as they did. */
export function userAdded(user: {
  id: number;
  username: string;
  currency: string;
  balance: bigint;
  role: string;
  firstName?: string;
  lastName?: string;
}): AuditEvent {
  const names = [
    ...(user.firstName ? [`first_name ${quoted(user.firstName)}`] : []),
    ...(user.lastName ? [`last_name ${quoted(user.lastName)}`] : []),
  ];
  return {
    action: 'user.add',
    target: userTarget(user.id),
    detail: [`username ${quoted(user.username)}, currency ${user.currency}, balance ${formatMoney(user.balance)}, role ${user.role}`, ...names].join(', '),
  };
}

export function userRenamed(id: number, from: string, to: string): AuditEvent {
  return { action: 'user.rename', target: userTarget(id), detail: `username ${quoted(from)} to ${quoted(to)}` };
}

/** A first or last name changed (Kolmisoft's `first_name` and `last_name`). */
export function userNameChanged(id: number, field: 'first_name' | 'last_name', from: string, to: string): AuditEvent {
  return { action: 'user.update', target: userTarget(id), detail: `${field} ${quoted(from)} to ${quoted(to)}` };
}

/** A user's own warning balance set or cleared (none: the global one applies). */
export function userWarningBalanceChanged(id: number, from: bigint | undefined, to: bigint | undefined): AuditEvent {
  const text = (value: bigint | undefined): string => (value === undefined ? 'none' : formatMoney(value));
  return { action: 'user.update', target: userTarget(id), detail: `warning_balance ${text(from)} to ${text(to)}` };
}

export function userCurrencyChanged(id: number, from: string, to: string): AuditEvent {
  return { action: 'user.update', target: userTarget(id), detail: `currency ${from} to ${to}` };
}

/** A balance changed by an operator: set to a new value, or adjusted by an amount. */
export function balanceAdjusted(id: number, amount: bigint, balanceAfter: bigint, entryId: number): AuditEvent {
  return {
    action: 'balance.adjust',
    target: userTarget(id),
    detail: `amount ${formatMoney(amount)}, balance ${formatMoney(balanceAfter)}, entry ${entryId}`,
  };
}

export function userStatusChanged(id: number, status: 'active' | 'closed'): AuditEvent {
  return { action: status === 'closed' ? 'user.close' : 'user.reopen', target: userTarget(id) };
}

export function userRoleChanged(id: number, from: string, to: string): AuditEvent {
  return { action: 'user.role', target: userTarget(id), detail: `role ${from} to ${to}` };
}

/** A new token: neither the old one nor the new one is written. */
export function userTokenRotated(id: number): AuditEvent {
  return { action: 'user.rotate_token', target: userTarget(id) };
}

export function usersImported(count: number): AuditEvent {
  return { action: 'users.import', target: 'users', detail: `${count} ${count === 1 ? 'user' : 'users'}` };
}

/** A currency added or changed, as it is afterwards (and the rate it had, when that changed). */
export function currencySaved(currency: Currency, oldRate: string | undefined): AuditEvent {
  const rate = formatRate(currency.rate);
  const rateText = oldRate === undefined || oldRate === rate ? `rate ${rate}` : `rate ${oldRate} to ${rate}`;
  return {
    action: 'currency.save',
    target: `currency:${currency.code}`,
    detail: `name ${quoted(currency.name)}, ${rateText}, ${currency.active ? 'active' : 'inactive'}`,
  };
}

export function rateUpdated(code: string, oldRate: string, newRate: Decimal): AuditEvent {
  return { action: 'currency.rate', target: `currency:${code}`, detail: `rate ${oldRate} to ${formatRate(newRate)}` };
}

/**
 * Settings written together: named in the target, with their new values in the detail unless
 * they are secret (a key, or a name this Tally does not know, which may be one).
 */
export function settingsWritten(values: ReadonlyMap<string, string>, action: Extract<AuditAction, 'settings.set' | 'settings.rotate_key'>): AuditEvent {
  const names = [...values.keys()];
  const detail = [...values]
    .map(([name, value]) => (isSettingName(name) && !isSecretSetting(name) ? `${name} ${quoted(value)}` : `${name} (secret)`))
    .join(', ');
  return { action, target: `setting:${names.join(',')}`, detail };
}

export function clientUnblocked(address: string, failures: number): AuditEvent {
  return { action: 'throttle.unblock', target: `client:${address}`, detail: `${failures} failed ${failures === 1 ? 'attempt' : 'attempts'} forgotten` };
}

const operatorTarget = (username: string): string => `operator:${username}`;

/** A new operator and its role; never its password. */
export function operatorAdded(username: string, role: string): AuditEvent {
  return { action: 'operator.add', target: operatorTarget(username), detail: `role ${role}` };
}

export function operatorRemoved(username: string): AuditEvent {
  return { action: 'operator.remove', target: operatorTarget(username) };
}

export function operatorRoleChanged(username: string, from: string, to: string): AuditEvent {
  return { action: 'operator.role', target: operatorTarget(username), detail: `role ${from} to ${to}` };
}

/** A changed password: that it changed, never what it is. */
export function operatorPasswordChanged(username: string): AuditEvent {
  return { action: 'operator.password', target: operatorTarget(username) };
}

/** A new API token, by its label; never the token nor its digest. */
export function operatorTokenAdded(username: string, label: string): AuditEvent {
  return { action: 'operator.token_add', target: operatorTarget(username), detail: `label ${quoted(label)}` };
}

export function operatorTokenRevoked(username: string, label: string): AuditEvent {
  return { action: 'operator.token_revoke', target: operatorTarget(username), detail: `label ${quoted(label)}` };
}

/** An endpoint added: its URL and events, never its secret. */
export function webhookAdded(id: number, url: string, events: readonly string[]): AuditEvent {
  return { action: 'webhook.add', target: `webhook:${id}`, detail: `${url} for ${events.join(',')}` };
}

export function webhookRemoved(id: number): AuditEvent {
  return { action: 'webhook.remove', target: `webhook:${id}` };
}

/** A new secret: neither the old one nor the new one is written. */
export function webhookSecretRotated(id: number): AuditEvent {
  return { action: 'webhook.rotate_secret', target: `webhook:${id}` };
}
