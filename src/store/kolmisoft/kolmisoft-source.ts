/**
 * A Kolmisoft (MOR, M2, M4) database read through mysql2: the only file that loads the driver.
 * Everything is read inside one read-only, repeatable-read transaction opened with a consistent
 * snapshot, so the import's two passes see the same rows, and nothing is ever written. Floats
 * are read as the server's text (CAST ... AS CHAR): the shortest decimal that reads back as the
 * same double, never a JavaScript number.
 */
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { parseMysqlLocation } from './mysql-location.js';

export interface KolmisoftCurrencyRow {
  readonly id: number | string;
  readonly name: string | null;
  /** The DOUBLE as the server prints it. */
  readonly exchangeRate: string | null;
  readonly active: number | null;
}

export interface KolmisoftUserRow {
  readonly id: number | string;
  readonly username: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** The DOUBLE as the server prints it. */
  readonly balance: string | null;
  readonly currencyId: number | null;
  readonly uniquehash: string | null;
  readonly usertype: string | null;
  readonly hidden: number | null;
}

/** The columns the import reads, by table: a database without one of them is refused before any row is read. */
export const KOLMISOFT_COLUMNS = {
  currencies: ['id', 'name', 'exchange_rate', 'active'],
  users: ['id', 'username', 'first_name', 'last_name', 'balance', 'currency_id', 'uniquehash', 'usertype', 'hidden'],
} as const;

export type KolmisoftTable = keyof typeof KOLMISOFT_COLUMNS;

export interface KolmisoftSnapshot {
  /** The location without its password. */
  readonly location: string;
  /** Columns the import needs that a table lacks (a missing table lacks them all). */
  missingColumns(): Promise<ReadonlyMap<KolmisoftTable, readonly string[]>>;
  currencies(): Promise<readonly KolmisoftCurrencyRow[]>;
  countUsers(): Promise<number>;
  /** Every user in id order, in pages: bounded memory however many there are. */
  users(): AsyncIterable<readonly KolmisoftUserRow[]>;
  close(): Promise<void>;
}

/** The source could not be reached or read (not a refusal of its rows): the message names the location without its password. */
export class KolmisoftReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KolmisoftReadError';
  }
}

const USERS_PAGE = 10_000;
/** Below any INT id: the first page starts after it. */
const BEFORE_FIRST_ID = '-9223372036854775808';

/** Connects and opens the snapshot; a failure names the location, never the password. */
export async function openKolmisoftSnapshot(location: string): Promise<KolmisoftSnapshot> {
  const target = parseMysqlLocation(location);
  const hide = (error: unknown): KolmisoftReadError => {
    let message = error instanceof Error ? error.message : String(error);
    if (target.password !== '') message = message.replaceAll(target.password, '***');
    return new KolmisoftReadError(`cannot read the Kolmisoft database at ${target.display}: ${message}`);
  };
  const { createConnection } = await import('mysql2/promise');
  let connection: Connection;
  try {
    connection = await createConnection({
      host: target.host,
      port: target.port,
      user: target.user,
      password: target.password,
      database: target.database,
      charset: 'utf8mb4',
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      dateStrings: true,
      connectTimeout: 10_000,
    });
  } catch (error) {
    throw hide(error);
  }
  const query = async <T>(sql: string, values: unknown[] = []): Promise<T[]> => {
    try {
      const [rows] = await connection.query<RowDataPacket[]>({ sql, values });
      return rows as T[];
    } catch (error) {
      throw hide(error);
    }
  };
  try {
    await query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  } catch (error) {
    await connection.end().catch(() => undefined);
    throw error;
  }
  return {
    location: target.display,
    async missingColumns() {
      const rows = await query<{ table_name: string; column_name: string }>(
        `SELECT LOWER(TABLE_NAME) AS table_name, LOWER(COLUMN_NAME) AS column_name FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('currencies', 'users')`,
      );
      const missing = new Map<KolmisoftTable, string[]>();
      for (const [table, columns] of Object.entries(KOLMISOFT_COLUMNS) as [KolmisoftTable, readonly string[]][]) {
        const present = new Set(rows.filter((row) => row.table_name === table).map((row) => row.column_name));
        const absent = columns.filter((column) => !present.has(column));
        if (absent.length > 0) missing.set(table, absent);
      }
      return missing;
    },
    async currencies() {
      return query<KolmisoftCurrencyRow>('SELECT id, name, CAST(exchange_rate AS CHAR) AS exchangeRate, active FROM currencies ORDER BY id');
    },
    async countUsers() {
      const [row] = await query<{ count: string | number }>('SELECT COUNT(*) AS count FROM users');
      return Number(row?.count ?? 0);
    },
    async *users() {
      const page = (after: string | number) =>
        query<KolmisoftUserRow>(
          `SELECT id, username, first_name AS firstName, last_name AS lastName, CAST(balance AS CHAR) AS balance,
                  currency_id AS currencyId, uniquehash, usertype, hidden
           FROM users WHERE id > ? ORDER BY id LIMIT ${USERS_PAGE}`,
          [after],
        );
      // The next page is asked for before this one is handed over: the server reads it meanwhile.
      let next = page(BEFORE_FIRST_ID);
      for (;;) {
        const rows: KolmisoftUserRow[] = await next;
        const full = rows.length === USERS_PAGE;
        if (full) next = page(rows[rows.length - 1]!.id);
        if (rows.length > 0) yield rows;
        if (!full) return;
      }
    },
    async close() {
      // Read only: ending the transaction either way changes nothing.
      await connection.query('ROLLBACK').catch(() => undefined);
      await connection.end().catch(() => undefined);
    },
  };
}
