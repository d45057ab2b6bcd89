/** Currency codes and the conversion rules of spec section 4. */
import { type Decimal } from './money.js';

export interface Currency {
  /** 3 to 5 letters or digits, upper case. */
  readonly code: string;
  readonly name: string;
  /** Units of this currency that one unit of the system currency buys; 1 for the system currency. */
  readonly rate: Decimal;
  /** Only affects listings: an inactive currency still converts. */
  readonly active: boolean;
  readonly isSystem: boolean;
}

/** `currency=USER` asks for the user's own currency; no currency may take that code. */
export const USER_CURRENCY_KEYWORD = 'USER';

const CODE_SYNTAX = /^[A-Za-z0-9]{3,5}$/;

/**
 * The upper-case form of a currency code, or undefined when the text cannot be a code.
 * Only ASCII letters are folded, so no Unicode case mapping can turn a foreign text into a code.
 */
export function normalizeCurrencyCode(text: string): string | undefined {
  return CODE_SYNTAX.test(text) ? text.toUpperCase() : undefined;
}

/** Validates a code given by an operator for a new or changed currency. */
export function checkNewCurrencyCode(text: string): { ok: true; code: string } | { ok: false; reason: string } {
  const code = normalizeCurrencyCode(text);
  if (code === undefined) return { ok: false, reason: 'a currency code is 3 to 5 letters or digits' };
  if (code === USER_CURRENCY_KEYWORD) return { ok: false, reason: 'USER is reserved and cannot be a currency code' };
  return { ok: true, code };
}
