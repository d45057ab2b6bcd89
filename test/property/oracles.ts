/**
 * Independent reference implementations for the property tests: decimal syntax, exact
 * half-away-from-zero rounding on digit strings, the hash recipes and SHA1 through node:crypto.
 * Nothing here imports from src/: a property compares the project against these.
 */
import { createHash } from 'node:crypto';

/** A plain decimal as written: sign, whole digits, fraction digits (either may be empty, not both). */
export interface DecimalText {
  readonly negative: boolean;
  readonly whole: string;
  readonly fraction: string;
}

const ASCII_DIGIT = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Scans `[+-]digits[.digits]` by hand; undefined for anything else (exponents, spaces, other digits). */
export function scanDecimal(text: string): DecimalText | undefined {
  let i = 0;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') negative = text[i++] === '-';
  const wholeStart = i;
  while (ASCII_DIGIT(text[i])) i++;
  const whole = text.slice(wholeStart, i);
  let fraction = '';
  if (text[i] === '.') {
    const fractionStart = ++i;
    while (ASCII_DIGIT(text[i])) i++;
    fraction = text.slice(fractionStart, i);
  }
  if (i !== text.length || (whole === '' && fraction === '')) return undefined;
  return { negative, whole, fraction };
}

const stripLeadingZeros = (digits: string): string => digits.replace(/^0+/, '') || '0';
const stripTrailingZeros = (digits: string): string => digits.replace(/0+$/, '');

/** The plain text of units / 10^scale, written digit by digit: `-1005000, 6` → `-1.005000`. */
export function plainText(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString();
  if (scale === 0) return (negative ? '-' : '') + digits;
  const padded = '0'.repeat(Math.max(0, scale + 1 - digits.length)) + digits;
  return `${negative ? '-' : ''}${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
}

/** Adds one to a string of decimal digits, carrying by hand. */
function incrementDigits(digits: string): string {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === '9') out[i] = '0';
    else {
      out[i] = String.fromCharCode(out[i]!.charCodeAt(0) + 1);
      return out.join('');
    }
  }
  return '1' + out.join('');
}

/**
 * Rounds a plain decimal text to `digits` places, half away from zero, on its digits alone:
 * the first dropped digit decides (5 or more is at least half). Exactly `digits` places, no sign
 * on zero. The spec's formatting rule (section 5), written without bigint division.
 */
export function roundText(text: string, digits: number): string {
  const parsed = scanDecimal(text);
  if (parsed === undefined) throw new Error(`not a plain decimal: ${text}`);
  const fraction = parsed.fraction.padEnd(digits + 1, '0');
  let kept = (parsed.whole || '0') + fraction.slice(0, digits);
  if (fraction[digits]! >= '5') kept = incrementDigits(kept);
  const whole = stripLeadingZeros(kept.slice(0, kept.length - digits));
  const places = kept.slice(kept.length - digits);
  const isZero = /^0*$/.test(kept);
  return (parsed.negative && !isZero ? '-' : '') + whole + (digits > 0 ? '.' + places : '');
}

/** The exact product of two plain decimal texts, as a plain decimal text (bigint digits, no division). */
export function multiplyTexts(a: string, b: string): string {
  const x = scanDecimal(a);
  const y = scanDecimal(b);
  if (x === undefined || y === undefined) throw new Error(`not plain decimals: ${a}, ${b}`);
  const units = (d: DecimalText): bigint => (d.negative ? -1n : 1n) * BigInt((d.whole || '0') + d.fraction);
  return plainText(units(x) * units(y), x.fraction.length + y.fraction.length);
}

/** The numeric value of a plain decimal as a fraction over 10^scale, for comparisons. */
export function valueAt(text: string, scale: number): bigint {
  const d = scanDecimal(text);
  if (d === undefined || d.fraction.length > scale) throw new Error(`cannot scale ${text} to ${scale}`);
  return (d.negative ? -1n : 1n) * BigInt((d.whole || '0') + d.fraction.padEnd(scale, '0'));
}

/** What the spec and README accept as an amount: plain decimal, ≤ 6 significant fraction digits, |x| < 10^12. */
export function referenceParseMoney(text: string): bigint | undefined {
  if (text.length > 64) return undefined; // the implementation's documented bound on hostile input
  const d = scanDecimal(text);
  if (d === undefined) return undefined;
  const fraction = stripTrailingZeros(d.fraction);
  if (fraction.length > 6) return undefined;
  const micros = BigInt((d.whole || '0') + fraction.padEnd(6, '0'));
  if (micros >= 10n ** 18n) return undefined;
  return d.negative ? -micros : micros;
}

/**
 * What the spec accepts as a rate: a positive plain decimal below 10^12 with at most 12
 * significant fractional digits (zeros right after the point of a value below 1 do not count).
 * Returns the value as units and scale without trailing zeros.
 */
export function referenceParseRate(text: string): { units: bigint; scale: number } | undefined {
  if (text.length > 64) return undefined;
  const d = scanDecimal(text);
  if (d === undefined || d.negative) return undefined; // a negative value (-0 included) is not positive
  const fraction = stripTrailingZeros(d.fraction);
  if (fraction.length > 30) return undefined;
  const whole = stripLeadingZeros(d.whole);
  const units = BigInt(whole + fraction);
  if (units === 0n) return undefined;
  const significant = whole === '0' ? fraction.replace(/^0+/, '').length : fraction.length;
  if (significant > 12) return undefined;
  if (whole.length > 12) return undefined;
  return { units, scale: fraction.length };
}

/** SHA1 in lower-case hex of the UTF-8 text, through node:crypto's streaming API. */
export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/** The recipes of spec sections 2 and 10, written from the spec: hashed names in order. */
export const REFERENCE_RECIPES: Readonly<Record<string, readonly string[]>> = {
  user_balance_get: ['username', 'currency'],
  balance: ['username', 'currency'],
  user_balance_update: ['user_id', 'balance', 'transaction_id'],
  user_balance_change: ['user_id', 'balance', 'transaction_id'],
  exchange_rate_update: ['currency', 'rate'],
};

/** `user_id` is hashed as the integer Kolmisoft reads: `007` as `7`. */
export function referenceIntegerText(value: string): string {
  return /^[0-9]+$/.test(value) ? BigInt(value).toString() : value;
}

/** The values a recipe hashes, present and non-empty, in order. */
export function referenceHashedValues(method: string, params: ReadonlyMap<string, string>): string[] {
  const names = REFERENCE_RECIPES[method] ?? [];
  const values: string[] = [];
  for (const name of names) {
    const value = params.get(name);
    if (value === undefined || value === '') continue;
    values.push(name === 'user_id' ? referenceIntegerText(value) : value);
  }
  return values;
}

/** The spec's hash: SHA1 hex of the concatenated values, then the key. */
export function referenceHash(method: string, params: ReadonlyMap<string, string>, key: string): string {
  return sha1Hex(referenceHashedValues(method, params).join('') + key);
}

/** Whether a given `hash` parameter is right: 40 hex digits, either case, equal to the reference. */
export function referenceHashMatches(given: string | undefined, expected: string): boolean {
  return given !== undefined && /^[0-9a-fA-F]{40}$/.test(given) && given.toLowerCase() === expected;
}
