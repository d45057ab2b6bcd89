/**
 * What the admin API lists on SQLite: the ledger by user, source, operator and time, the audit
 * log, and the database's totals. Newest first, paged by keyset (id < the last one seen).
 * Times are stored as ISO text of one width ('YYYY-MM-DDTHH:MM:SS.sssZ'), so the bounds are
 * written the same way and compared as text.
 */
import type Database from 'better-sqlite3';
import type { AuditEntry } from '../../domain/audit.js';
import type { AuditQuery, DatabaseStatistics, LedgerListing, LedgerQuery, LedgerSelection, LedgerTotals } from '../store.js';
import { AUDIT_COLUMNS, LEDGER_COLUMNS, toAuditEntry, toLedgerEntry, type AuditRow, type LedgerRow } from './rows.js';
import { isoTime } from './sqlite-sessions.js';

/** Entries read per batch of a stream. */
const STREAM_BATCH = 1000;
/** The newest entries a page with a time range looks among before it asks the time index. */
const WINDOW = 4096;
const ENTRY_COLUMNS = LEDGER_COLUMNS.split(', ').map((column) => `e.${column}`).join(', ');

type ListingRow = LedgerRow & { username: string };

/** The last millisecond of year 9999: past it, toISOString writes six-digit years, which sort apart as text. */
const LAST_ISO_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A time bound as the stored text, kept inside the years that text orders correctly. */
function bound(ms: number): string {
  return isoTime(Math.min(Math.max(ms, 0), LAST_ISO_MS));
}

/** The conditions given, each with its one parameter. */
class Filter {
  private readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  add(condition: string, value: unknown): void {
    this.conditions.push(condition);
    this.params.push(value);
  }

  /** A condition whose parameters, if any, the caller passes ahead of this filter's. */
  require(condition: string): void {
    this.conditions.push(condition);
  }

  where(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }
}

/**
 * The selection's conditions on who and which surface, shared by a page, a stream and a
 * summary so that their selections cannot differ.
 */
function byWhoAndSource(filter: Filter, query: LedgerSelection): void {
  if (query.userId !== undefined) filter.add('e.user_id = ?', query.userId);
  if (query.source !== undefined) filter.add('e.source = ?', query.source);
  if (query.operator !== undefined) filter.add('e.actor = ?', query.operator);
}

/** The selection's time range, on `time` (the column, or `+e.created_at` to keep off the time index). */
function inTimeRange(filter: Filter, query: LedgerSelection, time: string): void {
  if (query.fromMs !== undefined) filter.add(`${time} >= ?`, bound(query.fromMs));
  if (query.toMs !== undefined) filter.add(`${time} < ?`, bound(query.toMs));
}

export class SqliteListings {
  /** A statement per shape of query (which filters are given): a handful, prepared once each. */
  private readonly prepared = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(private readonly db: Database.Database) {}

  ledgerPage(query: LedgerQuery): LedgerListing[] {
    return this.ledgerRows(query, false);
  }

  /**
   * Keyset batches, each a statement of its own: the connection stays free between them for
   * the store's other calls. Each batch walks the ledger in id order from where the last one
   * stopped (the time bounds are kept off the time index with a unary +), so the whole stream
   * reads the table once, never a range sorted again per batch.
   */
  async *ledgerStream(query: LedgerSelection): AsyncIterable<LedgerListing> {
    for (let beforeId: number | undefined; ; ) {
      const rows = this.ledgerRows({ ...query, beforeId, limit: STREAM_BATCH }, true);
      yield* rows;
      if (rows.length < STREAM_BATCH) return;
      beforeId = rows.at(-1)!.id;
    }
  }

  /**
   * A page with a time range reads the newest WINDOW entries of the rest of the selection first
   * (in id order, a cheap walk): a wide or recent range fills its page there. Only a range the
   * window does not fill goes to the time index, which reads the range and sorts it by id: cheap
   * for the narrow ranges that reach it, where a walk in id order would pass every newer entry.
   */
  private ledgerRows(query: LedgerQuery, idOrder: boolean): LedgerListing[] {
    const timed = query.fromMs !== undefined || query.toMs !== undefined;
    if (idOrder || !timed || query.userId !== undefined) return this.select(query, idOrder ? 'id-order' : 'planner');
    const windowed = this.select(query, 'window');
    return windowed.length === query.limit ? windowed : this.select(query, 'time-index');
  }

  private select(query: LedgerQuery, plan: 'planner' | 'id-order' | 'window' | 'time-index'): LedgerListing[] {
    const filter = new Filter();
    // A unary + keeps a term off the time index, so the walk is in id order.
    const time = plan === 'planner' || plan === 'time-index' ? 'e.created_at' : '+e.created_at';
    byWhoAndSource(filter, query);
    if (query.beforeId !== undefined) filter.add('e.id < ?', query.beforeId);
    if (plan === 'window') {
      const inner = filter.where();
      const params = [...filter.params];
      const outer = new Filter();
      outer.require(`e.id IN (SELECT e.id FROM ledger_entries e ${inner} ORDER BY e.id DESC LIMIT ${WINDOW})`);
      inTimeRange(outer, query, time);
      const sql = `SELECT ${ENTRY_COLUMNS}, u.username FROM ledger_entries e JOIN users u ON u.id = e.user_id ${outer.where()} ORDER BY e.id DESC LIMIT ?`;
      return this.listings(sql, [...params, ...outer.params, query.limit]);
    }
    inTimeRange(filter, query, time);
    const index = plan === 'time-index' ? 'INDEXED BY ledger_entries_by_time' : '';
    const sql = `SELECT ${ENTRY_COLUMNS}, u.username FROM ledger_entries e ${index} JOIN users u ON u.id = e.user_id ${filter.where()} ORDER BY e.id DESC LIMIT ?`;
    return this.listings(sql, [...filter.params, query.limit]);
  }

  private listings(sql: string, params: unknown[]): LedgerListing[] {
    return (this.statement(sql).all(...params) as ListingRow[]).map((row) => ({ ...toLedgerEntry(row), username: row.username }));
  }

  /**
   * The totals of the selection a page lists (the same conditions): credits and debits are
   * summed as whole units and millionths apart, exactly, as the statistics are. Every entry has
   * its user (a foreign key), so the join a page makes for the name changes no count here.
   */
  ledgerSummary(query: LedgerSelection): LedgerTotals {
    const filter = new Filter();
    byWhoAndSource(filter, query);
    inTimeRange(filter, query, 'e.created_at');
    const row = this.statement(
      `SELECT count(*) AS entries,
              coalesce(sum(CASE WHEN e.amount > 0 THEN e.amount / 1000000 END), 0) AS credit_units,
              coalesce(sum(CASE WHEN e.amount > 0 THEN e.amount % 1000000 END), 0) AS credit_micros,
              coalesce(sum(CASE WHEN e.amount < 0 THEN e.amount / 1000000 END), 0) AS debit_units,
              coalesce(sum(CASE WHEN e.amount < 0 THEN e.amount % 1000000 END), 0) AS debit_micros
         FROM ledger_entries e ${filter.where()}`,
    ).get(...filter.params) as { entries: bigint; credit_units: bigint; credit_micros: bigint; debit_units: bigint; debit_micros: bigint };
    return {
      entries: Number(row.entries),
      credits: row.credit_units * 1_000_000n + row.credit_micros,
      debits: row.debit_units * 1_000_000n + row.debit_micros,
    };
  }

  auditPage(query: AuditQuery): AuditEntry[] {
    const filter = new Filter();
    if (query.actor !== undefined) filter.add('actor = ?', query.actor);
    if (query.fromMs !== undefined) filter.add('created_at >= ?', bound(query.fromMs));
    if (query.toMs !== undefined) filter.add('created_at < ?', bound(query.toMs));
    if (query.beforeId !== undefined) filter.add('id < ?', query.beforeId);
    const sql = `SELECT ${AUDIT_COLUMNS} FROM audit_log ${filter.where()} ORDER BY id DESC LIMIT ?`;
    return (this.statement(sql).all(...filter.params, query.limit) as AuditRow[]).map(toAuditEntry);
  }

  statistics(): DatabaseStatistics {
    const row = this.statement(
      // One pass over users for the count and both sums (three passes took half again as long on
      // 1,000,000 users, and a synchronous SQLite query holds every request of the process).
      `SELECT count(*) AS users, coalesce(sum(balance / 1000000), 0) AS units, coalesce(sum(balance % 1000000), 0) AS micros,
              (SELECT count(*) FROM ledger_entries) AS entries
         FROM users`,
    ).get() as { users: bigint; entries: bigint; units: bigint; micros: bigint };
    // Summed as whole units and millionths apart: a million large balances overflow int64 in one sum.
    return { users: Number(row.users), balanceSum: row.units * 1_000_000n + row.micros, ledgerEntries: Number(row.entries) };
  }

  private statement(sql: string): Database.Statement<unknown[], unknown> {
    let statement = this.prepared.get(sql);
    if (statement === undefined) {
      // Integer columns come back as bigint, so a balance never passes through a number.
      statement = this.db.prepare<unknown[], unknown>(sql).safeIntegers(true);
      this.prepared.set(sql, statement);
    }
    return statement;
  }
}
