/**
 * Reading the text of a binary float (a MySQL DOUBLE as the server prints it: the shortest
 * decimal that reads back as the same double, `10.0840336134454`, `1e-20`,
 * `1.2345678901234568e17`) as an exact decimal, and rounding it, all in bigints: the value
 * never passes through a JavaScript number.
 */
import { BALANCE_SCALE, isMoneyInRange, parseRate, RATE_SIGNIFICANT_FRACTION_DIGITS, type Decimal } from './money.js';

const FLOAT_SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;
/** A double's exponent never passes ±324; anything further is not a double's text. */
const MAX_EXPONENT = 400;

/** The exact decimal a float's text spells, or undefined when the text is not one. */
export function parseFloatText(text: string): Decimal | undefined {
  const match = FLOAT_SYNTAX.exec(text.trim());
  if (match === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > MAX_EXPONENT) return undefined;
  const magnitude = BigInt(whole + fraction || '0');
  let scale = fraction.length - exponent;
  let units = sign === '-' ? -magnitude : magnitude;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units, scale };
}

/** `value` rounded half away from zero to `digits` fractional digits, as units at that scale. */
export function roundHalfAwayFromZero(value: Decimal, digits: number): bigint {
  if (value.scale <= digits) return value.units * 10n ** BigInt(digits - value.scale);
  const divisor = 10n ** BigInt(value.scale - digits);
  const negative = value.units < 0n;
  const magnitude = negative ? -value.units : value.units;
  let rounded = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) rounded += 1n;
  return negative ? -rounded : rounded;
}

export type FloatBalance =
  | {
      readonly ok: true;
      /** Millionths, rounded half away from zero. */
      readonly micros: bigint;
      /** |value - micros| exactly: zero when the text had no more than 6 fractional digits. */
      readonly difference: Decimal;
    }
  | { readonly ok: false; readonly problem: 'not-a-number' | 'out-of-range' };

/** A float's text as a balance in millionths, with what the rounding changed. */
export function floatBalance(text: string): FloatBalance {
  const value = parseFloatText(text);
  if (value === undefined) return { ok: false, problem: 'not-a-number' };
  const micros = roundHalfAwayFromZero(value, BALANCE_SCALE);
  if (!isMoneyInRange(micros)) return { ok: false, problem: 'out-of-range' };
  const scale = Math.max(value.scale, BALANCE_SCALE);
  const exact = value.units * 10n ** BigInt(scale - value.scale);
  const difference = exact - micros * 10n ** BigInt(scale - BALANCE_SCALE);
  return { ok: true, micros, difference: { units: difference < 0n ? -difference : difference, scale } };
}

/** True when `a` is larger than `b` (both non-negative or not, compared exactly). */
export function decimalGreater(a: Decimal, b: Decimal): boolean {
  const scale = Math.max(a.scale, b.scale);
  return a.units * 10n ** BigInt(scale - a.scale) > b.units * 10n ** BigInt(scale - b.scale);
}

export type FloatRate = { readonly ok: true; readonly rate: Decimal; readonly rounded: boolean } | { readonly ok: false; readonly problem: 'not-a-number' | 'not-positive' | 'out-of-range' };

/**
 * A float's text as an exchange rate: kept exactly when Tally can hold it, else rounded half away
 * from zero to the significant fractional digits Tally keeps (a computed rate such as
 * `0.9174311926605504`).
 */
export function floatRate(text: string): FloatRate {
  const value = parseFloatText(text);
  if (value === undefined) return { ok: false, problem: 'not-a-number' };
  if (value.units <= 0n) return { ok: false, problem: 'not-positive' };
  const one = 10n ** BigInt(value.scale);
  // Below 1 the zeros right after the point are not significant: keep 12 digits after them.
  const leadingZeros = value.units < one ? value.scale - value.units.toString().length : 0;
  const digits = Math.min(value.scale, leadingZeros + RATE_SIGNIFICANT_FRACTION_DIGITS);
  const units = roundHalfAwayFromZero(value, digits);
  const rate = { units, scale: digits };
  const checked = parseRate(plainText(rate));
  if (!checked.ok) return { ok: false, problem: checked.problem === 'not-positive' ? 'not-positive' : 'out-of-range' };
  return { ok: true, rate: checked.value, rounded: digits < value.scale };
}

/** A decimal as plain text, for parseRate: `0.000123`, `12`. */
function plainText({ units, scale }: Decimal): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
