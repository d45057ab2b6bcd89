/**
 * Exact money for the soak test's checks: bigint millionths, never a JavaScript number. Written
 * apart from src/domain/money.ts on purpose, so that a bug there cannot vouch for itself.
 */
import { between, chance, pick, type Random } from './random.js';

export const MICROS_PER_UNIT = 1_000_000n;

/** An amount as sent (its text) and as meant (millionths). */
export interface Amount {
  readonly text: string;
  readonly micros: bigint;
}

/** An exchange rate: `units / 10^scale`, and its text as sent. */
export interface Rate {
  readonly text: string;
  readonly units: bigint;
  readonly scale: number;
}

/** "12.5", "-3", "0.000001", "12.500000" (PostgreSQL's NUMERIC text) to millionths; undefined otherwise. */
export function parseMicros(text: string): bigint | undefined {
  const match = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (match === null) return undefined;
  const magnitude = BigInt(match[2]!) * MICROS_PER_UNIT + BigInt((match[3] ?? '').padEnd(6, '0'));
  return match[1] === '-' ? -magnitude : magnitude;
}

/** Millionths as exact text with at least one fractional digit: "12.5", "-0.000001", "3.0". */
export function formatMicros(micros: bigint): string {
  const magnitude = micros < 0n ? -micros : micros;
  const fraction = (magnitude % MICROS_PER_UNIT).toString().padStart(6, '0').replace(/0+$/, '');
  return `${micros < 0n ? '-' : ''}${magnitude / MICROS_PER_UNIT}.${fraction === '' ? '0' : fraction}`;
}

export function parseRate(text: string): Rate {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) throw new Error(`not a rate: ${text}`);
  const fraction = match[2] ?? '';
  return { text, units: BigInt(match[1]! + fraction), scale: fraction.length };
}

/** Whether two decimal texts are the same number: "0.7400" and "0.74", "1" and "1.0". */
export function sameDecimal(a: string, b: string): boolean {
  return canonicalDecimal(a) === canonicalDecimal(b);
}

function canonicalDecimal(text: string): string {
  const [whole = '', fraction = ''] = text.split('.');
  const trimmedFraction = fraction.replace(/0+$/, '');
  const trimmedWhole = whole.replace(/^(-?)0+(?=\d)/, '$1');
  return trimmedFraction === '' ? trimmedWhole : `${trimmedWhole}.${trimmedFraction}`;
}

/**
 * A balance as user_balance_get shows it: `micros × rate` (no rate: the system currency),
 * rounded half away from zero to `digits` places, no minus sign on a value that rounds to zero.
 */
export function convertRounded(micros: bigint, rate: Rate | undefined, digits: number): string {
  const units = rate === undefined ? micros : micros * rate.units;
  const scale = 6 + (rate?.scale ?? 0);
  const negative = units < 0n;
  let magnitude = negative ? -units : units;
  const divisor = 10n ** BigInt(scale - digits);
  const remainder = magnitude % divisor;
  magnitude /= divisor;
  if (remainder * 2n >= divisor) magnitude += 1n;
  const padded = magnitude.toString().padStart(digits + 1, '0');
  const text = digits === 0 ? padded : `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
  return negative && magnitude !== 0n ? `-${text}` : text;
}

/** `magnitude × 10^-scale` as text: (40n, 2, true) is "-0.40". */
export function scaledText(magnitude: bigint, scale: number, negative: boolean): string {
  const digits = magnitude.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** A non-zero change of a balance: 0, 1, 2 or 6 fractional digits, a little under half negative. */
export function randomAmount(random: Random): Amount {
  const [scale, max] = pick(random, [[0, 20], [1, 99], [2, 999], [2, 999], [6, 9_999_999]] as const);
  return amountOf(BigInt(between(random, 1, max)), scale, chance(random, 0.45));
}

/** An opening balance for `tally import`: one in ten negative, one in twenty zero. */
export function randomOpening(random: Random): Amount {
  if (chance(random, 0.05)) return { text: '0', micros: 0n };
  const [scale, max] = pick(random, [[0, 5_000], [2, 999_999], [6, 99_999_999_999]] as const);
  return amountOf(BigInt(between(random, 1, max)), scale, chance(random, 0.1));
}

function amountOf(magnitude: bigint, scale: number, negative: boolean): Amount {
  const micros = magnitude * 10n ** BigInt(6 - scale);
  return { text: scaledText(magnitude, scale, negative), micros: negative ? -micros : micros };
}

/** The same amount written another way, as a retrying client might: trailing zeros added. */
export function respelledAmount(random: Random, text: string): string {
  const fraction = text.split('.')[1] ?? '';
  const zeros = between(random, 1, Math.max(1, 6 - fraction.length));
  return fraction.length >= 6 ? text : `${fraction === '' ? `${text}.` : text}${'0'.repeat(zeros)}`;
}
