/**
 * How the console writes numbers and times for people: money exact (never rounded away), padded
 * to its currency's digits and grouped by thousands; times in the reader's own zone.
 */

/** The minor-unit digits of an ISO 4217 currency (USD 2, JPY 0, BHD 3); 2 for a code Intl does not know. */
export function currencyDigits(code: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * A decimal string for reading: `1234.5` in USD is `1,234.50`; a value with more digits than
 * its currency has keeps them all (`3.333333`, or the 7 of a balance converted at a rate,
 * `-1.6666665`): the console shows money as it is kept.
 */
export function formatMoney(amount: string, currency?: string, options: { signed?: boolean } = {}): string {
  // Not toMicros: a balance in the user's own currency may hold more than 6 fractional digits.
  const match = DECIMAL_TEXT.exec(amount.trim());
  if (match === null) return amount;
  const [, sign, whole, fraction = ''] = match;
  const digits = currency === undefined ? 2 : currencyDigits(currency);
  const zero = /^0*$/.test(whole! + fraction);
  const kept = fraction.replace(/0+$/, '');
  const shown = kept.length >= digits ? kept : kept.padEnd(digits, '0');
  const grouped = BigInt(whole!).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const shownSign = zero ? '' : sign === '-' ? '−' : options.signed ? '+' : '';
  const number = `${shownSign}${grouped}${shown === '' ? '' : `.${shown}`}`;
  return currency === undefined ? number : `${number} ${currency}`;
}

const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** A whole count grouped by thousands. */
export function formatCount(count: number | bigint | string): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An RFC 3339 time of the API in the reader's zone, to the second (`2026-12-01 18:20:44`). */
export function formatTime(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    ...(timeZone !== undefined && { timeZone }),
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/**
 * A date field's value (`2026-12-01`) as the API's `from` bound, or, with `end`, as the
 * exclusive `to` bound of that day (the next day's midnight), in RFC 3339 UTC. The day is the
 * reader's own (the browser's zone) unless `timeZone` is `'UTC'`.
 */
export function dayBound(day: string, end = false, timeZone?: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return undefined;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  if (timeZone === 'UTC') return new Date(Date.UTC(y, m - 1, d + (end ? 1 : 0))).toISOString();
  return new Date(y, m - 1, d + (end ? 1 : 0)).toISOString();
}
