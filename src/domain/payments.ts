/**
 * Payments (payment_create, spec m4-payments.md section 2): an amount entered in a currency,
 * turned into the system currency once, exactly, and kept with the entry it makes.
 */
import type { Currency } from './currency.js';
import { parseRate, type Decimal } from './money.js';

// Unsigned, plain: `10`, `10.5`; no sign, no exponent, no leading or trailing point.
const PAYMENT_AMOUNT_SYNTAX = /^\d+(\.\d+)?$/;

/** Whether the text is a payment amount as the spec writes it (its digits are checked by parseMoney after). */
export function isPaymentAmountSyntax(text: string): boolean {
  return PAYMENT_AMOUNT_SYNTAX.test(text);
}

/** More fractional digits than stored, as written (`1.0000000` counts seven). */
export function hasTooManyFractionDigits(text: string, scale: number): boolean {
  const point = text.indexOf('.');
  return point !== -1 && text.length - point - 1 > scale;
}

/**
 * The rate a payment uses: `exchange_rate` when it is a positive decimal and the currency is not
 * the system currency, the currency's own rate otherwise (the system currency's is always 1).
 */
export function paymentRate(currency: Currency, exchangeRate: string | undefined): Decimal {
  if (currency.isSystem) return { units: 1n, scale: 0 };
  if (exchangeRate !== undefined) {
    const given = parseRate(exchangeRate);
    if (given.ok) return given.value;
  }
  return currency.rate;
}

/**
 * The system-currency amount of `amount` millionths of a currency at `rate` (its units per
 * system unit): amount ÷ rate, rounded half away from zero to millionths.
 */
export function toSystemAmount(amount: bigint, rate: Decimal): bigint {
  const negative = amount < 0n;
  const numerator = (negative ? -amount : amount) * 10n ** BigInt(rate.scale);
  const quotient = (2n * numerator + rate.units) / (2n * rate.units);
  return negative ? -quotient : quotient;
}
