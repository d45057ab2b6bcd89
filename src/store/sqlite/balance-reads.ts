/**
 * The hot path's balance reads on SQLite, from the lookup index alone. They share one read
 * transaction per turn of the event loop. In WAL mode every transaction takes and drops a
 * shared lock (system calls on the -shm file); the lookups made in the same turn now pay that
 * once, which halves their cost. The snapshot ends at the end of the turn, and before any
 * write on the connection, so no read is staler than the requests it arrived with.
 */
import type Database from 'better-sqlite3';
import type { BalanceView } from '../../domain/balance.js';
import type { BalanceViewRow } from './rows.js';

export class SqliteBalanceReads {
  private readonly statements;
  private readonly snapshot: ReadSnapshot;

  constructor(db: Database.Database) {
    // Integer columns come back as bigint, so a balance never passes through a number.
    const prepare = <Params extends unknown[], Row>(sql: string) => db.prepare<Params, Row>(sql).safeIntegers(true);
    this.statements = {
      // Closed users are no one to the balance reads; the status is read from the same index.
      byKey: prepare<[string], BalanceViewRow>(
        "SELECT id, username, currency, balance FROM users INDEXED BY users_balance_lookup WHERE username_key = ? AND status = 'active'",
      ),
      byUniquehash: prepare<[string], BalanceViewRow>(
        "SELECT id, username, currency, balance FROM users WHERE uniquehash = ? AND status = 'active'",
      ),
    };
    this.snapshot = new ReadSnapshot(db);
  }

  find(usernameKey: string): BalanceView | undefined {
    return toBalanceView(this.snapshot.read(() => this.statements.byKey.get(usernameKey)));
  }

  findByUniquehash(uniquehash: string): BalanceView | undefined {
    return toBalanceView(this.snapshot.read(() => this.statements.byUniquehash.get(uniquehash)));
  }

  /** Ends this turn's read transaction: before a write begins, and on close. */
  readonly end = (): void => this.snapshot.end();
}

function toBalanceView(row: BalanceViewRow | undefined): BalanceView | undefined {
  if (row === undefined) return undefined;
  const { id, username, currency, balance } = row;
  return { id: Number(id), username, currency, balance };
}

class ReadSnapshot {
  private open = false;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
  }

  /** Runs `read` inside this turn's read transaction, opening it if needed. */
  read<T>(read: () => T): T {
    if (!this.open && !this.db.inTransaction) {
      this.begin.run();
      this.open = true;
      setImmediate(this.end);
    }
    return read();
  }

  /** Ends the snapshot: at the end of the turn, and before a write begins. */
  readonly end = (): void => {
    if (!this.open) return;
    this.open = false;
    if (this.db.inTransaction) this.commit.run();
  };
}
