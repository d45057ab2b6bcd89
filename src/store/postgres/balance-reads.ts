/**
 * Balance look-ups on PostgreSQL, batched: the usernames asked for in one turn of the event
 * loop go to the database as one query (`= ANY($1)`), so a burst of requests costs one round
 * trip and one statement execution instead of one each. A request waits at most one turn more.
 */
import type pg from 'pg';
import type { BalanceView } from '../../domain/balance.js';
import { named } from './connection.js';
import { toBalanceView, type UserRow } from './rows.js';

/** The most keys in one query: bounds the statement and the rows of one answer. */
const MAX_BATCH = 256;

interface Waiting {
  readonly resolve: (view: BalanceView | undefined) => void;
  readonly reject: (error: unknown) => void;
}

export class BatchedLookup {
  private pending = new Map<string, Waiting[]>();
  private scheduled = false;

  constructor(
    private readonly pool: pg.Pool,
    /** The column the keys are matched against: `username_key` or `uniquehash`. */
    private readonly column: 'username_key' | 'uniquehash',
  ) {}

  find(key: string): Promise<BalanceView | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting !== undefined) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = [...this.pending];
    this.pending = new Map();
    for (let start = 0; start < all.length; start += MAX_BATCH) void this.query(all.slice(start, start + MAX_BATCH));
  }

  private async query(batch: readonly (readonly [string, Waiting[]])[]): Promise<void> {
    try {
      const result = await this.pool.query<UserRow & { key: string }>(
        named(
          `balance_views_by_${this.column}`,
          // A closed user is no one to the balance reads.
          `SELECT ${this.column} AS key, id, username, currency, balance::text FROM users WHERE ${this.column} = ANY($1::text[]) AND status = 'active'`,
          [batch.map(([key]) => key)],
        ),
      );
      const found = new Map(result.rows.map((row) => [row.key, toBalanceView(row)]));
      for (const [key, waiting] of batch) for (const { resolve } of waiting) resolve(found.get(key));
    } catch (error) {
      for (const [, waiting] of batch) for (const { reject } of waiting) reject(error);
    }
  }
}
