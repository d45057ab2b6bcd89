/**
 * Exact decimal arithmetic for what the console computes itself (the balance an adjustment
 * would leave, a chart's scale): the admin API's money strings as BigInt millionths, never a
 * binary float. The server stays the judge of what is valid; this only previews.
 */
export const SCALE = 6;
const UNIT = 10n ** BigInt(SCALE);
const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** The millionths of a decimal string, or undefined when it is not one or has more than 6 fractional digits. */
export function toMicros(text: string): bigint | undefined {
  return toScaled(text, SCALE);
}

/** A decimal string times 10^scale, exactly; undefined when it is not one or has more fractional digits than `scale`. */
export function toScaled(text: string, scale: number): bigint | undefined {
  const match = DECIMAL.exec(text.trim());
  if (match === null) return undefined;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > scale) return undefined;
  const scaled = BigInt(whole!) * 10n ** BigInt(scale) + BigInt(fraction.padEnd(scale, '0'));
  return sign === '-' ? -scaled : scaled;
}

/** How many fractional digits a decimal string has; undefined when it is not one. */
export function fractionDigits(text: string): number | undefined {
  const match = DECIMAL.exec(text.trim());
  return match === null ? undefined : (match[3] ?? '').length;
}

/** The shortest decimal string of a number of millionths ("26.5", "-3.333333", "0"). */
export function fromMicros(micros: bigint): string {
  const negative = micros < 0n;
  const magnitude = negative ? -micros : micros;
  const whole = magnitude / UNIT;
  const fraction = (magnitude % UNIT).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** a + b of two decimal strings, exactly; undefined when either is not a decimal. */
export function addDecimals(a: string, b: string): string | undefined {
  const x = toMicros(a);
  const y = toMicros(b);
  return x === undefined || y === undefined ? undefined : fromMicros(x + y);
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (both decimal strings). */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const x = toMicros(a) ?? 0n;
  const y = toMicros(b) ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}
