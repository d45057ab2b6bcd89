/**
 * Exact decimal arithmetic for money and exchange rates.
 *
 * A value is a bigint count of units at a fixed number of decimal places (its scale), so
 * `12.5` at scale 6 is `12500000n`. Nothing here ever converts to a JavaScript `number`:
 * binary floating point cannot hold 0.1, and the spec forbids it end to end.
 */

/** Balances and amounts are stored in millionths of the system currency. */
export const BALANCE_SCALE = 6;
/**
 * Rates keep up to 12 significant fractional digits (the spec asks for at least 8): 0.7351,
 * and also 0.0000012345678 for a weak system currency against a strong one.
 */
export const RATE_SIGNIFICANT_FRACTION_DIGITS = 12;
/** However small the rate, no more fractional digits than this. */
const RATE_SCALE_LIMIT = 30;
/** Largest absolute balance or amount, in whole units: keeps every stored value inside int64. */
export const MONEY_LIMIT_UNITS = 10n ** 12n;
/** Largest accepted exchange rate, in whole units. */
export const RATE_LIMIT_UNITS = 10n ** 12n;

const MONEY_LIMIT = MONEY_LIMIT_UNITS * 10n ** BigInt(BALANCE_SCALE);

/** An exact decimal: `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Why a decimal text was refused; each maps to a clear message for the caller. */
export type DecimalProblem =
  | 'not-a-decimal'
  | 'not-positive'
  | 'too-many-fraction-digits'
  | 'out-of-range';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: DecimalProblem };

// Sign, then digits with an optional fraction ("12", "12.5", "12.", ".5"). No exponent,
// no grouping, no spaces: a value that is not plainly a decimal is refused, not guessed at.
const DECIMAL_SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?$/;
// Bounds the work done on hostile input before any bigint is built.
const MAX_DECIMAL_TEXT = 64;

/** Parses a plain decimal text with at most `maxScale` fractional digits, exactly. */
export function parseDecimal(text: string, maxScale: number): Parsed<Decimal> {
  if (text.length === 0 || text.length > MAX_DECIMAL_TEXT) return refuse('not-a-decimal');
  const match = DECIMAL_SYNTAX.exec(text);
  if (match === null) return refuse('not-a-decimal');
  const [, sign = '', whole = '', fraction = ''] = match;
  if (whole.length === 0 && fraction.length === 0) return refuse('not-a-decimal');
  const significantFraction = fraction.replace(/0+$/, '');
  if (significantFraction.length > maxScale) return refuse('too-many-fraction-digits');
  const magnitude = BigInt((whole || '0') + significantFraction);
  const units = sign === '-' ? -magnitude : magnitude;
  return { ok: true, value: { units, scale: significantFraction.length } };
}

/** Parses an amount of money into millionths, refusing anything it could not store exactly. */
export function parseMoney(text: string): Parsed<bigint> {
  const parsed = parseDecimal(text, BALANCE_SCALE);
  if (!parsed.ok) return parsed;
  const micros = rescale(parsed.value, BALANCE_SCALE);
  if (micros >= MONEY_LIMIT || micros <= -MONEY_LIMIT) return refuse('out-of-range');
  return { ok: true, value: micros };
}

/**
 * Reads an amount the database already holds, exactly, without the input range check: a ledger
 * entry may move a balance from one end of the range to the other.
 */
export function parseStoredMoney(text: string): bigint | undefined {
  const parsed = parseDecimal(text, BALANCE_SCALE);
  return parsed.ok ? rescale(parsed.value, BALANCE_SCALE) : undefined;
}

/** Parses an exchange rate: a positive decimal with at most 12 significant fractional digits. */
export function parseRate(text: string): Parsed<Decimal> {
  const parsed = parseDecimal(text, RATE_SCALE_LIMIT);
  if (!parsed.ok) return parsed;
  const { units, scale } = parsed.value;
  if (units <= 0n) return refuse('not-positive');
  // Below 1, the zeros right after the point are not significant digits.
  const significant = units < 10n ** BigInt(scale) ? units.toString().length : scale;
  if (significant > RATE_SIGNIFICANT_FRACTION_DIGITS && scale > 0) return refuse('too-many-fraction-digits');
  if (units >= RATE_LIMIT_UNITS * 10n ** BigInt(scale)) return refuse('out-of-range');
  return parsed;
}

/** True when a balance (in millionths) is inside the range every store can hold. */
export function isMoneyInRange(micros: bigint): boolean {
  return micros < MONEY_LIMIT && micros > -MONEY_LIMIT;
}

/** The exact product of two decimals. */
export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Wraps a balance in millionths as a Decimal. */
export function moneyDecimal(micros: bigint): Decimal {
  return { units: micros, scale: BALANCE_SCALE };
}

/**
 * Formats with exactly `digits` fractional digits, rounding half away from zero, with no
 * sign on a value that rounds to zero (spec section 5).
 */
export function formatRounded(value: Decimal, digits: number): string {
  const negative = value.units < 0n;
  let magnitude = negative ? -value.units : value.units;
  if (digits >= value.scale) {
    magnitude *= POWERS_OF_TEN[digits - value.scale] ?? 10n ** BigInt(digits - value.scale);
  } else {
    const divisor = POWERS_OF_TEN[value.scale - digits] ?? 10n ** BigInt(value.scale - digits);
    const remainder = magnitude % divisor;
    magnitude /= divisor;
    if (remainder * 2n >= divisor) magnitude += 1n;
  }
  const text = placeDecimalPoint(magnitude.toString(), digits);
  return negative && magnitude !== 0n ? '-' + text : text;
}

/**
 * Formats exactly, with as many fractional digits as the value needs and at least one:
 * `210.0`, `10.5`, `-0.000001`. Used where the spec shows a plain decimal.
 */
export function formatExact(value: Decimal): string {
  const negative = value.units < 0n;
  const magnitude = negative ? -value.units : value.units;
  let text = placeDecimalPoint(magnitude.toString(), value.scale);
  if (value.scale === 0) text += '.0';
  else text = text.replace(/0+$/, '').replace(/\.$/, '.0');
  return negative ? '-' + text : text;
}

/** Formats a balance in millionths exactly (see {@link formatExact}). */
export function formatMoney(micros: bigint): string {
  return formatExact(moneyDecimal(micros));
}

/** The canonical text of a rate, as stored: no trailing zeros, `1` rather than `1.0`. */
export function formatRate(rate: Decimal): string {
  return formatExact(rate).replace(/\.0$/, '');
}

/** Brings a decimal to a larger scale without loss. */
function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function placeDecimalPoint(digitsText: string, scale: number): string {
  if (scale === 0) return digitsText;
  const padded = digitsText.padStart(scale + 1, '0');
  return padded.slice(0, -scale) + '.' + padded.slice(-scale);
}

function refuse(problem: DecimalProblem): { ok: false; problem: DecimalProblem } {
  return { ok: false, problem };
}

// Powers of ten up to the largest scale difference formatting meets (rate scale + balance scale).
const POWERS_OF_TEN: readonly bigint[] = Array.from({ length: 24 }, (_, i) => 10n ** BigInt(i));

/** Human wording for a refused decimal, for CLI and import messages. */
export function describeDecimalProblem(problem: DecimalProblem, maxScale: number, kind = ''): string {
  switch (problem) {
    case 'not-a-decimal':
      return 'is not a plain decimal number';
    case 'not-positive':
      return 'is not greater than zero';
    case 'too-many-fraction-digits':
      return `has more than ${maxScale} ${kind}fractional digits`;
    case 'out-of-range':
      return 'is out of range';
  }
}
