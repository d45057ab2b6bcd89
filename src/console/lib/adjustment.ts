/**
 * What the console checks of a balance adjustment before it asks for a confirmation: an amount
 * the API can take (a signed decimal with at most 6 fractional digits, not zero), and the
 * balance it would leave, exactly. The server still judges; this only spares a round trip.
 */
import { addDecimals, fromMicros, toMicros } from './decimal.js';

export type AmountCheck = { readonly ok: true; readonly amount: string } | { readonly ok: false; readonly reason: string };

/**
 * The amount as the API is sent it (its shortest form: `+5.50` is `5.5`), or why it cannot be
 * one. Zero is refused unless `zeroAllowed` (an opening balance may be zero; an adjustment not).
 */
export function checkAmount(text: string, { zeroAllowed = false }: { zeroAllowed?: boolean } = {}): AmountCheck {
  if (text.trim() === '') return { ok: false, reason: 'Write the amount to add, or a negative amount to take away.' };
  const micros = toMicros(text);
  if (micros === undefined) return { ok: false, reason: 'Write a signed decimal such as 5, -3.25 or 0.000001: digits, at most one point, at most 6 digits after it.' };
  if (micros === 0n && !zeroAllowed) return { ok: false, reason: 'The amount cannot be zero.' };
  return { ok: true, amount: fromMicros(micros) };
}

/** What the confirmation shows: the balance now, the amount, and the balance after, exact. */
export interface AdjustmentPreview {
  readonly current: string;
  readonly amount: string;
  readonly after: string;
}

export function previewAdjustment(current: string, amount: string): AdjustmentPreview | undefined {
  const after = addDecimals(current, amount);
  return after === undefined ? undefined : { current, amount, after };
}
