/** What every backend shares about reading its rows back and numbering its schema: no driver here. */
import { parseRate, type Decimal } from '../domain/money.js';

/** A numbered schema migration of one backend, `Db` being its connection. */
export interface Migration<Db, Result = void> {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Work SQL alone cannot do (Unicode normalisation), run after `sql` in the same transaction. */
  readonly run?: (db: Db) => Result;
}

/** A stored exchange rate, read back; a row that does not parse is damage, never a default. */
export function storedRate(text: string, what: string): Decimal {
  const rate = parseRate(text);
  if (!rate.ok) throw new Error(`${what} has a damaged rate in the database: ${text}`);
  return rate.value;
}
