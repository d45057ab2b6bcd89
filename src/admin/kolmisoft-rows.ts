/**
 * The rows of a Kolmisoft database, each checked on its own: what a currency or a user becomes
 * in Tally, or what is wrong with it. Checks across rows and against the Tally database are the
 * importer's (kolmisoft-import.ts). Every problem names its table and row id; the surfaces word
 * it (kolmisoft-messages.ts).
 */
import { checkNewCurrencyCode } from '../domain/currency.js';
import { floatBalance, floatRate } from '../domain/float-text.js';
import type { Decimal } from '../domain/money.js';
import { MAX_USER_ID } from '../domain/user-ids.js';
import { usernameProblem } from '../domain/usernames.js';
import type { UserRole } from '../store/store.js';
import type { KolmisoftCurrencyRow, KolmisoftTable, KolmisoftUserRow } from '../store/kolmisoft/kolmisoft-source.js';
import { UNIQUEHASH_SYNTAX } from './raw-input.js';
import type { ImportLineReason } from './users-csv.js';

/** Kolmisoft's default currency is its first, id 1, at rate 1: every amount it stores is in it. */
export const KOLMISOFT_DEFAULT_CURRENCY_ID = 1;
/** Kolmisoft's own admin: it comes over onto Tally's admin account, which has the same id. */
export const KOLMISOFT_ADMIN_ID = 0;

export type KolmisoftReason =
  | 'missing_columns'
  | 'no_default_currency'
  | 'default_rate_not_one'
  | 'system_currency_differs'
  | 'null_value'
  | 'invalid_code'
  | 'repeated_code'
  | 'invalid_rate'
  | 'invalid_id'
  | 'invalid_username'
  | 'invalid_balance'
  | 'unknown_currency'
  | 'invalid_uniquehash'
  | 'no_admin_account'
  // The CSV import's checks across rows and against the database, reused under their names.
  | Extract<ImportLineReason, `repeated_${'username' | 'id' | 'uniquehash'}` | `${string}_taken`>;

/** One thing wrong with the source, by table and (except for a table-wide one) row id. */
export interface KolmisoftProblem {
  readonly table: KolmisoftTable;
  /** The row's id as Kolmisoft stores it; absent for a problem of the whole table. */
  readonly rowId?: string;
  readonly reason: KolmisoftReason;
  /** The column at fault (null_value, invalid_rate, ...) or the missing columns. */
  readonly column?: string;
  /** The offending value as read. */
  readonly value?: string;
  /** The earlier row a value repeats. */
  readonly earlierRowId?: string;
  /** system_currency_differs: the Tally database's system currency. */
  readonly expected?: string;
  /** invalid_username: the domain's neutral description; invalid_rate, invalid_balance: the decimal's problem. */
  readonly detail?: string;
}

export interface KolmisoftCurrency {
  readonly id: string;
  readonly code: string;
  readonly rate: Decimal;
  readonly active: boolean;
  /** The rate had more digits than Tally keeps and was rounded. */
  readonly rateRounded: boolean;
}

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: KolmisoftProblem };

export function checkCurrencyRow(row: KolmisoftCurrencyRow): Checked<KolmisoftCurrency> {
  const rowId = String(row.id);
  const bad = (problem: Omit<KolmisoftProblem, 'table' | 'rowId'>): Checked<KolmisoftCurrency> => ({ ok: false, problem: { table: 'currencies', rowId, ...problem } });
  if (row.name === null) return bad({ reason: 'null_value', column: 'name' });
  const code = checkNewCurrencyCode(row.name);
  if (!code.ok) return bad({ reason: 'invalid_code', value: row.name, detail: code.reason });
  if (row.exchangeRate === null) return bad({ reason: 'null_value', column: 'exchange_rate' });
  const rate = floatRate(row.exchangeRate);
  if (!rate.ok) return bad({ reason: 'invalid_rate', column: 'exchange_rate', value: row.exchangeRate, detail: rate.problem });
  return { ok: true, value: { id: rowId, code: code.code, rate: rate.rate, active: row.active !== 0, rateRounded: rate.rounded } };
}

export interface KolmisoftUser {
  /** The Tally id: Kolmisoft's own. */
  readonly id: number;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly currency: string;
  /** Millionths, rounded half away from zero. */
  readonly balance: bigint;
  /** What rounding the DOUBLE to millionths changed (zero for most). */
  readonly roundedBy: Decimal;
  /** Absent when Kolmisoft has none (NULL or empty): the import draws a new one. */
  readonly uniquehash?: string;
  readonly role: UserRole;
}

export type UserRowCheck = { readonly kind: 'hidden' } | { readonly kind: 'user'; readonly user: KolmisoftUser } | { readonly kind: 'problem'; readonly problem: KolmisoftProblem };

const ID_SYNTAX = /^-?\d+$/;

/** One users row: skipped when hidden, else a Tally user or its problem. `currencies` maps Kolmisoft currency ids to codes. */
export function checkUserRow(row: KolmisoftUserRow, currencies: ReadonlyMap<string, string>): UserRowCheck {
  const rowId = String(row.id);
  const bad = (problem: Omit<KolmisoftProblem, 'table' | 'rowId'>): UserRowCheck => ({ kind: 'problem', problem: { table: 'users', rowId, ...problem } });
  if (row.hidden !== null && Number(row.hidden) !== 0) return { kind: 'hidden' };
  if (!ID_SYNTAX.test(rowId) || BigInt(rowId) < 0n || BigInt(rowId) > BigInt(MAX_USER_ID)) return bad({ reason: 'invalid_id', value: rowId });
  if (row.username === null) return bad({ reason: 'null_value', column: 'username' });
  const problem = usernameProblem(row.username);
  if (problem !== undefined) return bad({ reason: 'invalid_username', value: row.username, detail: problem });
  if (row.balance === null) return bad({ reason: 'null_value', column: 'balance' });
  const balance = floatBalance(row.balance);
  if (!balance.ok) return bad({ reason: 'invalid_balance', column: 'balance', value: row.balance, detail: balance.problem });
  if (row.currencyId === null) return bad({ reason: 'null_value', column: 'currency_id' });
  const currency = currencies.get(String(row.currencyId));
  if (currency === undefined) return bad({ reason: 'unknown_currency', column: 'currency_id', value: String(row.currencyId) });
  const uniquehash = row.uniquehash ?? '';
  if (uniquehash !== '' && !UNIQUEHASH_SYNTAX.test(uniquehash)) return bad({ reason: 'invalid_uniquehash', value: uniquehash });
  return {
    kind: 'user',
    user: {
      id: Number(rowId),
      username: row.username,
      firstName: row.firstName ?? '',
      lastName: row.lastName ?? '',
      currency,
      balance: balance.micros,
      roundedBy: balance.difference,
      ...(uniquehash !== '' && { uniquehash }),
      role: row.usertype === 'admin' ? 'admin' : 'user',
    },
  };
}
