/**
 * Raw input, as an operator typed it on any surface, checked once: each reader returns the
 * value an operation works with, or throws an AdminError naming the field and the value.
 */
import { checkNewCurrencyCode } from '../domain/currency.js';
import { isValidIdempotencyKey, MAX_COMMENT_LENGTH, MAX_IDEMPOTENCY_KEY_LENGTH } from '../domain/ledger.js';
import { parseMoney, parseRate, type Decimal } from '../domain/money.js';
import { parseSwitch } from '../domain/settings.js';
import { MAX_USER_ID } from '../domain/user-ids.js';
import { MAX_USERNAME_LENGTH, typedUsernameProblem } from '../domain/usernames.js';
import type { UserRole, UserStatus } from '../store/store.js';
import { invalid } from './admin-error.js';

/** A number field arrives as text from a command line or a query string, as a number from JSON. */
export type RawNumber = string | number;

/** The longest display name of a currency. */
export const MAX_CURRENCY_NAME_LENGTH = 64;
/** The most items one page of a list holds, whatever a surface asks. */
export const MAX_PAGE_LIMIT = 1_000_000;
/** A uniquehash token given by an operator (an import): what Kolmisoft's tokens are made of. */
export const UNIQUEHASH_SYNTAX = /^[A-Za-z0-9]{1,64}$/;
export const MAX_UNIQUEHASH_LENGTH = 64;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** An amount of money in millionths of the system currency: exact, in range, at most 6 fractional digits. */
export function readMoney(field: string, text: string): bigint {
  const parsed = parseMoney(text);
  if (!parsed.ok) throw invalid({ entity: 'amount', field, value: text, reason: parsed.problem });
  return parsed.value;
}

/** A signed, non-zero amount to move. */
export function readAmount(field: string, text: string): bigint {
  const amount = readMoney(field, text);
  if (amount === 0n) throw invalid({ entity: 'amount', field, value: text, reason: 'zero' });
  return amount;
}

/** An exchange rate: positive, at most 12 significant fractional digits. */
export function readRate(field: string, text: string): Decimal {
  const parsed = parseRate(text);
  if (!parsed.ok) throw invalid({ entity: 'rate', field, value: text, reason: parsed.problem });
  return parsed.value;
}

/** A ledger comment: short, printable, one line; absent is empty. */
export function readComment(field: string, text: string | undefined): string {
  if (text === undefined) return '';
  if ([...text].length > MAX_COMMENT_LENGTH) throw invalid({ entity: 'comment', field, value: text, reason: 'too_long', limit: MAX_COMMENT_LENGTH });
  if (CONTROL.test(text)) throw invalid({ entity: 'comment', field, value: text, reason: 'control_character', limit: MAX_COMMENT_LENGTH });
  return text;
}

/** An idempotency key, or undefined when none is given. */
export function readKey(field: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!isValidIdempotencyKey(text)) throw invalid({ entity: 'key', field, value: text, reason: 'syntax', limit: MAX_IDEMPOTENCY_KEY_LENGTH });
  return text;
}

/** A whole number from 1 to `max`, or `fallback` when absent. */
export function readLimit(field: string, raw: RawNumber | undefined, fallback: number, max = MAX_PAGE_LIMIT): number {
  if (raw === undefined) return fallback;
  const text = String(raw);
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw invalid({ entity: 'limit', field, value: text, reason: 'not_a_whole_number', limit: max });
  }
  return Number(text);
}

/** A user id as the Kolmisoft API numbers users: 0 to MAX_USER_ID. */
export function readUserId(field: string, raw: RawNumber): number {
  const text = String(raw);
  if (!/^\d{1,10}$/.test(text) || Number(text) > MAX_USER_ID) throw invalid({ entity: 'id', field, value: text, reason: 'syntax', limit: MAX_USER_ID });
  return Number(text);
}

/** A new username (spec section 8), as typed: the store keeps it in NFC. */
export function readUsername(field: string, text: string): string {
  const problem = typedUsernameProblem(text);
  if (problem !== undefined) throw invalid({ entity: 'user', field, value: text, reason: 'syntax', detail: problem });
  return text;
}

/** A currency code for a new or changed currency, upper-cased. */
export function readCurrencyCode(field: string, text: string): string {
  const checked = checkNewCurrencyCode(text);
  if (!checked.ok) {
    throw invalid({ entity: 'currency', field, value: text, reason: text.toUpperCase() === 'USER' ? 'reserved' : 'syntax', detail: checked.reason });
  }
  return checked.code;
}

/** A currency's display name: 1 to 64 printable characters, not only spaces. */
export function readCurrencyName(field: string, text: string): string {
  if (text.trim() === '' || [...text].length > MAX_CURRENCY_NAME_LENGTH || CONTROL.test(text)) {
    throw invalid({ entity: 'name', field, value: text, reason: 'syntax', limit: MAX_CURRENCY_NAME_LENGTH });
  }
  return text;
}

/** An on/off word, or a boolean from JSON. */
export function readSwitch(field: string, raw: string | boolean): boolean {
  if (typeof raw === 'boolean') return raw;
  const on = parseSwitch(raw);
  if (on === undefined) throw invalid({ entity: 'switch', field, value: raw, reason: 'syntax' });
  return on;
}

const ROLES: readonly UserRole[] = ['user', 'admin'];
const STATUSES: readonly UserStatus[] = ['active', 'closed'];

export function readRole(field: string, text: string): UserRole {
  const role = ROLES.find((candidate) => candidate === text.toLowerCase());
  if (role === undefined) throw invalid({ entity: 'role', field, value: text, reason: 'unknown' });
  return role;
}

export function readStatus(field: string, text: string): UserStatus {
  const status = STATUSES.find((candidate) => candidate === text.toLowerCase());
  if (status === undefined) throw invalid({ entity: 'status', field, value: text, reason: 'unknown' });
  return status;
}

/** A uniquehash token given by an operator: kept exactly as given. */
export function readUniquehash(field: string, text: string): string {
  if (!UNIQUEHASH_SYNTAX.test(text)) throw invalid({ entity: 'uniquehash', field, value: text, reason: 'syntax', limit: MAX_UNIQUEHASH_LENGTH });
  return text;
}

/** A user search: any text a username could start with, an id or a token. */
export function readQuery(field: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text === '' || [...text].length > MAX_USERNAME_LENGTH || CONTROL.test(text)) {
    throw invalid({ entity: 'query', field, value: text, reason: 'syntax', limit: MAX_USERNAME_LENGTH });
  }
  return text;
}
