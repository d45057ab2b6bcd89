/**
 * What the admin API lists on PostgreSQL: the ledger by user, source, operator and time, the
 * audit log, and the database's totals. Newest first, paged by keyset (id < the last one seen).
 */
import type { AuditEntry } from '../../domain/audit.js';
import type { AuditQuery, DatabaseStatistics, LedgerListing, LedgerQuery, LedgerSelection, LedgerTotals } from '../store.js';
import { NUL, type Queryable } from './connection.js';
import { AUDIT_COLUMNS, LEDGER_COLUMNS, money, toAuditEntry, toLedgerEntry, type AuditRow, type LedgerRow } from './rows.js';
import { timeParameter } from './postgres-sessions.js';

/** Entries read per batch of a stream. */
const STREAM_BATCH = 1000;
const ENTRY_COLUMNS = LEDGER_COLUMNS.split(', ').map((column) => `e.${column}`).join(', ');
/** The last millisecond of year 9999: past it, toISOString writes six-digit years. */
const LAST_ISO_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

type ListingRow = LedgerRow & { username: string };

/** The conditions given, each with its one numbered parameter. */
class Filter {
  private readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  add(condition: (placeholder: string) => string, value: unknown): void {
    this.params.push(value);
    this.conditions.push(condition(`$${this.params.length}`));
  }

  where(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }

  /** The placeholder of one more parameter, after the conditions'. */
  next(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

function bound(ms: number): string {
  return timeParameter(Math.min(Math.max(ms, 0), LAST_ISO_MS));
}

/**
 * The selection's conditions, shared by a page, a stream and a summary so that their
 * selections cannot differ; undefined when nothing can match.
 */
function selection(query: LedgerSelection): Filter | undefined {
  // Text with a NUL names nothing stored (PostgreSQL text cannot hold one).
  if (query.operator?.includes(NUL)) return undefined;
  const filter = new Filter();
  if (query.userId !== undefined) filter.add((p) => `e.user_id = ${p}`, query.userId);
  if (query.source !== undefined) filter.add((p) => `e.source = ${p}`, query.source);
  if (query.operator !== undefined) filter.add((p) => `e.actor = ${p}`, query.operator);
  if (query.fromMs !== undefined) filter.add((p) => `e.created_at >= ${p}::timestamptz`, bound(query.fromMs));
  if (query.toMs !== undefined) filter.add((p) => `e.created_at < ${p}::timestamptz`, bound(query.toMs));
  return filter;
}

export async function ledgerPage(db: Queryable, query: LedgerQuery): Promise<LedgerListing[]> {
  const filter = selection(query);
  if (filter === undefined) return [];
  if (query.beforeId !== undefined) filter.add((p) => `e.id < ${p}`, query.beforeId);
  const where = filter.where();
  const limit = filter.next(query.limit);
  const { rows } = await db.query<ListingRow>(
    `SELECT ${ENTRY_COLUMNS}, u.username FROM ledger_entries e JOIN users u ON u.id = e.user_id ${where} ORDER BY e.id DESC LIMIT ${limit}`,
    filter.params,
  );
  return rows.map((row) => ({ ...toLedgerEntry(row), username: row.username }));
}

/** Keyset batches, each its own query: no cursor holds a pooled connection across the stream. */
export async function* ledgerStream(db: Queryable, query: LedgerSelection): AsyncIterable<LedgerListing> {
  for (let beforeId: number | undefined; ; ) {
    const rows = await ledgerPage(db, { ...query, beforeId, limit: STREAM_BATCH });
    yield* rows;
    if (rows.length < STREAM_BATCH) return;
    beforeId = rows.at(-1)!.id;
  }
}

/**
 * The totals of the selection a page lists, summed exactly as NUMERIC. Every entry has its user
 * (a foreign key), so the join a page makes for the name changes no count here.
 */
export async function ledgerSummary(db: Queryable, query: LedgerSelection): Promise<LedgerTotals> {
  const filter = selection(query);
  if (filter === undefined) return { entries: 0, credits: 0n, debits: 0n };
  const { rows } = await db.query<{ entries: string; credits: string; debits: string }>(
    `SELECT count(*) AS entries,
            coalesce(sum(e.amount) FILTER (WHERE e.amount > 0), 0)::text AS credits,
            coalesce(sum(e.amount) FILTER (WHERE e.amount < 0), 0)::text AS debits
       FROM ledger_entries e ${filter.where()}`,
    filter.params,
  );
  const row = rows[0]!;
  return { entries: Number(row.entries), credits: money(row.credits), debits: money(row.debits) };
}

export async function auditPage(db: Queryable, query: AuditQuery): Promise<AuditEntry[]> {
  if (query.actor?.includes(NUL)) return [];
  const filter = new Filter();
  if (query.actor !== undefined) filter.add((p) => `actor = ${p}`, query.actor);
  if (query.fromMs !== undefined) filter.add((p) => `created_at >= ${p}::timestamptz`, bound(query.fromMs));
  if (query.toMs !== undefined) filter.add((p) => `created_at < ${p}::timestamptz`, bound(query.toMs));
  if (query.beforeId !== undefined) filter.add((p) => `id < ${p}`, query.beforeId);
  const where = filter.where();
  const limit = filter.next(query.limit);
  const { rows } = await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log ${where} ORDER BY id DESC LIMIT ${limit}`, filter.params);
  return rows.map(toAuditEntry);
}

export async function statistics(db: Queryable): Promise<DatabaseStatistics> {
  const { rows } = await db.query<{ users: string; entries: string; balance_sum: string }>(
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM ledger_entries) AS entries,
            (SELECT coalesce(sum(balance), 0)::text FROM users) AS balance_sum`,
  );
  const row = rows[0]!;
  return { users: Number(row.users), balanceSum: money(row.balance_sum), ledgerEntries: Number(row.entries) };
}
