/**
 * A user's ledger as the console's user page reads it: the day range of its date filter as the
 * API's `from`/`to` bounds, and the balance-over-time points of a chart from entries the API
 * lists newest first.
 */
import type { ChartPoint } from './chart.js';
import { dayBound } from './format.js';

export interface DayRange {
  /** RFC 3339 bounds for the API (`to` exclusive: the day after the last day's midnight). */
  readonly from?: string;
  readonly to?: string;
  /** Why the range selects nothing, when the reader wrote it backwards. */
  readonly problem?: string;
}

/** The API bounds of a "from day" / "to day" filter (both inclusive days, either may be empty). */
export function dayRange(fromDay: string, toDay: string, timeZone?: string): DayRange {
  const from = fromDay === '' ? undefined : dayBound(fromDay, false, timeZone);
  const to = toDay === '' ? undefined : dayBound(toDay, true, timeZone);
  const range = { ...(from !== undefined && { from }), ...(to !== undefined && { to }) };
  if (from !== undefined && to !== undefined && from >= to) return { ...range, problem: `The last day (${toDay}) is before the first (${fromDay}).` };
  return range;
}

/** The chart's points, oldest first, from ledger entries newest first (as the API lists them). */
export function balancePoints(entries: readonly { readonly created_at: string; readonly balance_after: string }[]): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    const time = Date.parse(entry.created_at);
    if (!Number.isNaN(time)) points.push({ time, value: entry.balance_after });
  }
  return points;
}
