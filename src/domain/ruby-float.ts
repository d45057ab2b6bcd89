/**
 * A balance as Ruby prints a Float (`Float#to_s`), for user_details_get's `balance_number`: the
 * one value in Tally's answers that passes through a binary float, on purpose, because
 * Kolmisoft's clients read it so (spec m4-payments.md section 4). Nothing else may use it.
 */
import { formatMoney } from './money.js';

/**
 * The shortest decimal that reads back as the same double, always with a fractional part
 * (`26.0`, `0.05`, `-3.333333`); in exponent form (`1.0e-05`, `1.0e+16`) below 0.0001 and
 * from 10^16 up, as Ruby does.
 */
export function rubyFloatText(micros: bigint): string {
  const value = Number(formatMoney(micros));
  if (value === 0) return '0.0';
  // toExponential() without a precision gives the shortest digits that read back as `value`.
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const sign = value < 0 ? '-' : '';
  // Ruby's flo_to_s: fixed notation while the decimal point falls within -4 < decpt <= 16.
  const decpt = exponent + 1;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    const whole = digits.slice(0, decpt).padEnd(decpt, '0');
    const fraction = digits.slice(decpt);
    return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
  }
  const fraction = digits.slice(1) === '' ? '0' : digits.slice(1);
  const magnitude = String(Math.abs(exponent)).padStart(2, '0');
  return `${sign}${digits[0]}.${fraction}e${exponent < 0 ? '-' : '+'}${magnitude}`;
}
