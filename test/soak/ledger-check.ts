/**
 * The end of the run, with the server stopped: the database (read by database.ts) held against
 * what the clients were told.
 *
 *   - every acknowledged update has exactly one ledger entry with its transaction_id, for its
 *     user and amount, with the balance its answer gave; refused, unsent, cut-off and forged
 *     ones have none; ones whose answer was lost have none or one;
 *   - no API entry without a transaction_id the clients sent;
 *   - each user's entries chain (every balance_after is the one before plus the amount), from
 *     the known opening balance to the stored balance: no lost update;
 *   - each currency's rate history chains to its current rate, which is one that was sent.
 */
import type { EntryRow, Snapshot } from './database.js';
import { formatMicros, sameDecimal } from './money.js';
import { INVARIANTS, type Recorder, type UpdateBook, type UpdateRecord } from './record.js';
import type { Population } from './traffic.js';

export interface LedgerFigures {
  readonly entries: number;
  readonly apiEntries: number;
  readonly unknownLanded: number;
  readonly unknownAbsent: number;
}

export function checkSnapshot(snapshot: Snapshot, updates: UpdateBook, population: Population, rateChanges: ReadonlyMap<string, { sent: number; acknowledged: number }>, record: Recorder): LedgerFigures {
  const apiEntriesByKey = groupApiEntries(snapshot, updates, record);
  const { landed, absent } = checkUpdates(apiEntriesByKey, updates, record);
  checkChains(snapshot, population, record);
  checkRates(snapshot, population, rateChanges, record);
  let apiEntries = 0;
  for (const entries of apiEntriesByKey.values()) apiEntries += entries.length;
  return { entries: snapshot.entries.length, apiEntries, unknownLanded: landed, unknownAbsent: absent };
}

/** API entries by transaction_id; one without a key, or with a key nobody sent, is a violation. */
function groupApiEntries(snapshot: Snapshot, updates: UpdateBook, record: Recorder): Map<string, EntryRow[]> {
  const byKey = new Map<string, EntryRow[]>();
  for (const entry of snapshot.entries) {
    if (entry.source !== 'api') continue;
    if (entry.key === null || !updates.byKey.has(entry.key)) {
      record.violation(INVARIANTS.ledgerOnlySent, `entry ${entry.id} for user ${entry.userId} (${formatMicros(entry.amount)}) has transaction_id ${JSON.stringify(entry.key)}, which no client sent`);
      continue;
    }
    const list = byKey.get(entry.key) ?? [];
    list.push(entry);
    byKey.set(entry.key, list);
  }
  return byKey;
}

const ALLOWED_ENTRIES: Readonly<Record<UpdateRecord['state'], readonly number[]>> = {
  acknowledged: [1],
  refused: [0],
  unsent: [0],
  cut: [0],
  forged: [0],
  unknown: [0, 1],
};

function checkUpdates(byKey: ReadonlyMap<string, readonly EntryRow[]>, updates: UpdateBook, record: Recorder): { landed: number; absent: number } {
  let landed = 0;
  let absent = 0;
  for (const update of updates.byKey.values()) {
    const entries = byKey.get(update.key) ?? [];
    const what = `${update.state} update ${JSON.stringify(update.key)} (${update.amountText} for user ${update.userId})`;
    if (!ALLOWED_ENTRIES[update.state].includes(entries.length)) {
      record.violation(INVARIANTS.entriesPerState, `${what} has ${entries.length} entries, not ${ALLOWED_ENTRIES[update.state].join(' or ')}`);
      continue;
    }
    if (update.state === 'unknown') entries.length === 1 ? landed++ : absent++;
    const entry = entries[0];
    if (entry === undefined) continue;
    if (entry.userId !== update.userId || entry.amount !== update.micros) {
      record.violation(INVARIANTS.entryMatches, `${what}: entry ${entry.id} is ${formatMicros(entry.amount)} for user ${entry.userId}`);
    }
    if (update.balanceAfter !== undefined && entry.balanceAfter !== update.balanceAfter) {
      record.violation(INVARIANTS.ackBalance, `${what} was answered ${formatMicros(update.balanceAfter)}, entry ${entry.id} says ${formatMicros(entry.balanceAfter)}`);
    }
  }
  return { landed, absent };
}

/**
 * Each user's entries, in order, chain from zero: balance_after is the previous one plus the
 * amount; the first entries are the known opening balance; the last is the stored balance.
 */
function checkChains(snapshot: Snapshot, population: Population, record: Recorder): void {
  const byUser = new Map<number, EntryRow[]>();
  for (const entry of snapshot.entries) {
    const list = byUser.get(entry.userId) ?? [];
    list.push(entry);
    byUser.set(entry.userId, list);
  }
  for (const user of population.users) {
    const entries = byUser.get(user.id) ?? [];
    let running = 0n;
    let opening = 0n;
    for (const entry of entries) {
      running += entry.amount;
      if (entry.source !== 'api') opening += entry.amount;
      if (entry.balanceAfter !== running) {
        record.violation(INVARIANTS.chain, `${user.username}: entry ${entry.id} says ${formatMicros(entry.balanceAfter)} after ${formatMicros(entry.amount)}, the entries before sum to ${formatMicros(running - entry.amount)}`);
        running = entry.balanceAfter; // one report per break, not one per entry after it
      }
    }
    if (opening !== user.opening) record.violation(INVARIANTS.opening, `${user.username}: non-API entries sum to ${formatMicros(opening)}, seeded ${formatMicros(user.opening)}`);
    const stored = snapshot.balances.get(user.id);
    if (stored !== running) record.violation(INVARIANTS.balanceSum, `${user.username}: stored ${stored === undefined ? 'nothing' : formatMicros(stored)}, entries sum to ${formatMicros(running)}`);
    if (user.readOnly && stored !== user.opening) record.violation(INVARIANTS.readOnlyKept, `${user.username}: ${stored === undefined ? 'gone' : formatMicros(stored)}, opened with ${formatMicros(user.opening)}`);
  }
}

/** Each currency's rate changes chain (old rate = the previous new rate) to its current rate, one that was sent. */
function checkRates(snapshot: Snapshot, population: Population, counts: ReadonlyMap<string, { sent: number; acknowledged: number }>, record: Recorder): void {
  for (const [code, rate] of snapshot.rates) {
    const changes = snapshot.rateChanges.filter((change) => change.currency === code);
    let previous: string | null = null;
    for (const change of changes) {
      const chained = previous === null ? change.oldRate === null : change.oldRate !== null && sameDecimal(change.oldRate, previous);
      if (!chained) record.violation(INVARIANTS.rateChain, `${code}: a change from ${change.oldRate} to ${change.newRate} follows ${previous ?? 'nothing'}`);
      previous = change.newRate;
    }
    if (previous === null || !sameDecimal(previous, rate)) record.violation(INVARIANTS.rateChain, `${code}: the rate is ${rate}, its history ends at ${previous ?? 'nothing'}`);
    const possible = population.possibleRates.get(code) ?? [];
    if (!possible.some((known) => sameDecimal(known.text, rate))) record.violation(INVARIANTS.rateSent, `${code} is ${rate}, never sent`);
    const apiChanges = changes.filter((change) => change.source === 'api').length;
    const { sent, acknowledged } = counts.get(code) ?? { sent: 0, acknowledged: 0 };
    if (apiChanges < acknowledged || apiChanges > sent) record.violation(INVARIANTS.rateCount, `${code}: ${apiChanges} API rate changes for ${acknowledged} acknowledged of ${sent} sent`);
  }
}
