/**
 * Reading the ledger for the admin API and the console: every entry or one user's, newest
 * first, filtered by time, source, user and operator, in keyset pages or as one CSV stream.
 */
import { formatMoney } from '../domain/money.js';
import type { LedgerSource } from '../domain/ledger.js';
import type { Administration, BalanceReads, LedgerListing, LedgerQuery } from '../store/store.js';
import { invalid, notFound } from './admin-error.js';
import { pageCursor, readCursor, readLimit, readName, readSource, readTime, readUserId, type RawNumber } from './raw-input.js';
import { quote, toSpreadsheetCell } from './users-csv.js';

export const DEFAULT_LEDGER_LIMIT = 50;
export const MAX_LEDGER_LIMIT = 500;

/** Which entries: every field optional, as the query string gives them. */
export interface LedgerFilterInput {
  readonly from?: string;
  readonly to?: string;
  readonly source?: string;
  readonly userId?: RawNumber;
  readonly operator?: string;
}

export interface LedgerPageInput extends LedgerFilterInput {
  readonly limit?: RawNumber;
  readonly cursor?: string;
}

export interface LedgerPage {
  readonly entries: readonly LedgerListing[];
  /** The cursor of the next page; undefined on the last one. */
  readonly nextCursor: string | undefined;
}

/** One page of every user's entries, newest first. */
export async function listLedger(store: Pick<Administration, 'ledgerPage'>, input: LedgerPageInput): Promise<LedgerPage> {
  const filter = readFilter(input);
  const limit = readLimit('limit', input.limit, DEFAULT_LEDGER_LIMIT, MAX_LEDGER_LIMIT);
  const beforeId = input.cursor === undefined ? undefined : readCursor('cursor', input.cursor);
  return page(store, { ...filter, limit, ...(beforeId !== undefined && { beforeId }) });
}

/** One page of one user's entries (closed users included), newest first; not_found for an unknown user. */
export async function userLedger(
  store: Pick<Administration, 'ledgerPage'> & Pick<BalanceReads, 'findUser'>,
  userId: RawNumber,
  input: Omit<LedgerPageInput, 'userId'>,
): Promise<LedgerPage> {
  const id = readUserId('id', userId);
  const filter = readFilter(input);
  const limit = readLimit('limit', input.limit, DEFAULT_LEDGER_LIMIT, MAX_LEDGER_LIMIT);
  const beforeId = input.cursor === undefined ? undefined : readCursor('cursor', input.cursor);
  if ((await store.findUser({ id })) === undefined) throw notFound('user', String(id), 'id');
  return page(store, { ...filter, userId: id, limit, ...(beforeId !== undefined && { beforeId }) });
}

export interface LedgerSummary {
  readonly entries: number;
  /** The sum of the positive amounts, exact decimal text in the system currency. */
  readonly credits: string;
  /** The sum of the negative amounts (zero or less). */
  readonly debits: string;
  /** credits + debits: what the selection moved in all. */
  readonly net: string;
}

/** The totals of the whole selection a filter names (every page of it), summed exactly by the store. */
export async function summariseLedger(store: Pick<Administration, 'ledgerSummary'>, input: LedgerFilterInput): Promise<LedgerSummary> {
  const totals = await store.ledgerSummary(readFilter(input));
  return { entries: totals.entries, credits: formatMoney(totals.credits), debits: formatMoney(totals.debits), net: formatMoney(totals.credits + totals.debits) };
}

/** The CSV export's columns, in order. */
export const LEDGER_CSV_COLUMNS = [
  'id',
  'created_at',
  'user_id',
  'username',
  'amount',
  'balance_after',
  'source',
  'comment',
  'idempotency_key',
  'operator',
  'request_id',
] as const;

/**
 * The selection as CSV (RFC 4180): a header line, then one line per entry, newest first, without
 * a limit. The input is checked at once, before anything is read, so a surface can answer an
 * AdminError before it starts the stream.
 */
export function exportLedgerCsv(store: Pick<Administration, 'ledgerStream'>, input: LedgerFilterInput): AsyncIterable<string> {
  const filter = readFilter(input);
  return (async function* () {
    yield LEDGER_CSV_COLUMNS.join(',') + '\r\n';
    for await (const entry of store.ledgerStream(filter)) yield ledgerCsvLine(entry);
  })();
}

/**
 * One entry as a CSV line. Free text (names, comments, keys, request ids) cannot run as a
 * spreadsheet formula (toSpreadsheetCell); the amounts are signed decimals Tally writes and
 * stay numbers.
 */
export function ledgerCsvLine(entry: LedgerListing): string {
  const text = (value: string | undefined): string => quote(toSpreadsheetCell(value ?? ''));
  return (
    [
      String(entry.id),
      entry.createdAt,
      String(entry.userId),
      text(entry.username),
      formatMoney(entry.amount),
      formatMoney(entry.balanceAfter),
      entry.source,
      text(entry.comment),
      text(entry.idempotencyKey),
      text(entry.actor),
      text(entry.requestId),
    ].join(',') + '\r\n'
  );
}

async function page(store: Pick<Administration, 'ledgerPage'>, query: LedgerQuery): Promise<LedgerPage> {
  // One more than asked tells whether a next page exists, so the last page says so itself.
  const rows = await store.ledgerPage({ ...query, limit: query.limit + 1 });
  const entries = rows.slice(0, query.limit);
  return { entries, nextCursor: rows.length > query.limit ? pageCursor(entries.at(-1)!.id) : undefined };
}

interface LedgerFilter {
  readonly userId?: number;
  readonly source?: LedgerSource;
  readonly operator?: string;
  readonly fromMs?: number;
  readonly toMs?: number;
}

function readFilter(input: LedgerFilterInput): LedgerFilter {
  const fromMs = input.from === undefined ? undefined : readTime('from', input.from);
  const toMs = input.to === undefined ? undefined : readTime('to', input.to);
  if (fromMs !== undefined && toMs !== undefined && toMs < fromMs) {
    throw invalid({ entity: 'time', field: 'to', value: input.to, reason: 'before_from' });
  }
  return {
    ...(input.userId !== undefined && { userId: readUserId('user_id', input.userId) }),
    ...(input.source !== undefined && { source: readSource('source', input.source) }),
    ...(input.operator !== undefined && { operator: readName('operator', input.operator) }),
    ...(fromMs !== undefined && { fromMs }),
    ...(toMs !== undefined && { toMs }),
  };
}
