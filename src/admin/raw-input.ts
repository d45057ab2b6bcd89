/**
 * Raw input, as an operator typed it on any surface, checked once: each reader returns the
 * value an operation works with, or throws an AdminError naming the field and the value.
 */
import { checkNewCurrencyCode } from '../domain/currency.js';
import { commentProblem, isLedgerSource, isValidIdempotencyKey, LEDGER_SOURCES, MAX_COMMENT_LENGTH, MAX_IDEMPOTENCY_KEY_LENGTH, type LedgerSource } from '../domain/ledger.js';
import { parseMoney, parseRate, type Decimal } from '../domain/money.js';
import { parseSwitch } from '../domain/settings.js';
import { MAX_USER_ID } from '../domain/user-ids.js';
import { MAX_USERNAME_LENGTH, typedUsernameProblem } from '../domain/usernames.js';
import { MAX_PERSON_NAME_LENGTH, personNameProblem } from '../domain/person-names.js';
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
  const problem = commentProblem(text);
  if (problem !== undefined) throw invalid({ entity: 'comment', field, value: text, reason: problem, limit: MAX_COMMENT_LENGTH });
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

/** A user's first or last name: empty clears it; kept as typed, spaces included. */
export function readPersonName(field: string, text: string): string {
  const problem = personNameProblem(text);
  if (problem !== undefined) throw invalid({ entity: 'person_name', field, value: text, reason: 'syntax', detail: problem, limit: MAX_PERSON_NAME_LENGTH });
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

// RFC 3339's date-time (section 5.6): a full date, T, a time with optional fraction, Z or an offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 time (`2026-12-01T18:20:44.123Z`, without the fraction, or with an offset) in ms
 * since the epoch. Times are kept to the millisecond: a finer fraction is rounded up, so that
 * `created_at >= from` and `< to` select the same entries as the exact bound would among times
 * stored (or shown, truncated) in milliseconds.
 */
export function readTime(field: string, text: string): number {
  const match = RFC3339.exec(text);
  const bad = () => invalid({ entity: 'time', field, value: text, reason: 'syntax' });
  if (match === null) throw bad();
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = (match[7] ?? '').padEnd(9, '0');
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) throw bad();
  let offsetMinutes = 0;
  if (match[8] === undefined) {
    const [offsetHours, offsetMins] = [Number(match[10]), Number(match[11])];
    if (offsetHours > 23 || offsetMins > 59) throw bad();
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const millis = Number(fraction.slice(0, 3)) + (/[1-9]/.test(fraction.slice(3)) ? 1 : 0);
  // Date.UTC reads years 0 to 99 as 1900 to 1999: setUTCFullYear keeps them as written.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  date.setUTCFullYear(year);
  return date.getTime() - offsetMinutes * 60_000;
}

/** Where ledger entries come from: one of the sources the ledger names. */
export function readSource(field: string, text: string): LedgerSource {
  if (!isLedgerSource(text)) throw invalid({ entity: 'source', field, value: text, reason: 'unknown', detail: `a source is one of ${LEDGER_SOURCES.join(', ')}` });
  return text;
}

/** Exact text to match a stored name with (an operator, an actor): any text without control characters, at most 255 long. */
export function readName(field: string, text: string): string {
  if (text === '' || [...text].length > MAX_FILTER_NAME_LENGTH || CONTROL.test(text)) {
    throw invalid({ entity: 'name', field, value: text, reason: 'syntax', limit: MAX_FILTER_NAME_LENGTH });
  }
  return text;
}
const MAX_FILTER_NAME_LENGTH = 255;

/** A list's cursor, as pageCursor wrote it: opaque to clients, the last id of the page before. */
export function readCursor(field: string, text: string): number {
  const bad = () => invalid({ entity: 'cursor', field, value: text, reason: 'syntax' });
  if (!/^[A-Za-z0-9_-]{1,24}$/.test(text)) throw bad();
  const decoded = Buffer.from(text, 'base64url').toString('latin1');
  if (!/^(0|[1-9]\d{0,15})$/.test(decoded) || !Number.isSafeInteger(Number(decoded)) || pageCursor(Number(decoded)) !== text) throw bad();
  return Number(decoded);
}

/** The cursor of the page after one whose last item has this id. */
export function pageCursor(lastId: number): string {
  return Buffer.from(String(lastId), 'latin1').toString('base64url');
}
