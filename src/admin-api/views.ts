/**
 * The JSON shapes the admin API answers (spec admin-api.md section 4), each declared once as a
 * schema (for the document) beside the function that builds it (for the answer). Money and
 * rates are exact decimal strings; times RFC 3339 in UTC, to the millisecond.
 */
import Type from 'typebox';
import type { OperatorView } from '../admin/operators.js';
import { formatOwnCurrencyBalance } from '../admin/users.js';
import type { CurrencyBook } from '../domain/balance.js';
import type { LedgerEntry } from '../domain/ledger.js';
import { formatMoney } from '../domain/money.js';
import { roleAllows, type OperatorRole } from '../domain/operators.js';
import type { UserRecord } from '../store/store.js';
import { Money, OperatorRoleSchema, SignedMoney, Time } from './schemas.js';

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
    currency: Type.String({ description: "The user's own currency.", examples: ['EUR'] }),
    balance: { ...Money, description: 'In the system currency.' },
    balance_in_currency: { ...Money, description: "In the user's own currency (the rate times the balance, exactly)." },
    status: Type.Enum(['active', 'closed']),
    role: Type.Enum(['user', 'admin'], { description: "`admin` is a Kolmisoft admin login (`u=`), not an operator." }),
    created_at: Time,
    uniquehash: Type.Optional(Type.String({ description: 'The user\'s token; only for the admin and owner roles.', examples: ['a1B2c3D4e5'] })),
  },
  { additionalProperties: false },
);

export function userView(user: UserRecord, currencies: CurrencyBook, role: OperatorRole): Record<string, unknown> {
  const own = currencies.byCode.get(user.currency);
  return {
    id: user.id,
    username: user.username,
    currency: user.currency,
    balance: formatMoney(user.balance),
    balance_in_currency: formatOwnCurrencyBalance(user, own === undefined ? [] : [own]),
    status: user.status,
    role: user.role,
    created_at: apiTime(user.createdAt),
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
