/**
 * The events of the outbox: their types and the shape of their `data`, money as decimal text
 * with six fractional digits (the same text on every backend: PostgreSQL's NUMERIC(19,6)).
 */
import { formatRounded, moneyDecimal, BALANCE_SCALE } from './money.js';

export const EVENT_TYPES = ['balance.changed', 'balance.low', 'payment.created', 'user.created', 'user.closed', 'settings.changed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(text: string): text is EventType {
  return (EVENT_TYPES as readonly string[]).includes(text);
}

/** Money in an event: `12.500000`, `-0.000001`. */
export function eventMoney(micros: bigint): string {
  return formatRounded(moneyDecimal(micros), BALANCE_SCALE);
}

export interface EventUser {
  readonly id: number | bigint;
  readonly username: string;
}

/** The data of `balance.low`: `{"user":{"id","username"},"balance","warning_balance"}`. */
export function balanceLowData(user: EventUser, balance: bigint, warningBalance: bigint): string {
  return JSON.stringify({
    user: { id: Number(user.id), username: user.username },
    balance: eventMoney(balance),
    warning_balance: eventMoney(warningBalance),
  });
}

/** The data of `settings.changed`: the names changed, never a value (some are keys). */
export function settingsChangedData(names: Iterable<string>): string {
  return JSON.stringify({ names: [...names].sort() });
}
