/**
 * The JSON shapes the admin API answers (spec admin-api.md section 4), each declared once as a
 * schema (for the document) beside the function that builds it (for the answer). Money and
 * rates are exact decimal strings; times RFC 3339 in UTC, to the millisecond.
 */
import Type from 'typebox';
import type { OperatorView } from '../admin/operators.js';
import { formatOwnCurrencyBalance } from '../admin/users.js';
import type { CurrencyBook } from '../domain/balance.js';
import type { Currency } from '../domain/currency.js';
import type { LedgerEntry, RateChange } from '../domain/ledger.js';
import { formatMoney, formatRate } from '../domain/money.js';
import { roleAllows, type OperatorRole } from '../domain/operators.js';
import type { ThrottledClient, UserRecord } from '../store/store.js';
import { Money, OperatorRoleSchema, Rate, SignedMoney, Time } from './schemas.js';

/** A stored ISO time as RFC 3339 UTC with exactly three fractional digits (truncated, never rounded). */
export function apiTime(iso: string): string {
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]00:?00)?$/.exec(iso);
  if (match !== null) return `${match[1]}T${match[2]}.${((match[3] ?? '') + '000').slice(0, 3)}Z`;
  const parsed = new Date(iso);
  return Number.isNaN(parsed.getTime()) ? iso : parsed.toISOString();
}

export const UserSchema = Type.Object(
  {
    id: Type.Integer({ description: "The Kolmisoft API's user_id.", examples: [1] }),
    username: Type.String({ examples: ['alice'] }),
    first_name: Type.String({ description: 'Kolmisoft\'s `first_name`; empty when not given.', examples: ['Ada'] }),
    last_name: Type.String({ description: 'Kolmisoft\'s `last_name`; empty when not given.', examples: ['Lovelace'] }),
    currency: Type.String({ description: "The user's own currency.", examples: ['EUR'] }),
    balance: { ...Money, description: 'In the system currency.' },
    balance_in_currency: { ...Money, description: "In the user's own currency (the rate times the balance, exactly)." },
    status: Type.Enum(['active', 'closed']),
    role: Type.Enum(['user', 'admin'], { description: "`admin` is a Kolmisoft admin login (`u=`), not an operator." }),
    created_at: Time,
    warning_balance: Type.Optional({ ...Money, description: "The user's own warning balance (`balance.low`); absent when the global one applies." }),
    uniquehash: Type.Optional(Type.String({ description: 'The user\'s token; only for the admin and owner roles.', examples: ['a1B2c3D4e5'] })),
  },
  { additionalProperties: false },
);

export function userView(user: UserRecord, currencies: CurrencyBook, role: OperatorRole): Record<string, unknown> {
  const own = currencies.byCode.get(user.currency);
  return {
    id: user.id,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    currency: user.currency,
    balance: formatMoney(user.balance),
    balance_in_currency: formatOwnCurrencyBalance(user, own === undefined ? [] : [own]),
    status: user.status,
    role: user.role,
    created_at: apiTime(user.createdAt),
    ...(user.warningBalance !== undefined && { warning_balance: formatMoney(user.warningBalance) }),
    ...(roleAllows(role, 'admin') && { uniquehash: user.uniquehash }),
  };
}

export const LedgerEntrySchema = Type.Object(
  {
    id: Type.Integer({ examples: [42] }),
    user_id: Type.Integer({ examples: [1] }),
    username: Type.String({ examples: ['alice'] }),
    amount: SignedMoney,
    balance_after: { ...SignedMoney, description: "The user's balance once this entry applied." },
    source: Type.Enum(['cli', 'api', 'import', 'admin'], { description: 'Where the change came from.' }),
    comment: Type.String(),
    idempotency_key: Type.Union([Type.String(), Type.Null()]),
    operator: Type.String({ description: 'Who made it: an operator, `cli:` and an OS user, or a Kolmisoft login.' }),
    request_id: Type.Union([Type.String(), Type.Null()]),
    created_at: Time,
  },
  { additionalProperties: false },
);

export function ledgerEntryView(entry: LedgerEntry, username: string): Record<string, unknown> {
  return {
    id: entry.id,
    user_id: entry.userId,
    username,
    amount: formatMoney(entry.amount),
    balance_after: formatMoney(entry.balanceAfter),
    source: entry.source,
    comment: entry.comment,
    idempotency_key: entry.idempotencyKey ?? null,
    operator: entry.actor,
    request_id: entry.requestId ?? null,
    created_at: apiTime(entry.createdAt),
  };
}

export const CurrencySchema = Type.Object(
  {
    code: Type.String({ examples: ['EUR'] }),
    name: Type.String({ examples: ['Euro'] }),
    rate: { ...Rate, description: 'Units of this currency per unit of the system currency; 1 for the system currency.' },
    active: Type.Boolean({ description: 'Only affects listings: an inactive currency still converts.' }),
    system: Type.Boolean({ description: 'True for the system currency, in which balances are kept.' }),
  },
  { additionalProperties: false },
);

export function currencyView(currency: Currency): Record<string, unknown> {
  return { code: currency.code, name: currency.name, rate: formatRate(currency.rate), active: currency.active, system: currency.isSystem };
}

export const RateChangeSchema = Type.Object(
  {
    old_rate: Type.Union([Rate, Type.Null()], { description: 'Null when the change added the currency.' }),
    new_rate: Rate,
    source: Type.Enum(['cli', 'api', 'import', 'admin'], { description: 'Where the change came from.' }),
    operator: Type.String({ description: 'Who made it: an operator, `cli:` and an OS user, or a Kolmisoft login; empty for old changes.' }),
    request_id: Type.Union([Type.String(), Type.Null()]),
    created_at: Time,
  },
  { additionalProperties: false },
);

export function rateChangeView(change: RateChange): Record<string, unknown> {
  return {
    old_rate: change.oldRate === undefined ? null : formatRate(change.oldRate),
    new_rate: formatRate(change.newRate),
    source: change.source,
    operator: change.actor,
    request_id: change.requestId ?? null,
    created_at: apiTime(change.createdAt),
  };
}

export const ThrottledClientSchema = Type.Object(
  {
    address: Type.String({ description: 'A client address, or the bucket of a proxy hop that is no address.', examples: ['192.0.2.7'] }),
    blocked_until: Type.Union([Time, Type.Null()], { description: 'When its block ends; null while it is only counted.' }),
    failures: Type.Integer({ description: 'Failed authentications in its current window.', examples: [3] }),
  },
  { additionalProperties: false },
);

export function throttledClientView(client: ThrottledClient): Record<string, unknown> {
  return {
    address: client.address,
    blocked_until: client.blockedUntilMs === undefined ? null : new Date(client.blockedUntilMs).toISOString(),
    failures: client.failures,
  };
}

export const OperatorSchema = Type.Object(
  {
    username: Type.String({ examples: ['ops'] }),
    role: OperatorRoleSchema,
    created_at: Time,
    password_changed_at: Time,
    tokens: Type.Array(Type.Object({ label: Type.String(), created_at: Time }, { additionalProperties: false }), {
      description: "Its API tokens' labels; a token itself is shown once, when it is made.",
    }),
  },
  { additionalProperties: false },
);

export function operatorView(operator: OperatorView): Record<string, unknown> {
  return {
    username: operator.username,
    role: operator.role,
    created_at: apiTime(operator.createdAt),
    password_changed_at: apiTime(operator.passwordChangedAt),
    tokens: operator.tokens.map((token) => ({ label: token.label, created_at: apiTime(token.createdAt) })),
  };
}
