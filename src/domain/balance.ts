/** The balance answer of user_balance_get: currency choice and conversion (spec sections 4-5). */
import { normalizeCurrencyCode, USER_CURRENCY_KEYWORD, type Currency } from './currency.js';
import type { Params } from './hash.js';
import { formatRounded, moneyDecimal, multiply } from './money.js';

/** What the balance methods need to know about a user. */
export interface BalanceView {
  readonly id: number;
  readonly username: string;
  /** The user's own currency code (display only). */
  readonly currency: string;
  /** Millionths of the system currency. */
  readonly balance: bigint;
}

/** The currencies known to the system, looked up by upper-case code. */
export interface CurrencyBook {
  readonly system: Currency;
  readonly byCode: ReadonlyMap<string, Currency>;
}

export interface BalanceAnswer {
  /** Rounded and formatted to `number_digits` places. */
  readonly balance: string;
  /** Present only for `user_currency=1`. */
  readonly currency?: string;
}

/**
 * The balance to show and, for `user_currency=1`, the currency element. An unknown or empty
 * currency is not an error: the balance comes back in the system currency.
 */
export function answerBalance(user: BalanceView, params: Params, book: CurrencyBook, digits: number): BalanceAnswer {
  if (params.get('user_currency') === '1') {
    const own = book.byCode.get(user.currency) ?? book.system;
    return { balance: convert(user.balance, own, digits), currency: own.code };
  }
  const target = requestedCurrency(params.get('currency'), user, book);
  return { balance: convert(user.balance, target, digits) };
}

/** The currency named by a `currency` parameter, the system currency when it names none. */
export function requestedCurrency(value: string | undefined, user: BalanceView | undefined, book: CurrencyBook): Currency {
  const code = value === undefined ? undefined : normalizeCurrencyCode(value);
  if (code === undefined) return book.system;
  if (code === USER_CURRENCY_KEYWORD && user !== undefined) return book.byCode.get(user.currency) ?? book.system;
  return book.byCode.get(code) ?? book.system;
}

/** A balance in millionths of the system currency, shown in `currency`, rounded to `digits`. */
export function convert(balance: bigint, currency: Currency, digits: number): string {
  const amount = currency.isSystem ? moneyDecimal(balance) : multiply(moneyDecimal(balance), currency.rate);
  return formatRounded(amount, digits);
}
